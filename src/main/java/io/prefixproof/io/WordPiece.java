package io.prefixproof.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's uncased WordPiece tokenizer, configured from a Hugging Face {@code tokenizer.json}: clean the
 * text (drop control characters, map white space to spaces), put spaces around CJK characters, lower
 * case and strip accents (NFD, drop combining marks), split on white space and on every punctuation
 * character, then greedy longest-match WordPiece with the {@code ##} continuation prefix ({@code [UNK]}
 * for a word with no split or longer than the limit), and wrap in {@code [CLS] … [SEP]}.
 */
public final class WordPiece {
  private final Map<String, Integer> vocab;
  private final String prefix;
  private final int maxChars;
  private final int unk;
  private final int cls;
  private final int sep;
  private final boolean lowercase;

  private WordPiece(Map<String, Integer> vocab, String prefix, int maxChars, boolean lowercase) {
    this.vocab = vocab;
    this.prefix = prefix;
    this.maxChars = maxChars;
    this.lowercase = lowercase;
    this.unk = id("[UNK]");
    this.cls = id("[CLS]");
    this.sep = id("[SEP]");
  }

  private int id(String token) {
    Integer i = vocab.get(token);
    if (i == null) {
      throw new IllegalArgumentException("tokenizer vocabulary has no " + token);
    }
    return i;
  }

  /** Reads {@code model.vocab}, {@code continuing_subword_prefix}, {@code max_input_chars_per_word}, lowercase. */
  public static WordPiece fromJson(InputStream in, String where) {
    try {
      JsonNode root = new ObjectMapper().readTree(in);
      JsonNode model = root.path("model");
      if (!"WordPiece".equals(model.path("type").asText())) {
        throw new IllegalArgumentException(where + ": model type is " + model.path("type") + ", not WordPiece");
      }
      Map<String, Integer> vocab = new HashMap<>();
      model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
      if (vocab.isEmpty()) {
        throw new IllegalArgumentException(where + ": empty WordPiece vocabulary");
      }
      return new WordPiece(vocab, model.path("continuing_subword_prefix").asText("##"),
          model.path("max_input_chars_per_word").asInt(100), root.path("normalizer").path("lowercase").asBoolean(true));
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": not a readable tokenizer JSON: " + e.getMessage());
    }
  }

  /** Token ids of {@code text}, with {@code [CLS]} and {@code [SEP]}. */
  public int[] encode(String text) {
    List<Integer> ids = new ArrayList<>();
    ids.add(cls);
    for (String word : words(text)) {
      wordPiece(word, ids);
    }
    ids.add(sep);
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The vocabulary entry of an id (for printing). */
  public String token(int id) {
    return vocab.entrySet().stream().filter(e -> e.getValue() == id).map(Map.Entry::getKey).findFirst()
        .orElse("[?" + id + "]");
  }

  List<String> words(String text) {
    StringBuilder clean = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (c == 0 || c == 0xfffd || (Character.isISOControl(c) && !Character.isWhitespace(c))) {
        return;
      }
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        clean.append(' ');
      } else if (isCjk(c)) {
        clean.append(' ').appendCodePoint(c).append(' ');
      } else {
        clean.appendCodePoint(c);
      }
    });
    String s = clean.toString();
    if (lowercase) {
      s = Normalizer.normalize(s.toLowerCase(java.util.Locale.ROOT), Normalizer.Form.NFD)
          .replaceAll("\\p{Mn}", "");
    }
    List<String> out = new ArrayList<>();
    for (String piece : s.trim().split(" +")) {
      StringBuilder cur = new StringBuilder();
      piece.codePoints().forEach(c -> {
        if (isPunctuation(c)) {
          if (cur.length() > 0) {
            out.add(cur.toString());
            cur.setLength(0);
          }
          out.add(new String(Character.toChars(c)));
        } else {
          cur.appendCodePoint(c);
        }
      });
      if (cur.length() > 0) {
        out.add(cur.toString());
      }
    }
    return out;
  }

  void wordPiece(String word, List<Integer> ids) {
    if (word.codePointCount(0, word.length()) > maxChars) {
      ids.add(unk);
      return;
    }
    List<Integer> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      Integer found = null;
      while (start < end) {
        String sub = (start > 0 ? prefix : "") + word.substring(start, end);
        found = vocab.get(sub);
        if (found != null) {
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (found == null) {
        ids.add(unk);
        return;
      }
      pieces.add(found);
      start = end;
    }
    ids.addAll(pieces);
  }

  /** BERT's punctuation: ASCII symbols 33–47, 58–64, 91–96, 123–126, and Unicode punctuation. */
  static boolean isPunctuation(int c) {
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
      return true;
    }
    int t = Character.getType(c);
    return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
        || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
        || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
        || t == Character.OTHER_PUNCTUATION;
  }

  static boolean isCjk(int c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
  }
}
