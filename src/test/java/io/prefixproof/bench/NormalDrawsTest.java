package io.prefixproof.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The W1 cases' normal draws ({@link Workloads#fillNormal}) against the normal distribution function
 * (commons-math's, independent of the sampler) by a chi-square test over equiprobable bins.
 */
class NormalDrawsTest {

  /** Draws of {@code fillNormal} (mean 0, sd 1) in chunks of 7,424 (one W1 medium case), 4 million in all. */
  private static double[] filled(long seed) {
    SplittableRandom g = new SplittableRandom(seed);
    double[] all = new double[7424 * 540];
    double[] chunk = new double[7424];
    for (int c = 0; c < 540; c++) {
      Workloads.fillNormal(g, chunk, 0, 1);
      System.arraycopy(chunk, 0, all, c * chunk.length, chunk.length);
    }
    return all;
  }

  private static final int BINS = 512;

  /** The bins' inner edges: the standard normal's quantiles at 1/512, …, 511/512. */
  private static final double[] EDGES = new double[BINS - 1];

  static {
    NormalDistribution n = new NormalDistribution(0, 1);
    for (int i = 1; i < BINS; i++) {
      EDGES[i - 1] = n.inverseCumulativeProbability(i / (double) BINS);
    }
  }

  /** Pearson's statistic of {@code z} over the 512 equiprobable bins of N(0, 1). */
  private static double chiSquare(double[] z) {
    long[] counts = new long[BINS];
    for (double v : z) {
      int b = Arrays.binarySearch(EDGES, v);
      counts[b >= 0 ? b + 1 : -b - 1]++;
    }
    double expected = z.length / (double) BINS;
    double stat = 0;
    for (long c : counts) {
      stat += (c - expected) * (c - expected) / expected;
    }
    return stat;
  }

  /** The statistic that a true N(0, 1) sample exceeds with probability 10⁻⁹ (511 degrees of freedom). */
  private static final double CRITICAL = new ChiSquaredDistribution(BINS - 1).inverseCumulativeProbability(1 - 1e-9);

  @Test
  @DisplayName("W1's draws pass a 512-bin chi-square test on 4 million draws; draws 1 % too wide or narrow, or"
      + " shifted by 0.01, fail it")
  void distribution() {
    for (long seed : new long[] {1, 2}) {
      double[] z = filled(seed);
      assertTrue(chiSquare(z) < CRITICAL, "seed " + seed + ": " + chiSquare(z) + " >= " + CRITICAL);
      for (DoubleUnaryOperator planted : new DoubleUnaryOperator[] {v -> v * 1.01, v -> v * 0.99, v -> v + 0.01}) {
        double s = chiSquare(Arrays.stream(z).map(planted).toArray());
        assertTrue(s > CRITICAL, "planted: " + s + " <= " + CRITICAL);
      }
    }
  }

  @Test
  @DisplayName("fillNormal applies mean and sd, replays from the same seed, and consecutive fills differ")
  void meanAndSpread() {
    double[] a = new double[100_000];
    Workloads.fillNormal(new SplittableRandom(9), a, 3, 0.5);
    double mean = Arrays.stream(a).average().orElseThrow();
    double var = Arrays.stream(a).map(v -> (v - mean) * (v - mean)).sum() / (a.length - 1);
    // standard errors: 0.5/√n = 0.0016 for the mean, 0.25·√(2/n) = 0.0011 for the variance; 6 of each
    assertEquals(3, mean, 6 * 0.0016);
    assertEquals(0.25, var, 6 * 0.0011);
    double[] again = new double[a.length];
    Workloads.fillNormal(new SplittableRandom(9), again, 3, 0.5);
    assertTrue(Arrays.equals(a, again));
    SplittableRandom g = new SplittableRandom(9);
    double[] first = new double[1000];
    double[] second = new double[1000];
    Workloads.fillNormal(g, first, 0, 1);
    Workloads.fillNormal(g, second, 0, 1);
    assertFalse(Arrays.equals(first, second));
  }
}
