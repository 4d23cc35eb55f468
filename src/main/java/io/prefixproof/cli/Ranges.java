package io.prefixproof.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * The documented range of every numeric option, checked before any work starts, and the size estimates
 * that guard the options whose values drive memory and time. Every check throws an
 * {@link IllegalArgumentException} naming the option, its range and the value given (exit code 2). The
 * README's "Input ranges and exit codes" section lists the same numbers.
 */
final class Ranges {
  private Ranges() {}

  /** --vocab: V tokens. */
  static final int VOCAB_MAX = 1_000_000;
  /** --length: N (cap2) or N0 (cap4) positions; certify cap2 evaluates one 60-digit exp per position. */
  static final int LENGTH_MAX = 100_000;
  /** --temperature: T in [0, 10^6] (the certifiers search correct temperatures up to 10^6). */
  static final BigFraction TEMPERATURE_MAX = new BigFraction(1_000_000);
  /** bench --threads. */
  static final int THREADS_MAX = 256;
  /** bench --seconds. */
  static final double SECONDS_MAX = 3600;
  /** bench --seeds. */
  static final int SEEDS_MAX = 10_000;
  /** verify --tries. */
  static final int TRIES_MAX = 1_000_000;
  /** verify --deadline, in seconds (a day). */
  static final long DEADLINE_MAX = 86_400;
  /** inspect --prefix and --random-content (also bounded by the model's context). */
  static final int POSITIONS_MAX = 4096;

  /**
   * Cost model of the generic forward pass the constructions run in 40-digit Dfp: it recomputes every
   * position at every generated step, so a run costs about (weight entries) × (positions summed over the
   * steps) multiply-adds. Calibrated on this project's runs: construct cap2 at N = 20 does 3.3·10⁶ of them
   * in 12 s and at N = 40 3.9·10⁷ in 79 s on a shared two-core machine, 2 to 4 µs each; 5 µs is the
   * estimate's rate.
   */
  static final double SECONDS_PER_MULTIPLY_ADD = 5e-6;
  /** Bytes per 40-digit Dfp value (object header, fields and a ten-int mantissa). */
  static final long BYTES_PER_VALUE = 128;
  /** Work a construction may be estimated to take before it is refused. */
  static final double SECONDS_LIMIT = 600;

  /** {@code value} when it lies in [lo, hi]; otherwise an error naming the option and the range. */
  static long require(String option, long value, long lo, long hi) {
    if (value < lo || value > hi) {
      throw new IllegalArgumentException(option + " must be in [" + lo + ", " + hi + "], got " + value);
    }
    return value;
  }

  /** {@code value} when it is a number in (0, hi]; otherwise an error naming the option and the range. */
  static double requirePositive(String option, double value, double hi) {
    if (!(value > 0 && value <= hi)) {
      throw new IllegalArgumentException(option + " must be in (0, " + hi + "], got " + value);
    }
    return value;
  }

  /** T when 0 ≤ T ≤ 10^6. */
  static BigFraction temperature(BigFraction t, String given) {
    if (t.compareTo(BigFraction.ZERO) < 0 || t.compareTo(TEMPERATURE_MAX) > 0) {
      throw new IllegalArgumentException("--temperature must be in [0, 1000000], got " + given);
    }
    return t;
  }

  /**
   * An estimated cost: {@code operations} 40- or 60-digit Dfp multiply-adds and {@code bytes} of heap,
   * derived as {@code basis} says.
   */
  record Cost(String what, long operations, long bytes, String basis) {
    double seconds() {
      return operations * SECONDS_PER_MULTIPLY_ADD;
    }

    boolean fits(long heapBytes) {
      return bytes <= heapBytes / 2 && seconds() <= SECONDS_LIMIT;
    }

    /** Refuses a run that would not fit in half the heap or would take longer than {@link #SECONDS_LIMIT}. */
    void requireFits(long heapBytes) {
      if (!fits(heapBytes)) {
        throw new IllegalArgumentException(String.format("%s is too large: about %.3g MB of memory (heap %d MB)"
            + " and %.3g s (limit %.0f s) estimated from %s; choose a smaller --vocab, --length or input", what,
            bytes / 1e6, heapBytes >> 20, seconds(), SECONDS_LIMIT, basis));
      }
    }
  }

  /** The heap this JVM may use. */
  static long heap() {
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * The cost of running construction {@code cap} at V = {@code v}, N (or N0) = {@code n} on {@code inputs}
   * inputs: (weight entries) × (positions summed over the steps) multiply-adds; memory 8 bytes per weight
   * entry (weights share their few distinct values) plus one trace of about 16 matrices of (positions) ×
   * (width + V) values. Widths and weight counts follow the builders (PAPER.md §5): cap2 width 2N with ten
   * N×2N matrices and two V×2N; cap3 width V + 2; cap4 width V + 2·N0; cap5 width 2V² + 2V + 6 with four
   * V²-wide matrices in each of two layers. Saturating long arithmetic: absurd sizes are refused, never
   * wrapped around.
   */
  static Cost construction(String cap, long v, long n, long inputs) {
    long d;
    long weights;
    long positions;
    long steps;
    String what;
    switch (cap) {
      case "cap2" -> {
        d = 2 * n;
        weights = sat(d, sat(10, n) + 2 * v);
        positions = n + 1;
        steps = sat(n, n + 1) / 2;
        what = "cap2 with V=" + v + " N=" + n;
      }
      case "cap3" -> {
        d = v + 2;
        weights = sat(d, sat(6, v) + 8);
        positions = 3;
        steps = sat(3, inputs);
        what = "cap3 with V=" + v + " on " + inputs + " inputs";
      }
      case "cap4" -> {
        d = v + 2 * n;
        weights = sat(d, sat(6, v) + sat(4, n));
        positions = 2 * n + 1;
        steps = sat(sat(n, 3 * n + 1) / 2, inputs);
        what = "cap4 with V=" + v + " N0=" + n + " on " + inputs + " inputs";
      }
      case "cap5" -> {
        long vv = sat(v, v);
        d = sat(2, vv) + 2 * v + 6;
        weights = sat(d, sat(8, vv) + 2 * v + 16);
        positions = 4;
        steps = sat(4, inputs);
        what = "cap5 with V=" + v + " on " + inputs + " inputs";
      }
      default -> throw new IllegalArgumentException("unknown construction '" + cap + "'; available: cap2, cap3, cap4,"
          + " cap5");
    }
    long bytes = sat(8, weights) + sat(BYTES_PER_VALUE, sat(sat(positions, d + v), 16));
    return new Cost(what, sat(weights, steps), bytes, weights + " weight entries over " + steps + " positions");
  }

  /**
   * The cost of a certifier: cap2 evaluates one 60-digit exp (about {@link #MULTIPLY_ADDS_PER_EXP}
   * multiply-adds) per position twice; cap4 checks every (step, token) pair, about 30 operations each, in
   * each of about 70 bisection steps, and its failing map holds V × N0 ints; cap3 and cap5 are constant.
   */
  static Cost certifier(String cap, long v, long n) {
    return switch (cap) {
      case "cap2" -> new Cost("certify cap2 with N=" + n, sat(2 * n, MULTIPLY_ADDS_PER_EXP), 0,
          n + " positions, two exps each");
      case "cap4" -> new Cost("certify cap4 with V=" + v + " N0=" + n, sat(sat(v, n), 70 * 30), sat(4, sat(v, n)),
          v * n + " (step, token) pairs in 70 bisection steps");
      default -> new Cost("certify " + cap, 0, 0, "a constant number of exps");
    };
  }

  /**
   * Multiply-adds one 60-digit Dfp exp is counted as: certify cap2 at T = 1000 scanned 4821 positions in
   * 17 s on the loaded machine that measured 2 to 4 µs per multiply-add, 3.5 ms per position.
   */
  static final long MULTIPLY_ADDS_PER_EXP = 1000;

  /** a·b, or Long.MAX_VALUE when it overflows (sizes are non-negative). */
  static long sat(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
  }

  /**
   * Checks, before a long run, that {@code file} can be written: its parent folder exists and is
   * writable, and the file itself, if present, is a writable regular file.
   */
  static void requireWritableFile(String option, Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IllegalArgumentException(option + " " + file + ": the folder " + parent + " does not exist");
    }
    if (Files.exists(file) ? !Files.isRegularFile(file) || !Files.isWritable(file) : !Files.isWritable(parent)) {
      throw new IllegalArgumentException(option + " " + file + ": not a writable file");
    }
  }

  /** Checks that {@code dir} is a writable folder, or can be created in a writable existing parent. */
  static void requireWritableFolder(String option, Path dir) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
        throw new IllegalArgumentException(option + " " + dir + ": not a writable folder");
      }
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(option + " " + dir + ": cannot create the folder (" + e.getClass()
          .getSimpleName() + ")");
    }
  }
}
