package io.prefixproof.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.prefixproof.io.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The page of a trained experiment, from the JSON {@code reproduce E… --json FILE} writes: the object below,
 * bare or as the {@code "data"} of the JSON envelope ({@code {"schema", "tool_version", "seed", ...,
 * "data": {...}}}).
 *
 * <pre>
 * {"experiment": "E3",                                  optional; default: the file name without .json
 *  "pretrained":   {"ascending": 0.93, "descending": 0.01},   task → accuracy, for each of the
 *  "finetuned":    {...},                                     three models (each optional)
 *  "prefix_tuned": {...},
 *  "attention_maps": {                                  optional
 *    "input": [5, 3, 8, 1],                             the input tokens (numbers or strings), n of them
 *    "pretrained": {"layer": 0, "head": 0, "matrix": [[...], ...]},   n rows (queries) × n columns (keys)
 *    "finetuned":  {"layer": 0, "head": 0, "matrix": [[...], ...]},
 *    "prefix_tuned": {"layer": 0, "head": 0, "prefix_positions": 2, "matrix": [[...], ...]}}}
 *                                                       n rows × (2 + n) columns, the prefix keys first
 *    (any map may give "prefix_positions": P, P leading keys read before the input, e.g. the padding
 *    position a model was trained with where a prefix later goes; required for prefix_tuned)
 * </pre>
 *
 * At least one accuracy object or the attention maps must be present; other top-level fields are shown as
 * they are. The page shows the accuracy table (tasks × models) and the three maps side by side, plus the
 * prefix-tuned map with the prefix columns removed and rows renormalised, compared with the pretrained map.
 */
public final class Experiments {
  private Experiments() {}

  static final List<String> MODELS = List.of("pretrained", "finetuned", "prefix_tuned");

  /** Reads {@code file} into a page {@code experiments/<name>.html}; bad input throws, naming file and field. */
  public static Site.Extra read(Path file) {
    JsonNode root = ModelConfig.readStrict(file, "experiment file");
    JsonNode data = root.has("data") ? root.get("data") : root;
    if (!data.isObject()) {
      throw new IllegalArgumentException(file + ": the experiment must be a JSON object");
    }
    String base = file.getFileName().toString().replaceFirst("\\.json$", "");
    String name = data.has("experiment") ? text(data.get("experiment"), file, "experiment") : base;
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException(file + ": \"experiment\" must be 1 to 64 letters, digits, '_', '.' or '-',"
          + " got '" + name + "'");
    }
    StringBuilder body = new StringBuilder();
    Map<String, String> other = new LinkedHashMap<>();
    other.put("file", file.getFileName().toString());
    data.fields().forEachRemaining(e -> {
      if (!MODELS.contains(e.getKey()) && !e.getKey().equals("attention_maps") && !e.getKey().equals("experiment")) {
        String v = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
        other.put(e.getKey(), v.length() > 300 ? v.substring(0, 300) + " …" : v);
      }
    });
    body.append("<table class=\"meta\">\n");
    other.forEach((k, v) -> Site.row(body, k, v));
    body.append("</table>\n");
    boolean accuracies = accuracyTable(data, file, body);
    List<Charts.Figure> figures = List.of();
    if (data.has("attention_maps")) {
      figures = maps(data.get("attention_maps"), file, name, body);
    } else if (!accuracies) {
      throw new IllegalArgumentException(file + ": neither accuracies (pretrained, finetuned, prefix_tuned) nor"
          + " attention_maps");
    }
    return new Site.Extra("experiments/" + name + ".html", "Experiment " + name, body.toString(), figures);
  }

  /** Appends the tasks × models table; false when no model has accuracies. */
  static boolean accuracyTable(JsonNode data, Path file, StringBuilder body) {
    Map<String, Map<String, String>> byModel = new LinkedHashMap<>();
    Set<String> tasks = new LinkedHashSet<>();
    for (String m : MODELS) {
      if (!data.has(m)) {
        continue;
      }
      JsonNode acc = data.get(m);
      if (!acc.isObject()) {
        throw new IllegalArgumentException(file + ": \"" + m + "\" must be an object of task → accuracy");
      }
      Map<String, String> row = new LinkedHashMap<>();
      acc.fields().forEachRemaining(e -> {
        double v = e.getValue().doubleValue();
        if (!e.getValue().isNumber() || !Double.isFinite(v) || v < 0) {
          throw new IllegalArgumentException(file + ": \"" + m + "\".\"" + e.getKey() + "\" must be a non-negative"
              + " number, got " + e.getValue());
        }
        row.put(e.getKey(), e.getValue().asText());
        tasks.add(e.getKey());
      });
      byModel.put(m, row);
    }
    if (byModel.isEmpty()) {
      return false;
    }
    body.append("<h2>Accuracy</h2>\n<table class=\"accuracy\">\n<tr><th>task</th>");
    byModel.keySet().forEach(m -> body.append("<th>").append(Site.esc(m)).append("</th>"));
    body.append("</tr>\n");
    for (String t : tasks) {
      body.append("<tr><th>").append(Site.esc(t)).append("</th>");
      byModel.values().forEach(r -> body.append("<td>").append(Site.esc(r.getOrDefault(t, "-"))).append("</td>"));
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return true;
  }

  /** The three maps (checked against the input's length) drawn side by side. */
  static List<Charts.Figure> maps(JsonNode am, Path file, String name, StringBuilder body) {
    String where = file + ": attention_maps";
    if (!am.isObject() || !am.has("input") || !am.get("input").isArray()) {
      throw new IllegalArgumentException(where + " must be an object with an \"input\" array of tokens");
    }
    List<String> input = new ArrayList<>();
    for (JsonNode t : am.get("input")) {
      if (!t.isValueNode() || t.isNull()) {
        throw new IllegalArgumentException(where + ".input: a token must be a number or a string, got " + t);
      }
      input.add(t.asText());
    }
    List<AttentionFigures.Map> maps = new ArrayList<>();
    for (String m : MODELS) {
      String at = where + "." + m;
      JsonNode o = am.get(m);
      if (o == null || !o.isObject()) {
        throw new IllegalArgumentException(at + " is missing (an object with layer, head and matrix)");
      }
      int layer = nonNegative(o, "layer", at);
      int head = nonNegative(o, "head", at);
      int p = m.equals("prefix_tuned") || o.has("prefix_positions") ? nonNegative(o, "prefix_positions", at) : 0;
      double[][] w = matrix(o.get("matrix"), at + ".matrix");
      // only the prefix-tuned model reads a prefix there; the others read the padding they were trained with
      AttentionFigures.Map map = new AttentionFigures.Map(m.replace('_', '-') + " (layer " + layer + ", head " + head
          + ")", w, p, !m.equals("prefix_tuned"));
      AttentionFigures.validate(at + ".matrix", map);
      if (w.length != input.size() || w[0].length != input.size() + p) {
        throw new IllegalArgumentException(at + ".matrix is " + w.length + " × " + w[0].length + ", expected "
            + input.size() + " × " + (input.size() + p) + " (queries × " + (p > 0 ? p + " leading keys and " : "")
            + "the input's keys)");
      }
      maps.add(map);
    }
    body.append("<h2>Attention maps</h2>\n<p>Input: ").append(Site.esc(String.join(" ", input))).append("</p>\n");
    return AttentionFigures.sideBySide("experiment-" + AttentionFigures.slug(name), "experiment " + name, maps, 0);
  }

  static double[][] matrix(JsonNode m, String at) {
    if (m == null || !m.isArray()) {
      throw new IllegalArgumentException(at + " must be an array of rows");
    }
    double[][] w = new double[m.size()][];
    for (int i = 0; i < m.size(); i++) {
      JsonNode row = m.get(i);
      if (!row.isArray()) {
        throw new IllegalArgumentException(at + "[" + i + "] must be an array of numbers");
      }
      w[i] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        if (!row.get(j).isNumber()) {
          throw new IllegalArgumentException(at + "[" + i + "][" + j + "] must be a number, got " + row.get(j));
        }
        w[i][j] = row.get(j).doubleValue();
      }
    }
    return w;
  }

  static int nonNegative(JsonNode o, String field, String at) {
    JsonNode v = o.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw new IllegalArgumentException(at + "." + field + " must be a non-negative integer, got " + v);
    }
    return v.intValue();
  }

  static String text(JsonNode v, Path file, String field) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException(file + ": \"" + field + "\" must be a string, got " + v);
    }
    return v.textValue();
  }
}
