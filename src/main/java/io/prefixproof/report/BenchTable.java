package io.prefixproof.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.prefixproof.io.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark table of the report's index: the runs of {@code bench --json} (one JSON object per line, or
 * one array of them; each object bare or in the JSON envelope {@code {"schema", ..., "generated_at", "data"}}),
 * one row per run and one column per field any run has, in the order the fields first appear. The table is
 * labelled with where the numbers come from, the machine and the date: the {@code machine} and
 * {@code generated_at} (or {@code date}) fields when the file has them, otherwise the label says the file
 * does not record the machine and gives the file's modification time.
 */
public record BenchTable(String source, String machine, String date, List<String> columns, List<List<String>> rows) {

  /** Largest benchmark file read (a run is one short line; this allows hundreds of thousands). */
  static final long BYTES_MAX = 16L << 20;

  /** Reads a {@code bench --json} file; errors name the file and the line or field. */
  public static BenchTable read(Path file) {
    String text;
    String modified;
    try {
      long size = Files.size(file);
      if (size > BYTES_MAX) {
        throw new IllegalArgumentException("--bench " + file + " is " + size + " bytes, more than " + BYTES_MAX);
      }
      text = Files.readString(file);
      modified = Files.getLastModifiedTime(file).toInstant().toString();
    } catch (IOException e) {
      throw new IllegalArgumentException("--bench: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    List<JsonNode> items = new ArrayList<>();
    String trimmed = text.strip();
    if (trimmed.startsWith("[")) {
      JsonNode all = ModelConfig.parseStrict(trimmed, "--bench " + file);
      all.forEach(items::add);
    } else {
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          items.add(ModelConfig.parseStrict(lines[i], "--bench " + file + " line " + (i + 1)));
        }
      }
    }
    String name = file.getFileName().toString();
    return of(items, "bench --json file " + name, "not recorded in " + name, "not recorded in " + name
        + " (file modified " + modified + ")", file.toString());
  }

  /**
   * The table of {@code items} (runs, bare or enveloped); {@code machine} and {@code date} label it unless the
   * items record their own (the last item that does wins); {@code where} names the input in errors.
   */
  public static BenchTable of(List<JsonNode> items, String source, String machine, String date, String where) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("--bench " + where + " holds no benchmark runs");
    }
    Set<String> columns = new LinkedHashSet<>();
    List<JsonNode> runs = new ArrayList<>();
    for (int k = 0; k < items.size(); k++) {
      JsonNode item = items.get(k);
      JsonNode data = item.has("data") ? item.get("data") : item;
      machine = item.hasNonNull("machine") ? item.get("machine").asText() : machine;
      date = item.hasNonNull("generated_at") ? item.get("generated_at").asText()
          : item.hasNonNull("date") ? item.get("date").asText() : date;
      for (JsonNode run : data.isArray() ? data : List.of(data)) {
        if (!run.isObject()) {
          throw new IllegalArgumentException("--bench " + where + ": run " + (k + 1) + " is not a JSON object");
        }
        run.fieldNames().forEachRemaining(columns::add);
        runs.add(run);
      }
    }
    List<String> cols = new ArrayList<>(columns);
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode run : runs) {
      rows.add(cols.stream().map(c -> !run.has(c) || run.get(c).isNull() ? "" : run.get(c).isValueNode()
          ? run.get(c).asText() : run.get(c).toString()).toList());
    }
    return new BenchTable(source, machine, date, cols, rows);
  }

  /** The table as an HTML section with its label. */
  String html() {
    StringBuilder b = new StringBuilder("<h2>Benchmarks</h2>\n<table class=\"meta bench-label\">\n");
    Site.row(b, "source", source);
    Site.row(b, "machine", machine);
    Site.row(b, "date", date);
    b.append("</table>\n<table class=\"bench\">\n<tr>");
    columns.forEach(c -> b.append("<th>").append(Site.esc(c)).append("</th>"));
    b.append("</tr>\n");
    for (List<String> r : rows) {
      b.append("<tr>");
      r.forEach(v -> b.append("<td>").append(Site.esc(v)).append("</td>"));
      b.append("</tr>\n");
    }
    return b.append("</table>\n").toString();
  }
}
