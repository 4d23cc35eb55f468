package io.prefixproof.bench;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/**
 * Standard normal variates by the ziggurat method of Marsaglia and Tsang ("The Ziggurat Method for
 * Generating Random Variables", J. Stat. Softw. 5(8), 2000), for the W1 cases. The area under
 * f(x) = exp(−x²/2), x ≥ 0, is covered by 256 pieces of equal area v: a base strip (a rectangle of height
 * f(r) plus the tail beyond r) and rectangles stacked on it with corners on the curve at
 * x_1 = r &gt; x_2 &gt; … &gt; x_256 = 0. A draw picks a piece and a point uniformly in it: a point inside
 * the part of a rectangle under the curve is returned at once (98.5 % of draws), a point in a wedge is
 * kept when under the curve and drawn again otherwise, and a base point beyond r is replaced by a draw
 * from the tail (Marsaglia's method: r + a with a = −ln U₁/r, kept when −2 ln U₂ &gt; a²). Every step is
 * a rejection, so the variates are N(0, 1) up to the rounding of the corners (the stack's top meets the
 * peak within 10⁻¹², {@code ZigguratTest}).
 *
 * <p>The corners are computed here: r solves "the top rectangle of the stack ends at the curve's peak"
 * by bisection ({@link #baseCorner}); {@code ZigguratTest} compares r for 128 and 256 layers with
 * published values.
 */
public final class Ziggurat {
  private Ziggurat() {}

  /** The pieces (numpy's generator also uses 256); a power of two, so the low 8 bits of a word pick one. */
  static final int LAYERS = 256;

  /** The base corner r of {@link #LAYERS} pieces. */
  static final double R = baseCorner(LAYERS);

  /** Widths: X[0] = v/f(r) (the base strip as a rectangle of area v), X[1] = r, …, X[LAYERS] = 0. */
  private static final double[] X = corners(LAYERS, R);

  /** f(X[i]). */
  private static final double[] FX = new double[LAYERS + 1];

  static {
    for (int i = 0; i <= LAYERS; i++) {
      FX[i] = f(X[i]);
    }
  }

  /** The base corner r of {@code layers} pieces: the stack from r ends at height f(0) = 1 (bisection). */
  static double baseCorner(int layers) {
    double lo = 1;
    double hi = 10;
    while (true) {
      double mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) {
        return hi;
      }
      // too small an r makes v too large: the stack passes the peak before its last layer
      if (corners(layers, mid) == null || top(layers, mid) > 1) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
  }

  /** The height where the top rectangle of the stack from corner r ends (1 when r is right). */
  static double top(int layers, double r) {
    double xi = corners(layers, r)[layers - 1];
    return area(r) / xi + f(xi);
  }

  /** The area v of each piece: the base rectangle r·f(r) plus the tail ∫_r^∞ f = √(π/2)·erfc(r/√2). */
  static double area(double r) {
    return r * f(r) + Math.sqrt(Math.PI / 2) * Erf.erfc(r / Math.sqrt(2));
  }

  /**
   * The corners x[0..layers] for base corner r, each rectangle of area v above the last:
   * f(x_{i+1}) = f(x_i) + v/x_i; null when the stack passes the peak before its last layer.
   */
  static double[] corners(int layers, double r) {
    double v = area(r);
    double[] x = new double[layers + 1];
    x[0] = v / f(r);
    x[1] = r;
    for (int i = 1; i < layers - 1; i++) {
      double h = v / x[i] + f(x[i]);
      if (h >= 1) {
        return null;
      }
      x[i + 1] = Math.sqrt(-2 * Math.log(h));
    }
    x[layers] = 0;
    return x;
  }

  private static double f(double t) {
    return Math.exp(-0.5 * t * t);
  }

  /** The corner x_i of the 256-piece ziggurat (x_0 = v/f(r), x_1 = r, x_256 = 0). */
  static double corner(int i) {
    return X[i];
  }

  /** One N(0, 1) variate from {@code g}. */
  public static double next(SplittableRandom g) {
    long u = g.nextLong();
    int i = (int) u & (LAYERS - 1);
    double t = (u >> 11) * 0x1.0p-52 * X[i];
    return Math.abs(t) < X[i + 1] ? t : beyond(g, i, t);
  }

  /**
   * The draw whose position t in piece i lies outside the piece's part under the curve: t when it is in a
   * wedge and under f, a new draw when it is in a wedge above f, a tail variate (with t's sign) when it is in
   * the base strip. The low bits of a word pick the piece and its top 53 bits, read as a signed number, give
   * the position in [−x_i, x_i): one word holds both, and no branch depends on the sign.
   */
  private static double beyond(SplittableRandom g, int i, double t) {
    if (i == 0) {
      return Math.copySign(tail(g), t);
    }
    return FX[i] + g.nextDouble() * (FX[i + 1] - FX[i]) < f(t) ? t : next(g);
  }

  /** A variate of the normal tail beyond r (Marsaglia 1964), positive. */
  private static double tail(SplittableRandom g) {
    while (true) {
      double a = -Math.log(1 - g.nextDouble()) / R;
      double b = -Math.log(1 - g.nextDouble());
      if (b + b > a * a) {
        return R + a;
      }
    }
  }

  /**
   * Every entry of {@code out} set to mean + sd·N(0, 1). The pieces and positions come from a SplitMix64
   * stream (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014: a counter
   * advanced by the odd integer nearest 2⁶⁴/φ and a 64-bit finaliser) started at one {@code nextLong} of
   * {@code g} and held in a local variable, so the common draw is a few register operations; the rare draws
   * outside a piece's part under the curve take their further uniforms from {@code g}.
   */
  public static void fill(SplittableRandom g, double[] out, double mean, double sd) {
    long state = g.nextLong();
    for (int k = 0; k < out.length; k++) {
      state += GOLDEN_GAMMA;
      long u = mix64(state);
      int i = (int) u & (LAYERS - 1);
      double t = (u >> 11) * 0x1.0p-52 * X[i];
      out[k] = mean + sd * (Math.abs(t) < X[i + 1] ? t : beyond(g, i, t));
    }
  }

  /** The SplitMix64 increment, the odd integer nearest 2⁶⁴/φ. */
  static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  /** The SplitMix64 finaliser (shifts 30, 27, 31 and two odd multipliers: a bijection of 64-bit words). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
