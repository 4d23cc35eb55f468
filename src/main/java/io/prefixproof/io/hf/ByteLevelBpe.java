package io.prefixproof.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level BPE, read from a {@code tokenizer.json} whose model is {@code "BPE"} and whose
 * pre-tokenizer is {@code "ByteLevel"}. Text is split by GPT-2's pattern (contractions, optional space plus
 * letters, digits or other symbols, runs of spaces); each piece's UTF-8 bytes become printable characters
 * by GPT-2's byte-to-character table (printable Latin-1 bytes stand for themselves, the other 68 bytes for
 * characters 256 …); then the adjacent pair with the lowest merge rank is merged until none is in the
 * merge list, and the resulting symbols are looked up in the vocabulary. Any other tokenizer kind is an
 * error naming the field.
 */
public final class ByteLevelBpe {
  private static final Pattern PIECES = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private final Map<String, Integer> vocab;
  private final Map<String, Integer> ranks;
  private final boolean prefixSpace;

  private ByteLevelBpe(Map<String, Integer> vocab, Map<String, Integer> ranks, boolean prefixSpace) {
    this.vocab = vocab;
    this.ranks = ranks;
    this.prefixSpace = prefixSpace;
  }

  public static ByteLevelBpe read(Path file) {
    JsonNode root = HfConfig.json(file);
    JsonNode model = bpeModel(root, file);
    JsonNode pre = root.path("pre_tokenizer");
    if (!"ByteLevel".equals(pre.path("type").asText())) {
      throw new IllegalArgumentException(file + ": \"pre_tokenizer.type\" is " + pre.get("type")
          + "; only GPT-2's ByteLevel is supported");
    }
    JsonNode norm = root.get("normalizer");
    if (norm != null && !norm.isNull()) {
      throw new IllegalArgumentException(file + ": \"normalizer\" is " + norm.path("type") + "; none is supported");
    }
    return new ByteLevelBpe(vocab(model, file), ranks(model.path("merges"), file),
        pre.path("add_prefix_space").asBoolean(false));
  }

  /** The tokenizer's {@code model}, required to be BPE. */
  static JsonNode bpeModel(JsonNode root, Path file) {
    JsonNode model = root == null ? null : root.get("model");
    if (model == null || !"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException(file + ": \"model.type\" is " + (model == null ? "missing" : model.get("type"))
          + "; only BPE is supported");
    }
    return model;
  }

  /** {@code model.vocab}: token to id, required non-empty. */
  static Map<String, Integer> vocab(JsonNode model, Path file) {
    Map<String, Integer> vocab = new HashMap<>();
    model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    if (vocab.isEmpty()) {
      throw new IllegalArgumentException(file + ": \"model.vocab\" is missing or empty");
    }
    return vocab;
  }

  /**
   * {@code model.merges} as ranks by pair ({@code "a b"}, the first occurrence counting), each entry a
   * string {@code "a b"} or an array {@code ["a", "b"]}.
   */
  static Map<String, Integer> ranks(JsonNode merges, Path file) {
    Map<String, Integer> ranks = new HashMap<>();
    for (int i = 0; i < merges.size(); i++) {
      JsonNode m = merges.get(i);
      String pair = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
      if (pair.split(" ").length != 2) {
        throw new IllegalArgumentException(file + ": \"model.merges\"[" + i + "] = " + m + " is not a pair");
      }
      ranks.putIfAbsent(pair, i);
    }
    return ranks;
  }

  /**
   * BPE's merge loop on a word's symbols (changed in place and returned): while some adjacent pair has a
   * rank, the leftmost pair of lowest rank becomes one symbol.
   */
  static List<String> merge(List<String> symbols, Map<String, Integer> ranks) {
    while (symbols.size() > 1) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer r = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
        if (r != null && r < bestRank) {
          best = i;
          bestRank = r;
        }
      }
      if (best < 0) {
        break;
      }
      symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
    }
    return symbols;
  }

  /** GPT-2's table: the character standing for byte b. */
  static char byteChar(int b) {
    if (b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF) {
      return (char) b;
    }
    int n = 0;
    for (int c = 0; c < b; c++) {
      n += c >= '!' && c <= '~' || c >= 0xA1 && c <= 0xAC || c >= 0xAE && c <= 0xFF ? 0 : 1;
    }
    return (char) (256 + n);
  }

  public int[] encode(String text) {
    List<Integer> ids = new ArrayList<>();
    Matcher m = PIECES.matcher(prefixSpace && !text.startsWith(" ") ? " " + text : text);
    while (m.find()) {
      List<String> symbols = new ArrayList<>();
      for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
        symbols.add(String.valueOf(byteChar(b & 0xff)));
      }
      for (String s : merge(symbols, ranks)) {
        Integer id = vocab.get(s);
        if (id == null) {
          throw new IllegalArgumentException("the tokenizer's vocabulary has no symbol " + s + " (from \"" + m.group()
              + "\")");
        }
        ids.add(id);
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }
}
