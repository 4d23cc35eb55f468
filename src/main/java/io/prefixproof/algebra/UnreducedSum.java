package io.prefixproof.algebra;

import java.math.BigInteger;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * An exact sum of fractions kept as one unreduced numerator/denominator pair and reduced once at the end.
 * Every {@link BigFraction} operation reduces by a gcd, which dominates exact runs; a sum needs only the
 * final reduction, and the value is the same. The denominator is kept as an odd part times a power of two
 * and powers of two are aligned by shifting, not multiplied: kernels such as 2^⌊s⌋·(1 + s − ⌊s⌋) put
 * thousands of factors of two into denominators, and multiplying them together would make the one final
 * reduction cost more than all the ones it saves.
 */
final class UnreducedSum {
  private BigInteger num = BigInteger.ZERO;
  private BigInteger odd = BigInteger.ONE;
  private int twos;

  /** Adds {@code n/d} (d &gt; 0). */
  void add(BigInteger n, BigInteger d) {
    if (n.signum() == 0) {
      return;
    }
    int j = d.getLowestSetBit();
    BigInteger dOdd = j == 0 ? d : d.shiftRight(j);
    if (j > twos) {
      num = num.shiftLeft(j - twos);
      twos = j;
    } else if (j < twos) {
      n = n.shiftLeft(twos - j);
    }
    if (dOdd.equals(odd)) {
      num = num.add(n);
    } else if (dOdd.equals(BigInteger.ONE)) {
      num = num.add(n.multiply(odd));
    } else {
      num = num.multiply(dOdd).add(n.multiply(odd));
      odd = odd.multiply(dOdd);
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

  /** Whether the sum equals {@code x}, by cross-multiplication: exact, and with no gcd. */
  boolean equalsValue(BigFraction x) {
    return num.multiply(x.getDenominator()).equals(odd.shiftLeft(twos).multiply(x.getNumerator()));
  }

  BigFraction value() {
    if (num.signum() == 0) {
      return BigFraction.ZERO;
    }
    int t = Math.min(num.getLowestSetBit(), twos);
    return Fractions.reduce(num.shiftRight(t), odd.shiftLeft(twos - t));
  }
}
