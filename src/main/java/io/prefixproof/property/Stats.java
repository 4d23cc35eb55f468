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

  /** {@code label: count (pct%)} lines, most frequent first. */
  public static String format(Map<String, Integer> counts, int cases) {
    StringBuilder sb = new StringBuilder();
    counts.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(e -> sb.append(String.format("  %-40s %6d (%5.1f%%)%n", e.getKey(), e.getValue(),
            cases == 0 ? 0.0 : 100.0 * e.getValue() / cases)));
    return sb.toString();
  }

  /** A map to count into; synchronized, because the caller of a run may read it while the run goes on. */
  static Map<String, Integer> newCounts() {
    return java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  }
}
