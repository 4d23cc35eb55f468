package io.prefixproof.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * LLaMA's SentencePiece-converted BPE against ids derived by hand from a ten-merge tokenizer.json in Llama 2's
 * layout (hf-tokenizer-llama): vocabulary h e l o w r d ! ▁, bytes 0x0A 0xC3 0xA9, merges ▁h, ll, ▁he, ▁hell,
 * ▁hello, or, ▁w, ▁wor, ld, ▁world in that rank order; {@code <s>} (id 1) in front from the template.
 */
class SentencePieceBpeTest {

  static final Path FILE = Path.of("src/test/resources/hf-tokenizer-llama/tokenizer.json");

  static void check(SentencePieceBpe t, int[] bos) {
    // ▁hello▁world: ▁ h → ▁h, l l → ll, ▁h e, ▁he ll, ▁hell o, then o r, ▁ w, ▁w or, l d, ▁wor ld
    assertArrayEquals(concat(bos, 19, 24), t.encode("hello world"));
    // two spaces: the first ▁ has no partner (▁ ▁ is no merge), the second joins w
    assertArrayEquals(concat(bos, 19, 6, 24), t.encode("hello  world"));
    // a leading space is a second ▁ in front: ▁ ▁hello
    assertArrayEquals(concat(bos, 6, 19), t.encode(" hello"));
    // é is not in the vocabulary: its UTF-8 bytes C3 A9 are
    assertArrayEquals(concat(bos, 15, 4, 5), t.encode("hé"));
    // è is C3 A8 and 0xA8 is missing: unknown, and two unknowns in a row fuse into one
    assertArrayEquals(concat(bos, 15, 0, 14), t.encode("hèè!"));
    // a newline falls back to <0x0A>
    assertArrayEquals(concat(bos, 6, 3), t.encode("\n"));
    // l l l: the leftmost pair of the lowest rank merges first
    assertArrayEquals(concat(bos, 6, 16, 9), t.encode("lll"));
    // l l d: "l l" (rank 1) before "l d" (rank 8)
    assertArrayEquals(concat(bos, 6, 16, 13), t.encode("lld"));
  }

  static int[] concat(int[] bos, int... ids) {
    int[] out = new int[bos.length + ids.length];
    System.arraycopy(bos, 0, out, 0, bos.length);
    System.arraycopy(ids, 0, out, bos.length, ids.length);
    return out;
  }

  static Path edited(Path dir, Consumer<ObjectNode> change) throws Exception {
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(FILE.toFile());
    change.accept(root);
    Path file = dir.resolve("tokenizer.json");
    new ObjectMapper().writeValue(file.toFile(), root);
    return file;
  }

  @Test
  @DisplayName("Llama 2's layout (▁ normalizer, <s> template): the hand-derived ids")
  void handDerived() {
    check(SentencePieceBpe.read(FILE), new int[] {1});
    assertArrayEquals(new int[] {1, 19, 24}, HfTokenizer.encode(FILE, "hello world"), "the dispatcher picks it");
  }

  @Test
  @DisplayName("the later layout (Metaspace pre-tokenizer, no normalizer) and no template: the same ids, no <s>")
  void metaspaceLayout(@TempDir Path dir) throws Exception {
    Path file = edited(dir, r -> {
      r.putNull("normalizer");
      r.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
          .put("prepend_scheme", "first").put("split", false);
      r.putNull("post_processor");
    });
    check(SentencePieceBpe.read(file), new int[0]);
  }

  @Test
  @DisplayName("without fuse_unk each unknown character is its own <unk>")
  void unfusedUnknowns(@TempDir Path dir) throws Exception {
    Path file = edited(dir, r -> ((ObjectNode) r.get("model")).put("fuse_unk", false));
    assertArrayEquals(new int[] {1, 15, 0, 0, 14}, SentencePieceBpe.read(file).encode("hèè!"));
  }

  @Test
  @DisplayName("planted: 'l d' ranked before 'l l', or no byte token for 0xA9, and the hand-derived check fails")
  void plantedDefectsAreCaught(@TempDir Path dir) throws Exception {
    Path reranked = edited(dir, r -> {
      ArrayNode m = (ArrayNode) r.get("model").get("merges");
      m.insert(0, m.remove(8));
    });
    assertThrows(AssertionFailedError.class, () -> check(SentencePieceBpe.read(reranked), new int[] {1}));
    Path noBytes = edited(dir, r -> ((ObjectNode) r.get("model").get("vocab")).remove("<0xA9>"));
    assertThrows(AssertionFailedError.class, () -> check(SentencePieceBpe.read(noBytes), new int[] {1}));
  }

  @Test
  @DisplayName("other normalizers, a split Metaspace, dropout, and text holding an added token are named")
  void errors(@TempDir Path dir) throws Exception {
    Path nfkc = edited(dir, r -> r.putObject("normalizer").put("type", "NFKC"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SentencePieceBpe.read(nfkc)).getMessage()
        .contains("\"normalizer\""));
    Path split = edited(dir, r -> {
      r.putNull("normalizer");
      r.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581").put("split", true);
    });
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SentencePieceBpe.read(split)).getMessage()
        .contains("\"pre_tokenizer\""));
    Path dropout = edited(dir, r -> ((ObjectNode) r.get("model")).put("dropout", 0.1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SentencePieceBpe.read(dropout)).getMessage()
        .contains("model.dropout"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SentencePieceBpe.read(FILE).encode("<s>hello"))
        .getMessage().contains("added token <s>"));
  }
}
