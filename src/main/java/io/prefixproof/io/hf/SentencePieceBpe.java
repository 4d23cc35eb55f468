package io.prefixproof.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LLaMA's tokenizer as Hugging Face converts SentencePiece models to {@code tokenizer.json}: a BPE model with
 * {@code byte_fallback}, spaces written as {@code ▁} (U+2581) and one {@code ▁} put before the text, either by
 * the normalizer {@code Sequence[Prepend("▁"), Replace(" ", "▁")]} (Llama 2's file) or by the pre-tokenizer
 * {@code Metaspace(replacement "▁", prepend_scheme "first" or "always", split false)} (later conversions);
 * the whole text is one word. Its characters are looked up one by one; a character missing from the vocabulary
 * becomes the tokens {@code <0xXX>} of its UTF-8 bytes (byte fallback), or the unknown token when one of
 * those is missing too (consecutive unknowns fused into one with {@code fuse_unk}). Then pairs merge by rank
 * as in every BPE ({@link ByteLevelBpe#merge}). The post-processor's template adds the special tokens of a
 * single sequence (Llama's {@code <s>} in front). Other normalizers, pre-tokenizers, a word split on
 * {@code ▁}, dropout, and text containing an added token are errors naming the field.
 */
public final class SentencePieceBpe {
  static final String SPACE = "\u2581";

  private final Map<String, Integer> vocab;
  private final Map<String, Integer> ranks;
  private final String unknown;
  private final boolean fuseUnknown;
  private final int[] before;
  private final int[] after;
  private final List<String> added;

  private SentencePieceBpe(Map<String, Integer> vocab, Map<String, Integer> ranks, String unknown,
      boolean fuseUnknown, int[] before, int[] after, List<String> added) {
    this.vocab = vocab;
    this.ranks = ranks;
    this.unknown = unknown;
    this.fuseUnknown = fuseUnknown;
    this.before = before;
    this.after = after;
    this.added = added;
  }

  /** True when {@code root} is a tokenizer.json of this kind's shape: BPE with byte fallback. */
  static boolean applies(JsonNode root) {
    return root != null && root.path("model").path("byte_fallback").asBoolean(false);
  }

  public static SentencePieceBpe read(Path file) {
    JsonNode root = HfConfig.json(file);
    JsonNode model = ByteLevelBpe.bpeModel(root, file);
    if (!model.path("byte_fallback").asBoolean(false)) {
      throw new IllegalArgumentException(file + ": \"model.byte_fallback\" is not true; a SentencePiece-converted"
          + " BPE falls back to bytes");
    }
    for (String field : new String[] {"dropout", "continuing_subword_prefix", "end_of_word_suffix"}) {
      if (!model.path(field).isMissingNode() && !model.path(field).isNull()) {
        throw new IllegalArgumentException(file + ": \"model." + field + "\" is " + model.get(field)
            + "; only null is supported");
      }
    }
    if (model.path("ignore_merges").asBoolean(false)) {
      throw new IllegalArgumentException(file + ": \"model.ignore_merges\" is true; not supported");
    }
    requireMetaspace(root, file);
    Map<String, Integer> vocab = ByteLevelBpe.vocab(model, file);
    String unknown = model.hasNonNull("unk_token") ? model.get("unk_token").asText() : null;
    if (unknown != null) {
      if (!vocab.containsKey(unknown)) {
        throw new IllegalArgumentException(file + ": \"model.unk_token\" " + model.get("unk_token")
            + " is not in the vocabulary");
      }
    }
    List<String> added = new ArrayList<>();
    root.path("added_tokens").forEach(t -> added.add(t.path("content").asText()));
    List<Integer> before = new ArrayList<>();
    List<Integer> after = new ArrayList<>();
    template(root.get("post_processor"), file, before, after);
    return new SentencePieceBpe(vocab, ByteLevelBpe.ranks(model.path("merges"), file), unknown,
        model.path("fuse_unk").asBoolean(false), before.stream().mapToInt(Integer::intValue).toArray(),
        after.stream().mapToInt(Integer::intValue).toArray(), added);
  }

  /** Spaces become ▁ and one ▁ goes in front: by the normalizer or by the pre-tokenizer, not both, nothing else. */
  private static void requireMetaspace(JsonNode root, Path file) {
    JsonNode norm = root.get("normalizer");
    JsonNode pre = root.get("pre_tokenizer");
    boolean byNormalizer = norm != null && !norm.isNull();
    if (byNormalizer) {
      JsonNode steps = norm.path("normalizers");
      boolean llama2 = "Sequence".equals(norm.path("type").asText()) && steps.size() == 2
          && "Prepend".equals(steps.get(0).path("type").asText()) && SPACE.equals(steps.get(0).path("prepend").asText())
          && "Replace".equals(steps.get(1).path("type").asText())
          && " ".equals(steps.get(1).path("pattern").path("String").asText(null))
          && SPACE.equals(steps.get(1).path("content").asText());
      if (!llama2) {
        throw new IllegalArgumentException(file + ": \"normalizer\" is " + norm
            + "; only Sequence[Prepend(\"▁\"), Replace(\" \", \"▁\")] is supported");
      }
      if (pre != null && !pre.isNull()) {
        throw new IllegalArgumentException(file + ": \"pre_tokenizer\" is " + pre.path("type")
            + " after the ▁ normalizer; only null is supported there");
      }
      return;
    }
    boolean metaspace = pre != null && "Metaspace".equals(pre.path("type").asText())
        && SPACE.equals(pre.path("replacement").asText())
        && List.of("first", "always").contains(pre.path("prepend_scheme").asText("always"))
        && !pre.path("split").asBoolean(true);
    if (!metaspace) {
      throw new IllegalArgumentException(file + ": \"pre_tokenizer\" is " + pre + "; only Metaspace(replacement \"▁\","
          + " prepend_scheme first or always, split false) is supported without the ▁ normalizer");
    }
  }

  /** The special tokens a TemplateProcessing post-processor puts around a single sequence "A". */
  private static void template(JsonNode post, Path file, List<Integer> before, List<Integer> after) {
    if (post == null || post.isNull()) {
      return;
    }
    if (!"TemplateProcessing".equals(post.path("type").asText())) {
      throw new IllegalArgumentException(file + ": \"post_processor.type\" is " + post.get("type")
          + "; only TemplateProcessing (or null) is supported");
    }
    boolean seen = false;
    for (JsonNode item : post.path("single")) {
      if (item.has("Sequence")) {
        seen = true;
        continue;
      }
      String id = item.path("SpecialToken").path("id").asText();
      JsonNode ids = post.path("special_tokens").path(id).path("ids");
      if (!ids.isArray() || ids.isEmpty()) {
        throw new IllegalArgumentException(file + ": \"post_processor.special_tokens\" has no ids for " + id);
      }
      for (JsonNode i : ids) {
        (seen ? after : before).add(i.asInt());
      }
    }
    if (!seen) {
      throw new IllegalArgumentException(file + ": \"post_processor.single\" has no sequence");
    }
  }

  public int[] encode(String text) {
    for (String a : added) {
      if (!a.isEmpty() && text.contains(a)) {
        throw new IllegalArgumentException("the text contains the added token " + a + ", which is not split off here;"
            + " give --tokens");
      }
    }
    String word = SPACE + text.replace(" ", SPACE);
    List<String> symbols = new ArrayList<>();
    boolean lastUnknown = false;
    for (int i = 0; i < word.length(); i = word.offsetByCodePoints(i, 1)) {
      String c = word.substring(i, word.offsetByCodePoints(i, 1));
      List<String> bytes = new ArrayList<>();
      for (byte b : c.getBytes(StandardCharsets.UTF_8)) {
        bytes.add(String.format("<0x%02X>", b & 0xff));
      }
      if (vocab.containsKey(c) || vocab.keySet().containsAll(bytes)) {
        symbols.addAll(vocab.containsKey(c) ? List.of(c) : bytes);
        lastUnknown = false;
      } else if (unknown == null) {
        throw new IllegalArgumentException("the tokenizer's vocabulary has neither " + c + " nor its bytes "
            + bytes + ", and no unknown token");
      } else {
        if (!(fuseUnknown && lastUnknown)) {
          symbols.add(unknown);
        }
        lastUnknown = true;
      }
    }
    List<Integer> ids = new ArrayList<>();
    for (int id : before) {
      ids.add(id);
    }
    for (String s : ByteLevelBpe.merge(symbols, ranks)) {
      Integer id = vocab.get(s);
      if (id == null) {
        throw new IllegalArgumentException("the tokenizer's merges make " + s + ", which its vocabulary lacks");
      }
      ids.add(id);
    }
    for (int id : after) {
      ids.add(id);
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }
}
