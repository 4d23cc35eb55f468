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

  /** Multi-line description for failure messages and reports, values printed by {@code String.valueOf}. */
  public String describe() {
    return describe(String::valueOf);
  }

  /** Multi-line description, values printed by {@code printer}. */
  public String describe(Function<? super T, String> printer) {
    return "shrunk counterexample (" + shrinkSteps + " steps, " + shrinkCalls + " runs, " + choices.length
        + " choices):\n  " + printer.apply(value).replace("\n", "\n  ") + "\nfailure: " + failure
        + "\noriginal (" + originalChoices.length + " choices):\n  "
        + printer.apply(original).replace("\n", "\n  ") + "\nchoices: " + Arrays.toString(choices) + "\n"
        + (fullyShrunk() ? "" : "shrinking stopped on " + shrinkStop + " before a fixed point: the case above is "
            + (shrinkSteps == 0 ? "the unshrunk one" : "the smallest found so far") + "\n");
  }
}
