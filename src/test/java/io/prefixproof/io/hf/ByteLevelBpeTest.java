package io.prefixproof.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPT-2 byte-level BPE against encodings derived by hand from a six-merge tokenizer.json. */
class ByteLevelBpeTest {

  static final Path FILE = Path.of("src/test/resources/hf-tokenizer/tokenizer.json");

  @Test
  @DisplayName("GPT-2's byte table: space is Ġ (U+0120), byte 0 is Ā (U+0100), soft hyphen 0xAD is Ń (U+0143)")
  void byteTable() {
    assertEquals('\u0120', ByteLevelBpe.byteChar(' '));
    assertEquals('\u0100', ByteLevelBpe.byteChar(0));
    assertEquals('\u0143', ByteLevelBpe.byteChar(0xAD));
    assertEquals('\u010A', ByteLevelBpe.byteChar('\n'));
    assertEquals('h', ByteLevelBpe.byteChar('h'));
  }

  @Test
  @DisplayName("pieces and merges: 'hello hello!' is hello, Ġhello, ! and 'é' is its two UTF-8 bytes")
  void handDerived() {
    ByteLevelBpe t = ByteLevelBpe.read(FILE);
    // "hello": h e l l o -> he l l o -> he ll o -> hell o -> hello; " hello" merges on to Ġhello (rank 4)
    assertArrayEquals(new int[] {8, 9, 10}, t.encode("hello hello!"));
    // no merge joins "hel" + "lo" out of order: "hel" alone stays he l
    assertArrayEquals(new int[] {5, 2}, t.encode("hel"));
    // é = C3 A9, both printable Latin-1 bytes: Ã ©
    assertArrayEquals(new int[] {11, 12}, t.encode("é"));
    // the contraction 's is its own piece, then merged; a newline is Ċ
    assertArrayEquals(new int[] {8, 15, 16}, t.encode("hello's\n"));
  }

  @Test
  @DisplayName("unsupported tokenizers and unknown symbols are named")
  void errors(@TempDir Path dir) throws Exception {
    Path wordPiece = dir.resolve("tokenizer.json");
    Files.writeString(wordPiece, Files.readString(FILE).replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\""));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.read(wordPiece)).getMessage()
        .contains("model.type"));
    Files.writeString(wordPiece, Files.readString(FILE).replace("\"ByteLevel\"", "\"Metaspace\""));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.read(wordPiece)).getMessage()
        .contains("pre_tokenizer.type"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.read(FILE).encode("hex")).getMessage()
        .contains("no symbol x "));
  }
}
