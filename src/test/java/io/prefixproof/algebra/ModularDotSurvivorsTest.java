package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Arrays;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cases of {@link ModularDot} that the final mutation run showed no test reaching: heights that are all fractional,
 * more than 128 heights whose powers of two overflow a long, and terms of unknown sign in a dot product of more than
 * one term (a single term takes the product shortcut). Oracles: the two-height tree worked by hand, {@code ⌈log2 Σ
 * 2^h⌉} in {@link BigInteger}, and the sign rule (a factor of unknown sign makes the term's sign unknown).
 */
class ModularDotSurvivorsTest {

  private static final long P = (1L << 62) - 57;

  @Test
  @DisplayName("heights that are all fractional go through the tree: {0.5, 1.7} gives max + 1 = 2.7")
  void allHeightsFractional() {
    // the direct sum would truncate 1.7 − 0.5 to 1 and give 0.5 + ⌈log2 3⌉ = 2.5, a bound below the tree's
    assertEquals(2.7, ModularDot.sumBound(new double[] {0.5, 1.7}, 2));
  }

  @Test
  @DisplayName("257 heights (one 0, 256 of 56): ⌈log2 (1 + 2^64)⌉ = 65, a sum that a long cannot hold")
  void manyHeightsBeyondALong() {
    double[] h = new double[257];
    Arrays.fill(h, 1, h.length, 56);
    BigInteger sum = BigInteger.ONE;
    for (int t = 1; t < h.length; t++) {
      sum = sum.add(BigInteger.ONE.shiftLeft(56));
    }
    // ⌈log2 S⌉ for S ≥ 2 is the bit length of S − 1
    int expected = sum.subtract(BigInteger.ONE).bitLength();
    assertEquals(65, expected);
    assertEquals(expected, ModularDot.sumBound(h, h.length));
  }

  @Test
  @DisplayName("two terms with a factor of unknown sign, in either position: the dot product's sign is unknown")
  void unknownSignsOverTwoTerms() {
    ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, P, (1L << 61) - 1);
    BigFraction tiny = new BigFraction(BigInteger.ONE, BigInteger.ONE.shiftLeft(200));
    // 2/7 and 2/7 + 2^-200 round to the same doubles: the difference −2^-200 is enclosed around 0
    Modular u = ar.of(new BigFraction(2, 7)).subtract(ar.of(new BigFraction(2, 7).add(tiny)));
    Modular k = ar.of(-5);
    assertEquals(Modular.UNKNOWN, u.sign);
    Modular left = ModularDot.dot(new Object[] {u, u}, 0, 1, new Object[] {k, k}, 0, 1, 2);
    Modular right = ModularDot.dot(new Object[] {k, k}, 0, 1, new Object[] {u, u}, 0, 1, 2);
    assertEquals(Modular.UNKNOWN, left.sign);
    assertEquals(Modular.UNKNOWN, right.sign);
    // (−2^-200)·(−5) twice
    ModularDotTest.matches(ar, tiny.multiply(10), left);
    ModularDotTest.matches(ar, tiny.multiply(10), right);
  }
}
