package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts of the modular arithmetic against the independent oracles of {@link ModularArithTest}
 * (residues by {@link BigInteger}, values by {@link BigFraction}): primes drawn once and reused ({@link
 * ModularArith#fresh}), the cached inverses of input denominators and of divisors, the dyadic kernel's
 * powers of two without a division, and the enclosure of a quotient of two doubles.
 */
class ModularFastPathsTest {

  /** Every residue of {@code m} is {@code e}'s, by BigInteger. */
  static boolean sameResidues(ModularArith ar, BigFraction e, Modular m) {
    for (int k = 0; k < ar.primes().length; k++) {
      if (ModularArithTest.residue(e, ar.primes()[k]) != ar.residue(m, k)) {
        return false;
      }
    }
    return true;
  }

  @Test
  @DisplayName("programs run one after another on fresh copies of one prime set match BigFraction value by value")
  void freshCopiesMatchBigFraction() {
    ModularArith base = ModularArith.random(RationalKernel.POLYNOMIAL, 3, new SplittableRandom(11));
    Property.of("fresh copies", ModularArithTest.PROGRAMS).seed(12).tries(300).check(pr -> {
      ModularArith ar = base.fresh();
      assertArrayEquals(base.primes(), ar.primes());
      for (Object[] v : ModularArithTest.evaluate(pr, ar)) {
        BigFraction e = (BigFraction) v[0];
        Modular m = (Modular) v[1];
        assertTrue(sameResidues(ar, e, m), "residues of " + e);
        assertTrue(ModularArithTest.bounded(e.getNumerator(), m.numeratorBits()), "numerator of " + e);
        assertTrue(ModularArithTest.bounded(e.getDenominator(), m.denominatorBits()), "denominator of " + e);
      }
      return true;
    });
    // the residue comparison above sees a planted difference of 2^-2000
    ModularArith ar = base.fresh();
    BigFraction x = new BigFraction(7, 9);
    BigFraction planted = x.add(new BigFraction(BigInteger.ONE, ModularArithTest.TWO_2000));
    assertFalse(sameResidues(ar, planted, ar.of(x)));
  }

  @Test
  @DisplayName("a fresh copy starts with no decisions and its own atoms")
  void freshTallyAndAtoms() {
    ModularArith base = ModularArith.random(RationalKernel.DYADIC, 2, new SplittableRandom(5));
    Modular third = base.of(new BigFraction(1, 3));
    assertTrue(third.equals(base.of(new BigFraction(2, 6))));
    assertEquals(1, base.tally().certified() + base.tally().probabilistic());
    ModularArith fresh = base.fresh();
    assertEquals(new ModularArith.Tally(0, 0, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY), fresh.tally());
    // the same input in the copy: same residues, a bound as tight as in a new arithmetic
    Modular again = fresh.of(new BigFraction(1, 3));
    assertEquals(base.residue(third, 0), fresh.residue(again, 0));
    assertEquals(third.denominatorBits(), again.denominatorBits());
  }

  @Test
  @DisplayName("cached inverses: an input denominator divisible by a prime is dead there every time, alive elsewhere")
  void cachedInputInverses() {
    long p = 3;
    long q = (1L << 61) - 1;
    ModularArith base = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, p, q);
    for (ModularArith ar : new ModularArith[] {base, base, base.fresh(), base.fresh()}) {
      for (long den = 1; den <= 9; den++) {
        for (long num = -9; num <= 9; num++) {
          BigFraction e = new BigFraction(num, den);
          Modular m = ar.of(e);
          assertEquals(e.getDenominator().mod(BigInteger.valueOf(p)).signum() == 0, m.dead(0), e.toString());
          assertFalse(m.dead(1));
          assertEquals(ModularArithTest.residue(e, q), ar.residue(m, 1), e.toString());
          if (!m.dead(0)) {
            assertEquals(ModularArithTest.residue(e, p), ar.residue(m, 0), e.toString());
          }
        }
      }
    }
  }

  @Test
  @DisplayName("a divisor used many times: every quotient's residues are BigFraction's; a zero residue kills that prime")
  void cachedDivisorInverse() {
    long p = 1_000_003;
    long q = (1L << 61) - 1;
    ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, p, q).fresh();
    SplittableRandom r = new SplittableRandom(8);
    for (BigFraction b : new BigFraction[] {new BigFraction(5, 7), new BigFraction(2 * p, 9L)}) {
      Modular divisor = ar.of(b);
      for (int i = 0; i < 40; i++) {
        BigFraction x = new BigFraction((long) r.nextInt(-50, 50), (long) r.nextInt(1, 30));
        Modular quotient = ar.of(x).divide(divisor);
        BigFraction e = x.divide(b);
        assertEquals(b.getNumerator().mod(BigInteger.valueOf(p)).signum() == 0, quotient.dead(0), e.toString());
        assertEquals(ModularArithTest.residue(e, q), ar.residue(quotient, 1), e.toString());
        if (!quotient.dead(0)) {
          assertEquals(ModularArithTest.residue(e, p), ar.residue(quotient, 0), e.toString());
        }
        assertNotEquals(-1, ar.residue(divisor.reciprocal(), 1));
      }
    }
  }

  @Test
  @DisplayName("the dyadic kernel's power of two: residues, enclosure and height of every score's kernel are BigFraction's")
  void dyadicPowersOfTwo() {
    // |s| up to 2,000: kernels beyond the doubles' range on both sides
    Gen<BigFraction> scores = Gen.combine(Gen.longs(-2_000_000, 2_000_000), Gen.longs(1_000, 2_000),
        (n, d) -> new BigFraction(n, d));
    ModularArith base = ModularArith.random(RationalKernel.DYADIC, 3, new SplittableRandom(13));
    Property.of("dyadic kernel", scores).seed(14).tries(400).check(s -> {
      ModularArith ar = base.fresh();
      BigFraction e = RationalKernel.DYADIC.apply(s);
      Modular m = ar.kernel(ar.of(s));
      assertTrue(sameResidues(ar, e, m), "residues of kappa(" + s + ")");
      assertTrue(ModularArithTest.exact(m.lo()).compareTo(e) <= 0
          && (m.hi() == Double.POSITIVE_INFINITY || e.compareTo(ModularArithTest.exact(m.hi())) <= 0),
          "kappa(" + s + ") outside [" + m.lo() + ", " + m.hi() + "]");
      assertEquals(1, ar.signum(m));
      assertTrue(ModularArithTest.bounded(e.getNumerator(), m.numeratorBits()), "numerator of kappa(" + s + ")");
      assertTrue(ModularArithTest.bounded(e.getDenominator(), m.denominatorBits()), "denominator of kappa(" + s + ")");
      return true;
    });
    // the power itself, at both ends of the doubles' range and beyond
    ModularArith ar = base.fresh();
    for (long k : new long[] {1, -1, 52, -1022, -1074, -1075, 1023, 1024, -5000, 5000}) {
      BigFraction two = k >= 0 ? new BigFraction(BigInteger.ONE.shiftLeft((int) k))
          : new BigFraction(BigInteger.ONE, BigInteger.ONE.shiftLeft((int) -k));
      Modular m = ar.powerOfTwo(k);
      assertTrue(sameResidues(ar, two, m), "2^" + k);
      assertTrue(ModularArithTest.exact(m.lo()).compareTo(two) <= 0
          && (m.hi() == Double.POSITIVE_INFINITY || two.compareTo(ModularArithTest.exact(m.hi())) <= 0), "2^" + k);
      assertEquals(k >= -1074 && k <= 1023, m.lo() == m.hi(), "2^" + k + " is a double exactly in range");
      assertTrue(ModularArithTest.bounded(two.getNumerator(), m.numeratorBits())
          && ModularArithTest.bounded(two.getDenominator(), m.denominatorBits()), "height of 2^" + k);
    }
    // the residue comparison sees a kernel off by the next power of two
    assertFalse(sameResidues(ar, RationalKernel.DYADIC.apply(new BigFraction(7, 2)), ar.powerOfTwo(4)));
  }

  @Test
  @DisplayName("powers of two kept per prime: each exponent twice, inside and beyond the cached range, equals BigInteger's")
  void cachedPowersOfTwo() {
    for (long p : new long[] {3, 5, 1_000_003, (1L << 61) - 1}) {
      ModPrime m = new ModPrime(p);
      BigInteger q = BigInteger.valueOf(p);
      BigInteger half = BigInteger.TWO.modInverse(q);
      for (int round = 0; round < 2; round++) {
        for (long e = -600; e <= 600; e += round == 0 ? 1 : 7) {
          BigInteger expected = (e >= 0 ? BigInteger.TWO : half).modPow(BigInteger.valueOf(Math.abs(e)), q);
          assertEquals(expected.longValueExact(), m.value(m.powerOfTwo(e)), "2^" + e + " mod " + p);
        }
      }
      // a planted off-by-one exponent is seen
      assertNotEquals(m.value(m.powerOfTwo(11)), BigInteger.TWO.modPow(BigInteger.valueOf(12), q).longValueExact());
    }
  }

  @Test
  @DisplayName("input denominators split over small primes: bounds hold, are never looser than one atom, and 2 and 4 share one")
  void splitDenominators() {
    ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 2, new SplittableRandom(16));
    java.util.List<BigInteger> ds = new java.util.ArrayList<>();
    for (long d = 2; d <= 400; d++) {
      ds.add(BigInteger.valueOf(d));
    }
    ds.add(BigInteger.valueOf(3L * 5 * 7 * 11 * 13 * 17 * 19 * 23));
    ds.add(BigInteger.TWO.pow(70).multiply(BigInteger.valueOf(45)));
    ds.add(BigInteger.valueOf(53L * 59 * 61));
    ds.add(BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE).multiply(BigInteger.valueOf(9)));
    for (BigInteger d : ds) {
      BigFraction v = new BigFraction(BigInteger.valueOf(-7), d);
      Modular m = ar.of(v);
      boolean powerOfTwo = d.getLowestSetBit() == d.bitLength() - 1;
      assertTrue(sameResidues(ar, v, m), "residues of " + v);
      assertTrue(ModularArithTest.bounded(v.getDenominator(), m.denominatorBits()), "denominator of " + v);
      assertTrue(ModularArithTest.bounded(v.getNumerator(), m.numeratorBits()), "numerator of " + v);
      assertTrue(m.denominatorBits() <= d.bitLength() - (powerOfTwo ? 1 : 0), "looser than one atom: " + v);
    }
    // 1/2 + 1/4 = 3/4: the shared atom 2 gives the 2-bit denominator bound (one atom each would give 1 + 2 bits)
    Modular sum = ar.of(new BigFraction(1, 2)).add(ar.of(new BigFraction(1, 4)));
    assertEquals(2.0, sum.denominatorBits());
    assertTrue(ModularArithTest.bounded(BigInteger.valueOf(4), sum.denominatorBits()));
    assertFalse(ModularArithTest.bounded(BigInteger.valueOf(4), sum.denominatorBits() - 1));
    // 15 stays one 4-bit atom: split it would need 2 + 3 bits
    assertEquals(4.0, ar.of(new BigFraction(1, 15)).denominatorBits());
  }

  @Test
  @DisplayName("a quotient of two doubles is enclosed by its neighbours, and is a point exactly when it is a double")
  void smallQuotientEnclosure() {
    Gen<BigFraction> values = Gen.combine(Gen.longs(1 - (1L << 53), (1L << 53) - 1), Gen.longs(1, (1L << 53) - 1),
        (n, d) -> new BigFraction(n, d));
    Property.of("small quotients", values).seed(15).tries(3000).check(v -> {
      double[] e = Enclosure.of(v);
      boolean isDouble = ModularArithTest.exact(v.doubleValue()).equals(v);
      return ModularArithTest.exact(e[0]).compareTo(v) <= 0 && v.compareTo(ModularArithTest.exact(e[1])) <= 0
          && (e[0] == e[1]) == isDouble && e[1] <= Math.nextUp(e[0]);
    });
    double[] third = Enclosure.of(new BigFraction(1, 3));
    assertEquals(Math.nextUp(third[0]), third[1]);
    assertTrue(ModularArithTest.exact(third[0]).compareTo(new BigFraction(1, 3)) < 0);
    assertEquals(0.375, Enclosure.of(new BigFraction(-3, -8))[0]);
  }
}
