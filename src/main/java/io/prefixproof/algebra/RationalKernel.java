package io.prefixproof.algebra;

import java.math.BigInteger;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Positive, strictly increasing kernels with rational values, the exact-mode stand-ins for {@code exp}.
 * The limitation proofs (LIM-1..6) use only κ &gt; 0, and monotone κ for ordering statements, so these
 * check exactly the proofs' hypotheses.
 */
public enum RationalKernel {
  /**
   * κ(s) = 1 + s + s²/2 for s ≥ 0 and 1/κ(−s) for s &lt; 0: positive, increasing, κ(s)κ(−s) = 1, and of
   * polynomial growth so that multi-layer exact runs keep small numbers.
   */
  POLYNOMIAL {
    @Override
    public BigFraction apply(BigFraction s) {
      if (s.compareTo(BigFraction.ZERO) < 0) {
        return apply(s.negate()).reciprocal();
      }
      return BigFraction.ONE.add(s).add(s.multiply(s).divide(2));
    }
  },
  /**
   * κ(s) = 2^⌊s⌋·(1 + s − ⌊s⌋): the piecewise-linear interpolation of 2^s through the integers; positive,
   * increasing, exponential growth (one bit per unit of score).
   */
  DYADIC {
    @Override
    public BigFraction apply(BigFraction s) {
      BigInteger floor = floor(s);
      BigFraction frac = s.subtract(new BigFraction(floor));
      BigFraction mantissa = BigFraction.ONE.add(frac);
      int e = floor.intValueExact();
      BigFraction power =
          e >= 0
              ? new BigFraction(BigInteger.ONE.shiftLeft(e))
              : new BigFraction(BigInteger.ONE, BigInteger.ONE.shiftLeft(-e));
      return power.multiply(mantissa);
    }
  };

  /** κ(s). */
  public abstract BigFraction apply(BigFraction s);

  /** ⌊s⌋ for a fraction with positive denominator. */
  static BigInteger floor(BigFraction s) {
    BigInteger[] qr = s.getNumerator().divideAndRemainder(s.getDenominator());
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
