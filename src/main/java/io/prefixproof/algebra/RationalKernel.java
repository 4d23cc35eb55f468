package io.prefixproof.algebra;

import java.math.BigInteger;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Positive, strictly increasing kernels with rational values, the exact-mode stand-ins for {@code exp}.
 * The limitation proofs (LIM-1..6) use only κ &gt; 0, and monotone κ for ordering statements, so these
 * check exactly the proofs' hypotheses. Each kernel is written once over any field whose elements can tell
 * their sign and floor ({@link Order}): {@link ExactArith} evaluates it on {@code BigFraction}s and {@link
 * ModularArith} on residues, so both compute the same rational function.
 */
public enum RationalKernel {
  /**
   * κ(s) = 1 + s + s²/2 for s ≥ 0 and 1/κ(−s) for s &lt; 0: positive, increasing, κ(s)κ(−s) = 1, and of
   * polynomial growth so that multi-layer exact runs keep small numbers.
   */
  POLYNOMIAL {
    @Override
    public <T extends FieldElement<T>> T apply(T s, Order<T> order) {
      if (order.signum(s) < 0) {
        return apply(s.negate(), order).reciprocal();
      }
      T one = s.getField().getOne();
      return one.add(s).add(s.multiply(s).divide(one.add(one)));
    }
  },
  /**
   * κ(s) = 2^⌊s⌋·(1 + s − ⌊s⌋): the piecewise-linear interpolation of 2^s through the integers; positive,
   * increasing, exponential growth (one bit per unit of score).
   */
  DYADIC {
    @Override
    public <T extends FieldElement<T>> T apply(T s, Order<T> order) {
      long e = order.floor(s);
      T one = s.getField().getOne();
      // 1 + s − ⌊s⌋ as one sum, s + (1 − ⌊s⌋): one operation fewer, and one bit less of height in a modular run
      T mantissa = s.add(one.multiply(Math.toIntExact(1 - e)));
      return order.powerOfTwo(e, one).multiply(mantissa);
    }
  };

  /** What a kernel needs of a score besides field operations: its sign and its floor. */
  public interface Order<T extends FieldElement<T>> {
    int signum(T s);

    long floor(T s);

    /** {@code 2^e} in the field of {@code one}: by default square and multiply, and a reciprocal for e &lt; 0. */
    default T powerOfTwo(long e, T one) {
      T power = one;
      T base = one.add(one);
      for (long k = Math.abs(e); k > 0; k >>>= 1) {
        if ((k & 1) != 0) {
          power = power.multiply(base);
        }
        base = base.multiply(base);
      }
      return e >= 0 ? power : power.reciprocal();
    }
  }

  /** The order of {@code BigFraction}s. */
  static final Order<BigFraction> EXACT = new Order<>() {
    @Override
    public int signum(BigFraction s) {
      return s.getNumerator().signum();
    }

    @Override
    public long floor(BigFraction s) {
      return RationalKernel.floor(s).longValueExact();
    }
  };

  /** κ(s) over any field, signs and floors decided by {@code order}. */
  public abstract <T extends FieldElement<T>> T apply(T s, Order<T> order);

  /** κ(s) of a {@code BigFraction}. */
  public BigFraction apply(BigFraction s) {
    return apply(s, EXACT);
  }

  /** ⌊s⌋ for a fraction with positive denominator. */
  static BigInteger floor(BigFraction s) {
    BigInteger[] qr = s.getNumerator().divideAndRemainder(s.getDenominator());
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
