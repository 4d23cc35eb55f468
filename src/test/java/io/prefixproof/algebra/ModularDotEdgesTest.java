package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Paths of {@link ModularDot} that the random programs of {@link ModularDotTest} do not reach: strided operands,
 * terms whose sign is unknown, the exact corner the product bounds take in each sign case, and the 128-bit
 * accumulator reaching {@code p·2^64} exactly on the last term. Oracles: {@link BigFraction} sums, corners ordered by
 * their exact products, and the accumulation replayed with {@link BigInteger}.
 */
class ModularDotEdgesTest {

  private static final long P = (1L << 62) - 57;

  @Test
  @DisplayName("strided operands: Σ_t a[1 + 3t]·b[2t] and Σ_t a[1 + 3t] equal BigFraction's sums of the same entries")
  void strided() {
    ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, P, (1L << 61) - 1);
    Object[] a = new Object[10];
    Object[] b = new Object[7];
    BigFraction[] ea = new BigFraction[a.length];
    BigFraction[] eb = new BigFraction[b.length];
    for (int i = 0; i < a.length; i++) {
      ea[i] = new BigFraction(2 * i - 7, i + 2);
      a[i] = ar.of(ea[i]);
    }
    for (int i = 0; i < b.length; i++) {
      eb[i] = new BigFraction(i * i + 1, 3);
      b[i] = ar.of(eb[i]);
    }
    BigFraction dot = BigFraction.ZERO;
    BigFraction sum = BigFraction.ZERO;
    for (int t = 0; t < 3; t++) {
      dot = dot.add(ea[1 + 3 * t].multiply(eb[2 * t]));
      sum = sum.add(ea[1 + 3 * t]);
    }
    // by hand: a[1], a[4], a[7] = −5/3, 1/6, 7/9 and b[0], b[2], b[4] = 1/3, 5/3, 17/3: −5/9 + 5/18 + 119/27
    assertEquals(new BigFraction(-30 + 15 + 238, 54), dot);
    ModularDotTest.matches(ar, dot, ModularDot.dot(a, 1, 3, b, 0, 2, 3));
    ModularDotTest.matches(ar, sum, ModularDot.dot(a, 1, 3, null, 0, 0, 3));
  }

  @Test
  @DisplayName("a term with a factor of unknown sign has unknown sign, in either factor; the known ones multiply")
  void unknownSigns() {
    ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, P, (1L << 61) - 1);
    BigFraction third = new BigFraction(1, 3);
    BigFraction tiny = new BigFraction(BigInteger.ONE, BigInteger.ONE.shiftLeft(200));
    // 1/3 and 1/3 + 2^-200 round to the same doubles: their difference, −2^-200, is enclosed around 0
    Modular unknown = ar.of(third).subtract(ar.of(third.add(tiny)));
    assertEquals(Modular.UNKNOWN, unknown.sign);
    Modular minusFive = ar.of(-5);
    BigFraction exact = tiny.multiply(new BigFraction(5));
    for (Object[][] xy : new Object[][][] {{{unknown}, {minusFive}}, {{minusFive}, {unknown}}}) {
      Modular d = ModularDot.dot(xy[0], 0, 1, xy[1], 0, 1, 1);
      assertEquals(Modular.UNKNOWN, d.sign);
      ModularDotTest.matches(ar, exact, d);
    }
    // two known negative terms: (−5)·(1/3) + (−5)·(1/3) is negative
    Modular d = ModularDot.dot(new Object[] {minusFive, minusFive}, 0, 1, new Object[] {ar.of(third), ar.of(third)},
        0, 1, 2);
    assertEquals(-1, d.sign);
  }

  /** Doubles of both signs, zeros of both signs, and powers of two whose products reach TINY = 2^-960 or fall below it. */
  private static final double[] POOL = {0.0, -0.0, 0x1p-500, 0x1p-490, 0x1p-480, 1.0 / 3, 1, 3, -0x1p-500, -0x1p-490,
      -0x1p-480, -1.0 / 3, -1, -3};

  @Test
  @DisplayName("boxes of one sign per factor: the lower bound is the rounded-down product of the corner BigFraction"
      + " finds smallest, the upper the rounded-up largest (no looser corner, no other sign case)")
  void signCasesTakeTheExtremeCorner() {
    Gen<List<Integer>> boxes = Gen.lists(Gen.integers(0, POOL.length - 1), 4, 4);
    int[] definite = new int[1];
    Property.of("sign-case corners", boxes).seed(31).tries(4000).check(ix -> {
      double xl = Math.min(POOL[ix.get(0)], POOL[ix.get(1)]);
      double xh = Math.max(POOL[ix.get(0)], POOL[ix.get(1)]);
      double yl = Math.min(POOL[ix.get(2)], POOL[ix.get(3)]);
      double yh = Math.max(POOL[ix.get(2)], POOL[ix.get(3)]);
      if (xl < 0 && xh > 0 || yl < 0 && yh > 0) {
        return true;
      }
      definite[0]++;
      double[][] corners = {{xl, yl}, {xl, yh}, {xh, yl}, {xh, yh}};
      double[] min = corners[0];
      double[] max = corners[0];
      for (double[] c : corners) {
        BigFraction v = product(c);
        min = v.compareTo(product(min)) < 0 ? c : min;
        max = v.compareTo(product(max)) > 0 ? c : max;
      }
      return ModularDot.productLow(xl, xh, yl, yh) == Enclosure.mulDown(min[0], min[1])
          && ModularDot.productHigh(xl, xh, yl, yh) == Enclosure.mulUp(max[0], max[1]);
    });
    assertTrue(definite[0] > 1000, definite[0] + " boxes of one sign per factor");
    // by hand: [1, 3]·[1/3, 1] is at least 1/3 (rounded down), not 0; [2^-500, 2^-480]·[−2^-480, −2^-490] is at
    // least 2^-480·(−2^-480) = −TINY exactly, while its corner 2^-500·(−2^-490) rounds down to −2^-990 − TINY
    assertEquals(Enclosure.mulDown(1, 1.0 / 3), ModularDot.productLow(1, 3, 1.0 / 3, 1));
    assertTrue(ModularDot.productLow(1, 3, 1.0 / 3, 1) > 0.33);
    assertEquals(-Enclosure.TINY, ModularDot.productLow(0x1p-500, 0x1p-480, -0x1p-480, -0x1p-490));
    assertTrue(Enclosure.mulDown(0x1p-500, -0x1p-490) < -Enclosure.TINY);
  }

  private static BigFraction product(double[] c) {
    return ModularArithTest.exact(c[0]).multiply(ModularArithTest.exact(c[1]));
  }

  @Test
  @DisplayName("the accumulator's high word reaching p exactly on the last term is reduced: a sum ≡ 0 mod p has the"
      + " Montgomery form 0, not p")
  void accumulatorReachesP() {
    ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, P, (1L << 61) - 1);
    BigInteger p = BigInteger.valueOf(P);
    BigInteger pm1 = p.subtract(BigInteger.ONE);
    BigInteger rInv = BigInteger.ONE.shiftLeft(64).modInverse(p);
    // Montgomery forms X_t, Y_t summing to p·(2^64 + 1): four terms (p − 1)², then (1, rem) and (p − 1, quot) with
    // quot, rem the quotient and remainder of the rest by p − 1. Before the last term the 128-bit sum is below
    // p·2^64; after it the high word is p and the low word p. REDC of that low word alone is p·2^64 / 2^64 = p,
    // corrected to 0; a high word of p left unreduced would add p more, and the correction would leave p.
    BigInteger total = p.shiftLeft(64).add(p);
    BigInteger rest = total.subtract(pm1.multiply(pm1).multiply(BigInteger.valueOf(4)));
    BigInteger[] qr = rest.divideAndRemainder(pm1);
    assertTrue(qr[1].signum() > 0 && qr[0].compareTo(p) < 0, "quotient " + qr[0] + ", remainder " + qr[1]);
    BigInteger[] xs = {pm1, pm1, pm1, pm1, BigInteger.ONE, pm1};
    BigInteger[] ys = {pm1, pm1, pm1, pm1, qr[1], qr[0]};
    BigInteger beforeLast = total.subtract(pm1.multiply(qr[0]));
    assertTrue(beforeLast.shiftRight(64).compareTo(p) < 0);
    Object[] a = new Object[6];
    Object[] b = new Object[6];
    BigInteger exact = BigInteger.ZERO;
    for (int t = 0; t < 6; t++) {
      // the integers whose Montgomery forms are X and Y: X·R^{-1} mod p
      BigInteger x = xs[t].multiply(rInv).mod(p);
      BigInteger y = ys[t].multiply(rInv).mod(p);
      a[t] = ar.of(new BigFraction(x));
      b[t] = ar.of(new BigFraction(y));
      assertEquals(ys[t].longValueExact(), ((Modular) b[t]).r[0]);
      exact = exact.add(x.multiply(y));
    }
    assertEquals(BigInteger.ZERO, exact.mod(p), "Σ x y ≡ Σ X Y R^-2 ≡ p·(2^64 + 1)·R^-2 ≡ 0");
    Modular d = ModularDot.dot(a, 0, 1, b, 0, 1, 6);
    assertEquals(0, d.r[0], "Montgomery form of a sum ≡ 0 mod p");
    assertEquals(0, ar.residue(d, 0));
    ModularDotTest.matches(ar, new BigFraction(exact), d);
  }
}
