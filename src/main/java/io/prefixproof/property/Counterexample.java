package io.prefixproof.property;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A falsifying case: the shrunk value and its choice sequence, the original value, the failure message,
 * how much shrinking it took, and what stopped shrinking before a fixed point ({@code shrinkStop}, null
 * when the passes reached one).
 *
 * @param <T> the generated type
 */
public record Counterexample<T>(
    T value, long[] choices, T original, long[] originalChoices, String failure, int shrinkCalls, int shrinkSteps,
    String shrinkStop) {

  /** True when shrinking ran to a fixed point of its passes. */
  public boolean fullyShrunk() {
    return shrinkStop == null;
  }

  /** Most characters of a printed case in a failure message (the full case is in the saved file). */
  public static final int MAX_CASE_CHARS = 2500;

  /** Most characters of the failure (an exception's message can hold whole matrices). */
  public static final int MAX_FAILURE_CHARS = 300;

  /** Multi-line description for failure messages and reports, values printed by {@code String.valueOf}. */
  public String describe() {
    return describe(String::valueOf);
  }

  /** Multi-line description, values printed by {@code printer}: the shrunk case and its failure only. */
  public String describe(Function<? super T, String> printer) {
    return describe(printer, false);
  }

  /**
   * Multi-line description, values printed by {@code printer}. The shrunk case (at most
   * {@link #MAX_CASE_CHARS} characters) and its failure; with {@code full}, also the original unshrunk case
   * and the raw choice sequence (as {@code -Dprefixproof.verbose=true} asks for in failure messages).
   */
  public String describe(Function<? super T, String> printer, boolean full) {
    StringBuilder sb = new StringBuilder();
    sb.append("shrunk counterexample (").append(shrinkSteps).append(" steps, ").append(shrinkCalls)
        .append(" runs):\n  ")
        .append(excerpt(printer.apply(value), MAX_CASE_CHARS).replace("\n", "\n  ")).append("\nfailure: ")
        .append(excerpt(failure, MAX_FAILURE_CHARS)).append('\n');
    if (full) {
      sb.append("original (").append(originalChoices.length).append(" choices):\n  ")
          .append(printer.apply(original).replace("\n", "\n  ")).append("\nchoices: ").append(Arrays.toString(choices))
          .append('\n');
    }
    if (!fullyShrunk()) {
      sb.append("shrinking stopped on ").append(shrinkStop).append(" before a fixed point: the case above is ")
          .append(shrinkSteps == 0 ? "the unshrunk one" : "the smallest found so far").append('\n');
    }
    return sb.toString();
  }

  /** {@code text} cut to {@code max} characters, saying how many were left out. */
  public static String excerpt(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "\n... (" + (text.length() - max)
        + " more characters)";
  }
}
