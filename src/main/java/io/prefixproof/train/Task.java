package io.prefixproof.train;

import java.util.Arrays;

/**
 * The synthetic tasks of the companion repository's {@code minGPT/mingpt/data_tools.py}, on inputs of digits:
 * each maps the input sequence to the output sequence the model must produce after it.
 */
public enum Task {
  /** Sorted, smallest first. */
  ASCENDING,
  /** Sorted, largest first. */
  DESCENDING,
  /** Every digit plus one. */
  ADD1,
  /** Every digit plus two. */
  ADD2,
  /** Sorted ascending, then every digit plus one (a composition of two pretrained tasks). */
  ASCENDING_ADD1,
  /**
   * Each position replaced by how often its digit occurs in the input (the code's {@code DoubleHistogram}:
   * for input 2 5 2 the output is 2 1 2).
   */
  COUNT;

  /** The output for {@code input}. */
  public int[] apply(int[] input) {
    int[] out = input.clone();
    switch (this) {
      case ASCENDING -> Arrays.sort(out);
      case DESCENDING -> {
        Arrays.sort(out);
        for (int i = 0; i < out.length / 2; i++) {
          int t = out[i];
          out[i] = out[out.length - 1 - i];
          out[out.length - 1 - i] = t;
        }
      }
      case ADD1 -> plus(out, 1);
      case ADD2 -> plus(out, 2);
      case ASCENDING_ADD1 -> {
        Arrays.sort(out);
        plus(out, 1);
      }
      case COUNT -> {
        for (int i = 0; i < out.length; i++) {
          int n = 0;
          for (int x : input) {
            n += x == input[i] ? 1 : 0;
          }
          out[i] = n;
        }
      }
    }
    return out;
  }

  private static void plus(int[] a, int k) {
    for (int i = 0; i < a.length; i++) {
      a[i] += k;
    }
  }

  /** The name used in JSON and on the command line ({@code ascending_add1}). */
  public String key() {
    return name().toLowerCase();
  }
}
