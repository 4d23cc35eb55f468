package io.prefixproof.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.prefixproof.claims.Claim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The verify table and its JSON form. */
public final class Report {
  private Report() {}

  public static String header() {
    return String.format("%-8s %-15s %-15s %7s %8s %11s  %s", "claim", "status", "expected", "tries", "ms",
        "max_abs_err", "detail");
  }

  public static String line(Claim.Result r) {
    return String.format("%-8s %-15s %-15s %7d %8d %11s  %s%s", r.id(), word(r.status().name()),
        word(r.expected().name()), r.tries(), r.millis(),
        r.maxAbsErr() == null ? "-" : String.format("%.3g", r.maxAbsErr()), r.asExpected() ? "" : "NOT AS EXPECTED: ",
        r.detail());
  }

  static String word(String enumName) {
    return enumName.toLowerCase();
  }

  /**
   * The labelled case counts of a result, most frequent first, with percentages; a composite claim's
   * labels come in groups ("exact …", "double …") with a "&lt;group&gt; cases" count each, and each group is
   * shown against its own number of cases.
   */
  public static String statistics(Claim.Result r) {
    Map<String, Map<String, Integer>> groups = new LinkedHashMap<>();
    Map<String, Integer> totals = new LinkedHashMap<>();
    r.statistics().forEach((k, v) -> {
      String group = k.contains(" ") && r.statistics().containsKey(k.substring(0, k.indexOf(' ')) + " cases")
          ? k.substring(0, k.indexOf(' ')) : "";
      if (k.equals(group + " cases")) {
        totals.put(group, v);
      } else {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(k, v);
      }
    });
    StringBuilder sb = new StringBuilder();
    groups.forEach((g, counts) -> sb.append(io.prefixproof.property.Stats.format(counts,
        totals.getOrDefault(g, r.tries()))));
    return sb.toString();
  }

  public static String indent(String s) {
    return "  " + s.strip().replace("\n", "\n  ");
  }

  /** JSON list of {id, status, expected, tries, seed, max_abs_err, witness, millis, detail, statistics}. */
  public static void writeJson(Path file, List<Claim.Result> results) {
    List<Map<String, Object>> out = results.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("status", word(r.status().name()));
      m.put("expected", word(r.expected().name()));
      m.put("tries", r.tries());
      m.put("seed", r.seed());
      m.put("max_abs_err", r.maxAbsErr());
      m.put("witness", r.witness());
      m.put("millis", r.millis());
      m.put("detail", r.detail());
      m.put("statistics", new java.util.TreeMap<>(r.statistics()));
      return m;
    }).toList();
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
