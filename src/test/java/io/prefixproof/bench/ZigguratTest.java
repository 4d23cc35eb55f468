package io.prefixproof.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The W1 normal sampler: its corners against published values, and its variates against the normal
 * distribution function (commons-math's erfc, independent of the sampler's tables) by a chi-square test.
 */
class ZigguratTest {

  @Test
  @DisplayName("Base corners: 128 layers give Marsaglia and Tsang's r and v, 256 layers the published r")
  void corners() {
    // Marsaglia & Tsang (2000), the normal ziggurat with 128 layers: r = 3.442619855899, v = 9.91256303526217e-3.
    // The bisection's r is 2.3e-12 below theirs (measured), within 5e-12; dv/dr = −r²f(r) = −0.032 there, so
    // v then agrees within 2e-13
    assertEquals(3.442619855899, Ziggurat.baseCorner(128), 5e-12);
    assertEquals(9.91256303526217e-3, Ziggurat.area(Ziggurat.baseCorner(128)), 2e-13);
    // 256 layers: r = 3.654152885361008796 (the Rust rand_distr crate's ZIG_NORM_R)
    assertEquals(3.654152885361008796, Ziggurat.R, 1e-13);
    // the stack from r ends at the peak; a base corner 10^-6 off does not (the condition can fail)
    assertEquals(1, Ziggurat.top(256, Ziggurat.R), 1e-12);
    assertTrue(Math.abs(Ziggurat.top(256, Ziggurat.R + 1e-6) - 1) > 1e-9);
    assertEquals(0, Ziggurat.corner(256));
    for (int i = 1; i < 256; i++) {
      assertTrue(Ziggurat.corner(i + 1) < Ziggurat.corner(i), "corner " + i);
    }
  }

  /** Draws of {@code fill} in chunks of 7,424 (one W1 medium case), 4 million in all. */
  private static double[] filled(long seed) {
    SplittableRandom g = new SplittableRandom(seed);
    double[] all = new double[7424 * 540];
    double[] chunk = new double[7424];
    for (int c = 0; c < 540; c++) {
      Ziggurat.fill(g, chunk, 0, 1);
      System.arraycopy(chunk, 0, all, c * chunk.length, chunk.length);
    }
    return all;
  }

  /**
   * Pearson's statistic of the variates over 514 bins, each sign times the ziggurat's 255 layers on [0, r),
   * [r, r + 0.3) and [r + 0.3, ∞); expected counts from erfc.
   */
  private static double chiSquare(double[] z) {
    int layers = 256;
    double[] edges = new double[layers + 1];
    for (int i = 0; i < layers; i++) {
      edges[i] = Ziggurat.corner(layers - i);
    }
    edges[layers - 1] = Ziggurat.R;
    edges[layers] = Ziggurat.R + 0.3;
    int bins = 2 * (layers + 1);
    long[] counts = new long[bins];
    for (double v : z) {
      double a = Math.abs(v);
      int b = java.util.Arrays.binarySearch(edges, a);
      int bin = b >= 0 ? b : -b - 2;
      counts[(v < 0 ? layers + 1 : 0) + bin]++;
    }
    double stat = 0;
    for (int bin = 0; bin < bins; bin++) {
      int k = bin % (layers + 1);
      double lo = edges[k];
      double hi = k + 1 <= layers ? edges[k + 1] : Double.POSITIVE_INFINITY;
      double p = 0.5 * (Erf.erfc(lo / Math.sqrt(2)) - Erf.erfc(hi / Math.sqrt(2)));
      double expected = z.length * p;
      stat += (counts[bin] - expected) * (counts[bin] - expected) / expected;
    }
    return stat;
  }

  /** The chi-square statistic that a true N(0, 1) sample exceeds with probability 10⁻⁹. */
  private static final double CRITICAL = new ChiSquaredDistribution(513).inverseCumulativeProbability(1 - 1e-9);

  @Test
  @DisplayName("fill and next pass a 514-bin chi-square test on 4 million draws; draws 1 % too wide or narrow,"
      + " and wedges never rejected, fail it")
  void distribution() {
    for (long seed : new long[] {1, 2}) {
      double[] z = filled(seed);
      assertTrue(chiSquare(z) < CRITICAL, "fill, seed " + seed + ": " + chiSquare(z) + " >= " + CRITICAL);
      for (double scale : new double[] {1.01, 0.99}) {
        DoubleUnaryOperator scaled = v -> v * scale;
        double s = chiSquare(java.util.Arrays.stream(z).map(scaled).toArray());
        assertTrue(s > CRITICAL, "scale " + scale + ": " + s + " <= " + CRITICAL);
      }
    }
    SplittableRandom g = new SplittableRandom(3);
    double[] one = new double[4_000_000];
    for (int k = 0; k < one.length; k++) {
      one[k] = Ziggurat.next(g);
    }
    assertTrue(chiSquare(one) < CRITICAL, "next: " + chiSquare(one));
    // planted: every point of a rectangle kept (no wedge rejection; base points beyond r kept as they are)
    SplittableRandom h = new SplittableRandom(4);
    double[] rectangles = new double[4_000_000];
    for (int k = 0; k < rectangles.length; k++) {
      long u = h.nextLong();
      rectangles[k] = (u >> 11) * 0x1.0p-52 * Ziggurat.corner((int) u & 255);
    }
    assertTrue(chiSquare(rectangles) > CRITICAL, "rectangles: " + chiSquare(rectangles));
  }

  @Test
  @DisplayName("fill applies mean and sd, and consecutive fills from one generator differ")
  void meanAndSpread() {
    SplittableRandom g = new SplittableRandom(9);
    double[] a = new double[100_000];
    Ziggurat.fill(g, a, 3, 0.5);
    double mean = java.util.Arrays.stream(a).average().orElseThrow();
    double var = java.util.Arrays.stream(a).map(v -> (v - mean) * (v - mean)).sum() / (a.length - 1);
    // standard errors: 0.5/√n = 0.0016 for the mean, 0.25·√(2/n) = 0.0011 for the variance; 6 of each
    assertEquals(3, mean, 6 * 0.0016);
    assertEquals(0.25, var, 6 * 0.0011);
    double[] b = new double[a.length];
    Ziggurat.fill(g, b, 3, 0.5);
    assertTrue(!java.util.Arrays.equals(a, b));
  }
}
