package io.prefixproof.algebra;

import java.math.BigInteger;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Sums, products, quotients and reductions of {@link BigFraction}s that cost small gcds, or Lehmer's
 * instead of the JDK's, where {@code BigFraction} reduces every full-length result with
 * {@code BigInteger.gcd}; each equals the {@code BigFraction} operation it replaces.
 *
 * <p>{@code BigFraction.multiply} reduces {@code ac/bd} by {@code gcd(ac, bd)}, and {@code divide} first
 * builds the reciprocal, reducing an already reduced pair again. For reduced inputs Knuth's
 * cross-cancellation (TAOCP vol. 2, §4.5.1) gives the same reduced result from {@code g1 = gcd(a, d)} and
 * {@code g2 = gcd(c, b)}: {@code (a/g1 · c/g2) / (b/g2 · d/g1)} has coprime parts, because every prime of
 * a is absent from b and every prime of c from d. The attention weights {@code κ_ij / Σ_r κ_ir} pair a
 * small kernel value with a row sum of thousands of bits, so the two gcds are cheap while the one
 * {@code BigFraction} performs is not.
 *
 * <p>The result must still be a {@code BigFraction}, whose constructor always calls
 * {@code numerator.gcd(denominator)}. The numerator is therefore passed as a {@link CoprimeTo}: the same
 * value, whose {@code gcd} with the one denominator object it was built for answers 1 without
 * recomputing (true by the argument above) and with any other argument computes as usual.
 */
public final class Fractions {
  private Fractions() {}

  /**
   * {@code x + y}, equal to {@code x.add(y)}, by Knuth's addition (TAOCP vol. 2, §4.5.1): with
   * {@code g = gcd(b, d)}, {@code t = a·(d/g) + c·(b/g)} and {@code h = gcd(t, g)}, the sum is
   * {@code (t/h) / ((b/g)·(d/h))}, already reduced; g and h are usually small where BigFraction would
   * reduce the full-length result.
   */
  public static BigFraction add(BigFraction x, BigFraction y) {
    BigInteger a = x.getNumerator();
    BigInteger b = x.getDenominator();
    BigInteger c = y.getNumerator();
    BigInteger d = y.getDenominator();
    if (a.signum() == 0) {
      return y;
    }
    if (c.signum() == 0) {
      return x;
    }
    BigInteger g = gcd(b, d);
    BigInteger bg = divide(b, g);
    BigInteger t = a.multiply(divide(d, g)).add(c.multiply(bg));
    if (t.signum() == 0) {
      return BigFraction.ZERO;
    }
    BigInteger h = g.equals(BigInteger.ONE) ? g : gcd(t, g);
    return coprime(divide(t, h), bg.multiply(divide(d, h)));
  }

  /** {@code −x}, equal to {@code x.negate()} (which reduces the reduced value again). */
  public static BigFraction negate(BigFraction x) {
    return x.getNumerator().signum() == 0 ? x : coprime(x.getNumerator().negate(), x.getDenominator());
  }

  /** {@code x·y}, equal to {@code x.multiply(y)}. */
  public static BigFraction multiply(BigFraction x, BigFraction y) {
    return product(x.getNumerator(), x.getDenominator(), y.getNumerator(), y.getDenominator());
  }

  /** {@code x/y}, equal to {@code x.divide(y)}; y must not be zero. */
  public static BigFraction divide(BigFraction x, BigFraction y) {
    BigInteger c = y.getNumerator();
    if (c.signum() == 0) {
      throw new ArithmeticException("division of " + x + " by zero");
    }
    BigInteger d = y.getDenominator();
    return c.signum() > 0
        ? product(x.getNumerator(), x.getDenominator(), d, c)
        : product(x.getNumerator(), x.getDenominator(), d.negate(), c.negate());
  }

  /** {@code a/b · c/d} for coprime (a, b) and (c, d), b and d positive. */
  private static BigFraction product(BigInteger a, BigInteger b, BigInteger c, BigInteger d) {
    if (a.signum() == 0 || c.signum() == 0) {
      return BigFraction.ZERO;
    }
    BigInteger g1 = gcd(a, d);
    BigInteger g2 = gcd(c, b);
    return coprime(divide(a, g1).multiply(divide(c, g2)), divide(b, g2).multiply(divide(d, g1)));
  }

  /** {@code num/den} (den ≠ 0) reduced by Lehmer's gcd, equal to {@code new BigFraction(num, den)}. */
  public static BigFraction reduce(BigInteger num, BigInteger den) {
    if (den.signum() == 0) {
      throw new ArithmeticException("fraction " + num + "/0");
    }
    if (num.signum() == 0) {
      return BigFraction.ZERO;
    }
    BigInteger g = gcd(num, den);
    return den.signum() > 0
        ? coprime(divide(num, g), divide(den, g))
        : coprime(divide(num, g).negate(), divide(den, g).negate());
  }

  /** A BigFraction from coprime parts, den &gt; 0, without the constructor's gcd. */
  private static BigFraction coprime(BigInteger num, BigInteger den) {
    return den.equals(BigInteger.ONE) ? new BigFraction(num) : new BigFraction(new CoprimeTo(num, den), den);
  }

  private static BigInteger divide(BigInteger x, BigInteger g) {
    return g.equals(BigInteger.ONE) ? x : x.divide(g);
  }

  /**
   * gcd of non-zero x and y with the common power of two taken out first (the dyadic kernel's operands are
   * long mostly through factors of two), the odd parts by Lehmer's algorithm.
   */
  static BigInteger gcd(BigInteger x, BigInteger y) {
    int tx = x.getLowestSetBit();
    int ty = y.getLowestSetBit();
    BigInteger g = Lehmer.gcd(tx == 0 ? x : x.shiftRight(tx), ty == 0 ? y : y.shiftRight(ty));
    int t = Math.min(tx, ty);
    return t == 0 ? g : g.shiftLeft(t);
  }

  /** A numerator known to be coprime to one particular denominator object. */
  static final class CoprimeTo extends BigInteger {
    private final transient BigInteger partner;

    CoprimeTo(BigInteger value, BigInteger partner) {
      super(value.toByteArray());
      this.partner = partner;
    }

    @Override
    public BigInteger gcd(BigInteger val) {
      return val == partner ? BigInteger.ONE : super.gcd(val);
    }
  }
}
