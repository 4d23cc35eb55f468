package io.prefixproof.algebra;

import java.math.BigInteger;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * An exact sum of fractions kept as one unreduced numerator/denominator pair and reduced once at the end.
 * Every {@link BigFraction} operation reduces by a gcd, which dominates exact runs; a sum needs only the
 * final reduction, and the value is the same.
 */
final class UnreducedSum {
  private BigInteger num = BigInteger.ZERO;
  private BigInteger den = BigInteger.ONE;

  /** Adds {@code n/d} (d &gt; 0). */
  void add(BigInteger n, BigInteger d) {
    if (n.signum() == 0) {
      return;
    }
    if (d.equals(den)) {
      num = num.add(n);
    } else {
      num = num.multiply(d).add(n.multiply(den));
      den = den.multiply(d);
    }
  }

  void add(BigFraction x) {
    add(x.getNumerator(), x.getDenominator());
  }

  /** Adds the product {@code x·y}. */
  void addProduct(BigFraction x, BigFraction y) {
    if (x.getNumerator().signum() != 0 && y.getNumerator().signum() != 0) {
      add(x.getNumerator().multiply(y.getNumerator()), x.getDenominator().multiply(y.getDenominator()));
    }
  }

  BigFraction value() {
    return new BigFraction(num, den);
  }
}
