package io.prefixproof.algebra;

import java.math.BigInteger;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Directed rounding of double operations, for the certified intervals of {@link Modular}. Java rounds to
 * nearest; the exact error of the rounded result comes from an error-free transformation (TwoSum for sums,
 * {@link Math#fma} for products and quotients) and decides whether the result is already a bound or one ulp
 * must be added. Those transformations are exact while no intermediate underflows; below {@link #TINY} a
 * result is widened by {@code TINY} instead. Bounds may be infinite ({@code x ≥ lo} with {@code hi = +∞}): a
 * finite result that overflows is clamped to {@code ±Double.MAX_VALUE} on the side where that is still a
 * bound, {@code 0·∞} is 0 (the limit over the finite values the interval holds), and any other undefined
 * result ({@code ∞ − ∞}, {@code ∞/∞}) gives the infinite bound.
 */
final class Enclosure {
  private Enclosure() {}

  /** Below this magnitude the error-free transformations may underflow: widen by it instead. */
  static final double TINY = 0x1p-960;

  /** The largest double ≤ x + y. */
  static double addDown(double x, double y) {
    double s = x + y;
    // a finite s is 0 only when x = −y exactly, where the error is 0
    return Double.isFinite(s) ? below(s, twoSumError(x, y, s)) : down(s, x, y);
  }

  /**
   * {@code nextDown(r)} when {@code err < 0}, else {@code r}: the largest double ≤ {@code r + err} for a rounded
   * result r and its exact error. For finite r that is not 0 when err is negative. The step is taken on the bits,
   * without a branch on the error's sign, which is as often negative as not and which a processor mispredicts.
   */
  static double below(double r, double err) {
    long b = Double.doubleToRawLongBits(r);
    long e = Double.doubleToRawLongBits(err);
    // 1 when err < 0 (sign bit set, magnitude not 0), else 0
    long magnitude = e << 1;
    long step = e >>> 63 & (magnitude | -magnitude) >>> 63;
    // one unit towards −∞: a smaller magnitude for r > 0, a larger one for r < 0
    return Double.longBitsToDouble(b - step * (b >> 63 | 1));
  }

  /** The smallest double ≥ x + y. */
  static double addUp(double x, double y) {
    return -addDown(-x, -y);
  }

  /** {@code (x + y) − s} exactly, for {@code s = fl(x + y)} finite (Knuth's TwoSum). */
  private static double twoSumError(double x, double y, double s) {
    if (!Double.isFinite(s)) {
      return 0;
    }
    double yy = s - x;
    return (x - (s - yy)) + (y - yy);
  }

  /** A lower bound from a rounded-down result: NaN means nothing is known, overflow of finite operands is clamped. */
  private static double down(double r, double x, double y) {
    if (Double.isNaN(r)) {
      return Double.NEGATIVE_INFINITY;
    }
    return r == Double.POSITIVE_INFINITY && Double.isFinite(x) && Double.isFinite(y) ? Double.MAX_VALUE : r;
  }

  /** A double ≤ x·y. */
  static double mulDown(double x, double y) {
    if (x == 0 || y == 0) {
      return 0;
    }
    double p = x * y;
    if (!Double.isFinite(p)) {
      return down(p, x, y);
    }
    if (Math.abs(p) < TINY) {
      return Math.min(p, 0) - TINY;
    }
    return below(p, Math.fma(x, y, -p));
  }

  /** A double ≥ x·y. */
  static double mulUp(double x, double y) {
    return -mulDown(-x, y);
  }

  /** A double ≤ x/y, for y ≠ 0. */
  static double divDown(double x, double y) {
    double q = x / y;
    if (!Double.isFinite(q) || x == 0 || Double.isInfinite(y)) {
      return down(q, x, y);
    }
    if (Math.abs(q) < TINY || Math.abs(x) < TINY || Math.abs(y) < TINY) {
      // q is within a relative 2^-52 plus an absolute TINY of x/y
      return q - Math.abs(q) * 0x1p-50 - TINY;
    }
    // x/y − q = (x − q y)/y, and x − q y is exact as an fma
    double r = Math.fma(-q, y, x);
    return r * Math.signum(y) < 0 ? Math.nextDown(q) : q;
  }

  /** A double ≥ x/y, for y ≠ 0. */
  static double divUp(double x, double y) {
    return -divDown(-x, y);
  }

  /**
   * A double ≤ x/y for all x ∈ [xl, xh], y ∈ [yl, yh] with {@code yl > 0}: x/y increases in x, and in y it decreases
   * for x ≥ 0 and increases for x &lt; 0, so the least corner is {@code xl/yh} or {@code xl/yl} by xl's sign (one
   * rounding instead of the four corners').
   */
  static double quotientLowPositive(double xl, double yl, double yh) {
    return xl >= 0 ? divDown(xl, yh) : divDown(xl, yl);
  }

  /** A double ≥ x/y over the same boxes ({@code yl > 0}): {@code max x/y = −min (−x)/y}. */
  static double quotientHighPositive(double xh, double yl, double yh) {
    return -quotientLowPositive(-xh, yl, yh);
  }

  /** {@code {lo, hi}} with {@code lo ≤ v ≤ hi}; {@code lo == hi} exactly when v is a double. */
  static double[] of(BigFraction v) {
    BigInteger n0 = v.getNumerator();
    BigInteger d0 = v.getDenominator();
    if (n0.bitLength() <= 53 && d0.bitLength() <= 53) {
      // both are doubles: the quotient's bounds as for any double division (x − q y is exact for q = fl(x/y))
      double x = n0.longValue();
      double y = d0.longValue();
      return new double[] {divDown(x, y), divUp(x, y)};
    }
    double d = v.doubleValue();
    // BigFraction(double) is exact for normal doubles only (it halves subnormals)
    if ((d == 0 || Math.abs(d) >= Double.MIN_NORMAL && Double.isFinite(d)) && new BigFraction(d).equals(v)) {
      return new double[] {d, d};
    }
    BigInteger n = v.getNumerator();
    BigInteger den = v.getDenominator();
    if (n.signum() < 0) {
      double[] e = of(v.negate());
      return new double[] {-e[1], -e[0]};
    }
    // q = ⌊n 2^k / den⌋ has 64 or 65 bits, and v lies in [q, q + 1)·2^-k
    int k = 64 - (n.bitLength() - den.bitLength());
    BigInteger q = k >= 0 ? n.shiftLeft(k).divide(den) : n.divide(den.shiftLeft(-k));
    double qd = q.doubleValue();
    // qd is q correctly rounded and ulp(qd) ≥ 2^11, so nextDown(qd) ≤ q and nextUp(qd) ≥ q + 1
    double lo = Math.scalb(Math.nextDown(qd), -k);
    double hi = Math.scalb(Math.nextUp(qd), -k);
    if (!Double.isFinite(hi)) {
      return new double[] {Double.isFinite(lo) ? lo : Double.MAX_VALUE, Double.POSITIVE_INFINITY};
    }
    if (lo < TINY) {
      // scalb may have rounded: fall back to 0 < v < 2^(bits(n) − bits(den) + 1), at least the least double
      return new double[] {0, Math.max(Math.scalb(1.0, n.bitLength() - den.bitLength() + 1), Double.MIN_VALUE)};
    }
    return new double[] {lo, hi};
  }
}
