package io.prefixproof.property;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labelled counts of generated cases ("2 layers", "causal"), collected while a property runs and shown in
 * its result. A property calls {@link #label} on the thread that runs it.
 */
public final class Stats {
  private static final ThreadLocal<Map<String, Integer>> CURRENT = new ThreadLocal<>();

  private Stats() {}

  /** Counts {@code label} once for the case being checked (no-op outside a run). */
  public static void label(String label) {
    Map<String, Integer> m = CURRENT.get();
    if (m != null) {
      m.merge(label, 1, Integer::sum);
    }
  }

  static void begin(Map<String, Integer> into) {
    CURRENT.set(into);
  }

  static void end() {
    CURRENT.remove();
  }

  /** {@code label: count (pct%)} lines, most frequent first (labels cut to 80 characters). */
  public static String format(Map<String, Integer> counts, int cases) {
    return format(counts, cases, Integer.MAX_VALUE);
  }

  /** As {@link #format(Map, int)}, at most {@code maxLines} labels and a line counting the others. */
  public static String format(Map<String, Integer> counts, int cases, int maxLines) {
    StringBuilder sb = new StringBuilder();
    counts.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .limit(maxLines)
        .forEach(e -> sb.append(String.format("  %-40s %6d (%5.1f%%)%n", printed(e.getKey()), e.getValue(),
            cases == 0 ? 0.0 : 100.0 * e.getValue() / cases)));
    if (counts.size() > maxLines) {
      sb.append("  ... and ").append(counts.size() - maxLines).append(" more labels\n");
    }
    return sb.toString();
  }

  /** A label as printed: at most 80 characters. */
  private static String printed(String l) {
    return l.length() <= 80 ? l : l.substring(0, 77) + "...";
  }

  /** A map to count into; synchronized, because the caller of a run may read it while the run goes on. */
  static Map<String, Integer> newCounts() {
    return java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  }
}
