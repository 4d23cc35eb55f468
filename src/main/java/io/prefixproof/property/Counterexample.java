package io.prefixproof.property;

import java.util.Arrays;

/**
 * A falsifying case: the shrunk value and its choice sequence, the original value, the failure message,
 * and how much shrinking it took.
 *
 * @param <T> the generated type
 */
public record Counterexample<T>(
    T value, long[] choices, T original, long[] originalChoices, String failure, int shrinkCalls, int shrinkSteps) {

  /** Multi-line description for failure messages and reports. */
  public String describe() {
    return "shrunk counterexample (" + shrinkSteps + " steps, " + shrinkCalls + " runs, " + choices.length
        + " choices):\n  " + String.valueOf(value).replace("\n", "\n  ") + "\nfailure: " + failure
        + "\noriginal (" + originalChoices.length + " choices):\n  "
        + String.valueOf(original).replace("\n", "\n  ") + "\nchoices: " + Arrays.toString(choices) + "\n";
  }
}
