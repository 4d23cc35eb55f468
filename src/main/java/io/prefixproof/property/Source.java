package io.prefixproof.property;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * The recorded choice sequence every generator draws from (the design of Hypothesis). A choice is a
 * non-negative long bounded by its caller; smaller choices mean simpler values. In random mode choices are
 * drawn (biased towards small values, boundaries and values already drawn in this case); in replay mode
 * they come from a given sequence, clamped to their bound, and every choice past its end is 0, the
 * simplest. Either way the choices made are recorded, so a case is exactly its sequence.
 *
 * <p>A generator with a fixed layout (one position per entry of the largest shape, so that lowering a
 * shape keeps what every other position means) {@linkplain #skip skips} the positions its drawn shape does
 * not use: they are recorded as 0 and marked {@linkplain #cropped() cropped}, nothing is drawn for them, and
 * the shrinker neither tries to change them nor counts them as choices of the case.
 */
public final class Source {
  /** Thrown when a case is rejected (an assumption or filter failed, or the sequence overran). */
  public static final class Rejected extends RuntimeException {
    public Rejected(String why) {
      super(why, null, false, false);
    }
  }

  private final SplittableRandom random;
  private final long[] prefix;
  private final int maxChoices;
  private long[] recorded;
  private final BitSet cropped = new BitSet();
  private int size;

  private Source(SplittableRandom random, long[] prefix, int maxChoices) {
    this.random = random;
    this.prefix = prefix;
    this.maxChoices = maxChoices;
    this.recorded = new long[Math.max(32, Math.min(prefix.length, maxChoices))];
  }

  /** Random choices from {@code random}, at most {@code maxChoices} of them. */
  public static Source random(SplittableRandom random, int maxChoices) {
    return new Source(random, new long[0], maxChoices);
  }

  /** Replays {@code prefix}, then draws random choices from {@code random}. */
  public static Source extend(long[] prefix, SplittableRandom random, int maxChoices) {
    return new Source(random, prefix, maxChoices);
  }

  /** Replays {@code choices}; past their end every choice is 0. */
  public static Source replay(long[] choices) {
    return new Source(null, choices, Integer.MAX_VALUE);
  }

  /** A choice in {@code [0, n]}, uniform-ish when random. */
  public long choice(long n) {
    return draw(n, false);
  }

  /**
   * A choice in {@code [0, n]} for a numeric magnitude: when random it is often small, a boundary, or a
   * value already drawn in this case, so that equal values and edge cases come up.
   */
  public long numeric(long n) {
    return draw(n, true);
  }

  /** True with probability {@code p} when random; recorded as one choice (1 = true). */
  public boolean weighted(double p) {
    if (random == null || size < prefix.length) {
      return draw(1, false) == 1;
    }
    long v = random.nextDouble() < p ? 1 : 0;
    return record(v) == 1;
  }

  /**
   * Skips {@code n} positions of a fixed layout that this case does not use: each is recorded as 0 and marked
   * cropped, whatever a replayed sequence holds there, and nothing is drawn for it.
   */
  public void skip(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot skip a negative number of choices, got " + n);
    }
    if (n > maxChoices - size) {
      throw new Rejected("overran " + maxChoices + " choices");
    }
    if (size + n > recorded.length) {
      recorded = Arrays.copyOf(recorded, Math.max(size + n, recorded.length * 2));
    }
    cropped.set(size, size + n);
    size += n;
  }

  /** Rejects this case. */
  public static void reject(String why) {
    throw new Rejected(why);
  }

  private long draw(long n, boolean numeric) {
    if (n < 0) {
      throw new IllegalArgumentException("choice bound must be non-negative, got " + n);
    }
    if (size < prefix.length) {
      return record(Math.min(prefix[size], n));
    }
    if (random == null) {
      return record(0);
    }
    return record(numeric ? biased(n) : uniform(n));
  }

  private long uniform(long n) {
    return n == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(n + 1);
  }

  private long biased(long n) {
    double u = random.nextDouble();
    if (u < 0.05 && size > 0) {
      long earlier = recorded[random.nextInt(size)];
      if (earlier <= n) {
        return earlier;
      }
    }
    if (u < 0.15) {
      long[] edges = {0, 1, n, n - 1};
      return Math.max(0, Math.min(n, edges[random.nextInt(edges.length)]));
    }
    if (u < 0.55) {
      int bits = 1 + random.nextInt(16);
      return uniform(Math.min(n, (1L << bits) - 1));
    }
    return uniform(n);
  }

  private long record(long v) {
    if (size >= maxChoices) {
      throw new Rejected("overran " + maxChoices + " choices");
    }
    if (size == recorded.length) {
      recorded = Arrays.copyOf(recorded, size * 2);
    }
    recorded[size++] = v;
    return v;
  }

  /** The choices made so far (0 at cropped positions). */
  public long[] choices() {
    return Arrays.copyOf(recorded, size);
  }

  /** The positions {@linkplain #skip skipped} so far. */
  public BitSet cropped() {
    return (BitSet) cropped.clone();
  }
}
