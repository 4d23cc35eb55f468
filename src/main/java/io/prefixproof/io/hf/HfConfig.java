package io.prefixproof.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Hugging Face {@code config.json} (or one object inside it) read field by field. Every field a converter
 * reads, or names as metadata that does not change the computation, is marked; {@link #finish} then
 * rejects any other field by name, so a config that asks for something the converter does not do is an
 * error rather than a silent approximation.
 */
final class HfConfig {
  /** Fields that never change what the network computes (bookkeeping, generation and training settings). */
  static final Set<String> METADATA = Set.of("architectures", "model_type", "torch_dtype", "dtype",
      "transformers_version", "use_cache", "bos_token_id", "eos_token_id", "pad_token_id", "initializer_range",
      "_name_or_path", "tokenizer_class", "attention_dropout", "output_attentions", "output_hidden_states",
      "return_dict", "id2label", "label2id");

  private final JsonNode node;
  private final String where;
  private final Set<String> seen = new HashSet<>();

  HfConfig(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + " is not a JSON object");
    }
    this.node = node;
    this.where = where;
  }

  static HfConfig read(Path file) {
    return new HfConfig(json(file), file.toString());
  }

  /** A JSON file's tree; an unreadable or malformed file is an error naming it and the parser's first line. */
  static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** The error for a field: {@code config.json: "field" message}. */
  IllegalArgumentException error(String field, String message) {
    return new IllegalArgumentException(where + ": \"" + field + "\" " + message);
  }

  /** The field's value, or null when absent or JSON null; marks it read. */
  JsonNode get(String field) {
    seen.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  int integer(String field) {
    JsonNode v = get(field);
    if (v == null) {
      throw error(field, "is missing");
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0) {
      throw error(field, "must be a positive integer, got " + v);
    }
    return v.intValue();
  }

  int integer(String field, int absent) {
    return get(field) == null ? absent : integer(field);
  }

  double number(String field, double absent) {
    JsonNode v = get(field);
    if (v == null) {
      return absent;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw error(field, "must be a finite number, got " + v);
    }
    return v.doubleValue();
  }

  /** A number that must be positive. */
  double positive(String field, double absent) {
    if (get(field) == null) {
      return absent;
    }
    double v = number(field, absent);
    if (!(v > 0)) {
      throw error(field, "must be positive, got " + v);
    }
    return v;
  }

  boolean bool(String field, boolean absent) {
    JsonNode v = get(field);
    if (v == null) {
      return absent;
    }
    if (!v.isBoolean()) {
      throw error(field, "must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  String text(String field, String absent) {
    JsonNode v = get(field);
    if (v == null) {
      return absent;
    }
    if (!v.isTextual()) {
      throw error(field, "must be a string, got " + v);
    }
    return v.textValue();
  }

  /** Requires the field, when present, to hold one of the accepted values (as text). */
  void require(String field, String why, String... accepted) {
    JsonNode v = get(field);
    if (v != null && !Set.of(accepted).contains(v.asText())) {
      throw error(field, "is " + v + "; only " + String.join(" or ", accepted) + " is supported (" + why + ")");
    }
  }

  /** A nested object as its own config, its fields named {@code parent.field} in errors. */
  HfConfig object(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      throw error(field, "must be an object, got " + v);
    }
    return new HfConfig(v, where + ": " + field);
  }

  /** Marks fields read that do not change the computation. */
  void ignore(Set<String> fields) {
    seen.addAll(fields);
  }

  /** Rejects every field that was neither read nor ignored, naming it. */
  void finish(String family) {
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!seen.contains(e.getKey())) {
        unknown.add(e.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      String f = unknown.iterator().next();
      throw error(f, "is not supported for " + family + " (value " + node.get(f) + ")"
          + (unknown.size() > 1 ? "; also unsupported: " + unknown : ""));
    }
  }
}
