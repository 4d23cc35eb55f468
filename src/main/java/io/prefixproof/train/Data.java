package io.prefixproof.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The companion repository's data ({@code CustomDataset}): inputs of {@link #LENGTH} digits drawn uniformly
 * from 0..{@link #DIGITS}−1, half of the draws re-drawn while they hold more than {@code LENGTH/2} distinct
 * digits (to see more repeats), each assigned to train or test by a hash of its digits, and a task drawn
 * uniformly from the given list. A sequence is {@code padding} zeros, the input, then the output; the loss
 * is taken only where an output digit is predicted.
 *
 * <p>Deviation: the repository splits by Python's {@code hash(pickle.dumps(...)) % 4}, which is salted per
 * process (PYTHONHASHSEED), so its split changes between runs. Here the split is a fixed 64-bit mix of the
 * digits and a split seed: a quarter of all inputs is test, the same quarter on every run.
 */
public final class Data {
  /** Digits per input. */
  public static final int LENGTH = 10;
  /** Digits 0..7. */
  public static final int DIGITS = 8;
  /** Tokens 0..10: digits, add2's largest output 9, and count's largest output 10. */
  public static final int VOCAB = 11;

  /** Train or test. */
  public enum Split {
    TRAIN,
    TEST
  }

  /** One drawn example. */
  public record Example(Task task, int[] input, int[] output) {}

  private final Split split;
  private final List<Task> tasks;
  private final long splitSeed;

  public Data(Split split, List<Task> tasks, long splitSeed) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("data needs at least one task");
    }
    this.split = split;
    this.tasks = List.copyOf(tasks);
    this.splitSeed = splitSeed;
  }

  /** The positions a sequence of this data occupies with {@code padding} leading zeros: 2·LENGTH − 1 + padding. */
  public static int context(int padding) {
    return 2 * LENGTH - 1 + padding;
  }

  /** Whether {@code input} belongs to the test quarter. */
  public static boolean isTest(int[] input, long splitSeed) {
    long code = 0;
    for (int x : input) {
      code = code * DIGITS + x;
    }
    return Long.remainderUnsigned(mix(code ^ splitSeed * 0x9E3779B97F4A7C15L), 4) == 0;
  }

  /** SplitMix64's finaliser: a fixed bijection of 64-bit words that spreads every input bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** One example of this split, its task drawn uniformly. */
  public Example draw(SplittableRandom rnd) {
    Task task = tasks.get(rnd.nextInt(tasks.size()));
    while (true) {
      int[] in = new int[LENGTH];
      for (int i = 0; i < LENGTH; i++) {
        in[i] = rnd.nextInt(DIGITS);
      }
      if (rnd.nextDouble() < 0.5 && java.util.Arrays.stream(in).distinct().count() > LENGTH / 2) {
        continue;
      }
      if (isTest(in, splitSeed) == (split == Split.TEST)) {
        return new Example(task, in, task.apply(in));
      }
    }
  }

  /** The zeros left in front of the input when a prefix of {@code prefixLength} positions takes their place. */
  public static int remainingPadding(int padding, int prefixLength) {
    if (prefixLength < 0 || prefixLength > padding) {
      throw new IllegalArgumentException("a prefix of " + prefixLength + " positions does not fit the " + padding
          + " padding positions the model was trained with");
    }
    return padding - prefixLength;
  }

  /** {@code n} examples. */
  public List<Example> draw(SplittableRandom rnd, int n) {
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(draw(rnd));
    }
    return out;
  }

  /**
   * The training sequence of an example: {@code padding} zeros, input, output minus its last digit, with
   * targets only at the positions that predict an output digit. With {@code prefixReplacesPadding} the padding
   * is left out (a prefix of that many positions takes its place).
   */
  public static Sequence sequence(Example e, int padding, boolean prefixReplacesPadding) {
    return sequence(e, padding, prefixReplacesPadding ? padding : 0);
  }

  /**
   * The training sequence of an example in front of which a prefix of {@code prefixLength} positions takes the
   * place of the first {@code prefixLength} of {@code padding} zeros (the companion code's form: its prefix
   * replaces the first rows of the padded sequence), so the input keeps the positions it had in pretraining.
   */
  public static Sequence sequence(Example e, int padding, int prefixLength) {
    int pad = remainingPadding(padding, prefixLength);
    int n = pad + 2 * LENGTH - 1;
    int[] tokens = new int[n];
    int[] targets = new int[n];
    java.util.Arrays.fill(targets, -1);
    System.arraycopy(e.input(), 0, tokens, pad, LENGTH);
    System.arraycopy(e.output(), 0, tokens, pad + LENGTH, LENGTH - 1);
    System.arraycopy(e.output(), 0, targets, pad + LENGTH - 1, LENGTH);
    return new Sequence(tokens, targets);
  }
}
