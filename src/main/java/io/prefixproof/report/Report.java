package io.prefixproof.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.claims.Catalogue;
import io.prefixproof.claims.Claim;
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
    groups.forEach((g, counts) -> {
      int cases = totals.getOrDefault(g, r.tries());
      sb.append(io.prefixproof.property.Stats.format(counts, cases));
      int trivial = trivialCount(counts);
      if (trivial >= 0) {
        sb.append(String.format("  %-40s %6d (%5.1f%%)%n", "trivial cases (share)", trivial,
            cases == 0 ? 0.0 : 100.0 * trivial / cases));
      }
    });
    return sb.toString();
  }

  /**
   * The number of cases labelled {@link Catalogue#TRIVIAL} among {@code counts}, or −1 when the claim labels
   * no case as trivial or non-trivial (it has no notion of a trivial case).
   */
  static int trivialCount(Map<String, Integer> counts) {
    boolean labelled = false;
    int trivial = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String label = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      if (e.getKey().startsWith(Catalogue.TRIVIAL) || label.startsWith(Catalogue.TRIVIAL)) {
        trivial += e.getValue();
        labelled = true;
      } else if (e.getKey().endsWith(Catalogue.NON_TRIVIAL)) {
        labelled = true;
      }
    }
    return labelled ? trivial : -1;
  }

  /** The share of a result's cases labelled trivial (0 when the claim labels none as trivial or non-trivial). */
  public static double trivialShare(Claim.Result r) {
    int trivial = Math.max(0, trivialCount(r.statistics()));
    int cases = r.statistics().getOrDefault("exact cases", r.tries());
    return cases == 0 ? 0 : (double) trivial / cases;
  }

  public static String indent(String s) {
    return "  " + s.strip().replace("\n", "\n  ");
  }

  /**
   * The results as JSON, one object per claim: {id, status, expected, tries, seed, max_abs_err, witness,
   * millis, detail, statistics} (the {@code data} of schema prefixproof/verify/1, docs/json-schemas.md).
   */
  public static ArrayNode json(List<Claim.Result> results) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (Claim.Result r : results) {
      ObjectNode m = out.addObject();
      m.put("id", r.id());
      m.put("status", word(r.status().name()));
      m.put("expected", word(r.expected().name()));
      m.put("tries", r.tries());
      m.put("seed", r.seed());
      m.put("max_abs_err", r.maxAbsErr());
      m.put("witness", r.witness());
      m.put("millis", r.millis());
      m.put("detail", r.detail());
      ObjectNode stats = m.putObject("statistics");
      new java.util.TreeMap<>(r.statistics()).forEach(stats::put);
    }
    return out;
  }
}
