package io.prefixproof.algebra;

import static io.prefixproof.algebra.ModularArithTest.bounded;
import static io.prefixproof.algebra.ModularArithTest.exact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The edges of the multi-modular arithmetic that random programs ({@link ModularArithTest}) do not reach:
 * directed rounding at infinities, at the largest double and at {@link Enclosure#TINY} itself; rationals at
 * the ends of the doubles' range; a composite that trial division lets through; enclosures whose bound is
 * a signed zero; and the bookkeeping of certainty (which decisions count as certified, the height bounds
 * they rest on, the error bound). Expected values are derived by hand in the comments (powers of two,
 * sums of a few powers of two) or computed by {@link BigInteger} and {@link BigFraction}.
 */
class ModularEdgesTest {

  static final double MAX = Double.MAX_VALUE;
  static final double INF = Double.POSITIVE_INFINITY;

  static BigFraction pow2(int e) {
    return e >= 0 ? new BigFraction(BigInteger.ONE.shiftLeft(e)) : new BigFraction(BigInteger.ONE,
        BigInteger.ONE.shiftLeft(-e));
  }

  @Nested
  @DisplayName("directed rounding")
  class DirectedRounding {
    @Test
    @DisplayName("infinite and overflowing operands: ∞ − ∞ and ∞/∞ bound nothing, a finite overflow clamps to MAX")
    void nonFinite() {
      assertEquals(-INF, Enclosure.addDown(INF, -INF));
      assertEquals(INF, Enclosure.addUp(INF, -INF));
      // MAX + MAX = 2^1025 − 2^972: MAX is the largest double below it, and no double lies above it
      assertEquals(MAX, Enclosure.addDown(MAX, MAX));
      assertEquals(INF, Enclosure.addUp(MAX, MAX));
      // an infinite operand makes the sum infinite: it is its own bound, not clamped
      assertEquals(INF, Enclosure.addDown(1, INF));
      assertEquals(INF, Enclosure.addDown(INF, 1));
      assertEquals(MAX, Enclosure.mulDown(MAX, 2));
      assertEquals(INF, Enclosure.mulUp(MAX, 2));
      assertEquals(MAX, Enclosure.divDown(MAX, 0.5));
      assertEquals(INF, Enclosure.divUp(MAX, 0.5));
      assertEquals(-INF, Enclosure.divDown(INF, INF));
      assertEquals(INF, Enclosure.divUp(INF, INF));
    }

    @Test
    @DisplayName("at exactly TINY = 2^-960 the error-free path runs: exact products and quotients stay points")
    void atTiny() {
      // 2^-480 · 2^-480 = 2^-960 and 2^-960/1, 1/2^-960 = 2^960 are doubles: each bound is the value itself
      assertEquals(0x1p-960, Enclosure.mulDown(0x1p-480, 0x1p-480));
      assertEquals(0x1p-960, Enclosure.mulUp(0x1p-480, 0x1p-480));
      assertEquals(0x1p-960, Enclosure.divDown(0x1p-960, 1));
      assertEquals(0x1p-960, Enclosure.divUp(0x1p-960, 1));
      assertEquals(0x1p960, Enclosure.divDown(1, 0x1p-960));
      assertEquals(0x1p960, Enclosure.divUp(1, 0x1p-960));
      // just below TINY the loose path widens by TINY: still a bound
      assertTrue(Enclosure.mulDown(0x1p-481, 0x1p-480) < 0x1p-961);
    }
  }

  @Nested
  @DisplayName("rationals at the ends of the doubles")
  class RationalEnclosures {
    @Test
    @DisplayName("the least normal double 2^-1022 is a point")
    void leastNormal() {
      assertArrayEquals(new double[] {Double.MIN_NORMAL, Double.MIN_NORMAL}, Enclosure.of(pow2(-1022)));
    }

    @Test
    @DisplayName("(2^64 − 2^11 − 5)·2^960, just below MAX: lower bound nextDown(MAX), upper bound ∞")
    void justBelowMax() {
      // MAX = (2^64 − 2^11)·2^960; the value needs 64 bits, so it is no double; q = 2(2^64 − 2^11 − 5) rounds
      // to 2^65 − 2^12, whose neighbours scaled by 2^959 are (2^64 − 2^12)·2^960 = nextDown(MAX) and 2^1024 = ∞
      BigFraction v = new BigFraction(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.valueOf(2048 + 5))
          .shiftLeft(960));
      double[] e = Enclosure.of(v);
      assertTrue(v.compareTo(new BigFraction(MAX)) < 0);
      assertArrayEquals(new double[] {Math.nextDown(MAX), INF}, e);
    }

    @Test
    @DisplayName("2^1030, beyond every double: [MAX, ∞]")
    void beyondMax() {
      assertArrayEquals(new double[] {MAX, INF}, Enclosure.of(pow2(1030)));
      assertArrayEquals(new double[] {-INF, -MAX}, Enclosure.of(pow2(1030).negate()));
    }

    @Test
    @DisplayName("(2^64 + 2^12 + 1)·2^-1024: lower bound exactly TINY, upper (2^64 + 2^13)·2^-1024")
    void lowerBoundAtTiny() {
      // q = 2^64 + 2^12 + 1 rounds to 2^64 + 2^12 (ulp 2^12 there); its neighbours are 2^64 and 2^64 + 2^13
      BigFraction v = new BigFraction(BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(4096 + 1)),
          BigInteger.ONE.shiftLeft(1024));
      assertArrayEquals(new double[] {Enclosure.TINY, Math.scalb(0x1p64 + 0x1p13, -1024)}, Enclosure.of(v));
    }

    @Test
    @DisplayName("below TINY: 2^-1000/3 lies in [0, 2^-1000], within a factor 4 of the value as the fallback promises")
    void belowTiny() {
      BigFraction v = new BigFraction(BigInteger.ONE, BigInteger.valueOf(3).shiftLeft(1000));
      double[] e = Enclosure.of(v);
      assertArrayEquals(new double[] {0, 0x1p-1000}, e);
      assertTrue(exact(e[1]).compareTo(v.multiply(4)) <= 0);
    }
  }

  @Test
  @DisplayName("primality on 5000..6000 equals BigInteger's: 5329 = 73², past every trial divisor, is composite")
  void primalityPastTrialDivision() {
    assertFalse(ModPrime.isPrime(73 * 73));
    for (long n = 5000; n <= 6000; n++) {
      assertEquals(BigInteger.valueOf(n).isProbablePrime(100), ModPrime.isPrime(n), "n = " + n);
    }
  }

  @Nested
  @DisplayName("signs and quotients at signed zeros")
  class SignedZeros {
    final ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(11));

    /** {@code l − 1/3 < 0} for l the lower bound of 1/3: its enclosure is [l − h, −0.0] (h the upper bound). */
    Modular belowZero() {
      Modular third = ar.of(new BigFraction(1, 3));
      Modular c = ar.of(new BigFraction(-1, 3)).add(ar.of(exact(third.lo())));
      assertTrue(c.hi() == 0 && c.lo() < 0);
      return c;
    }

    /** The sign of a non-zero value: {@code expected}, or undecided; never 0 or the opposite sign. */
    void signIsRightOrUndecided(int expected, Modular x) {
      int s;
      try {
        s = ar.signum(x);
      } catch (ModularArith.Undecided u) {
        return;
      }
      assertEquals(expected, s);
    }

    @Test
    @DisplayName("an enclosure [negative, 0] or [0, positive] of a non-zero value does not make its sign 0")
    void touchingZero() {
      Modular c = belowZero();
      signIsRightOrUndecided(-1, c);
      Modular d = c.negate();
      assertTrue(d.lo() == 0 && d.hi() > 0);
      signIsRightOrUndecided(1, d);
    }

    /** {@code v} with the enclosure [lo, hi] (a valid but loose one), its residues and height unchanged. */
    Modular widened(BigFraction v, double lo, double hi) {
      Modular x = ar.of(v);
      return new Modular(ar, x.r, lo, hi, null, Modular.UNKNOWN, x.m, x.atoms, x.exps);
    }

    @Test
    @DisplayName("dividing by 1/7 enclosed in [-0.0, 1] or by -1/7 in [-1, +0.0] still encloses 7 and -7")
    void divisorTouchingZero() {
      // a divisor's enclosure that touches 0 bounds the quotient on one side only; here the corners' quotients
      // by the signed zero would claim 7 <= 1 and -7 >= -1
      assertEncloses(new BigFraction(7), ar.getOne().divide(widened(new BigFraction(1, 7), -0.0, 1)));
      assertEncloses(new BigFraction(-7), ar.getOne().divide(widened(new BigFraction(-1, 7), -1, 0.0)));
    }

    void assertEncloses(BigFraction v, Modular x) {
      assertTrue((x.lo() == -INF || exact(x.lo()).compareTo(v) <= 0) && (x.hi() == INF || v.compareTo(
          exact(x.hi())) <= 0), v + " outside [" + x.lo() + ", " + x.hi() + "]");
    }
  }

  @Nested
  @DisplayName("certainty")
  class Certainty {
    /** Every decision of a fresh arithmetic, one at a time: how many were certified and how many not. */
    static long[] counts(ModularArith ar) {
      ModularArith.Tally t = ar.tally();
      return new long[] {t.certified(), t.probabilistic()};
    }

    @Test
    @DisplayName("each way of certifying an equality counts once: disjoint enclosures, equal points, a differing residue")
    void certifiedBranches() {
      ModularArith a = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(1));
      assertFalse(a.of(1).equals(a.of(2)));
      assertArrayEquals(new long[] {1, 0}, counts(a));
      ModularArith b = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(1));
      assertTrue(b.of(new BigFraction(3, 4)).equals(b.of(new BigFraction(3, 4))));
      assertArrayEquals(new long[] {1, 0}, counts(b));
      ModularArith c = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(1));
      BigFraction third = new BigFraction(1, 3);
      assertFalse(c.of(third).equals(c.of(third.add(new BigFraction(BigInteger.ONE, ModularArithTest.TWO_2000)))));
      assertArrayEquals(new long[] {1, 0}, counts(c));
    }

    /** One prime: the equality of two conversions of N/3, whose difference's numerator bound is bits(N) + 1. */
    static ModularArith.Tally equalityWithBound(int numeratorBits, int times) {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 1, new SplittableRandom(2));
      // N = 2^(b−1) + 1 or + 2, whichever 3 does not divide, so that N/3 keeps the denominator 3
      BigInteger n = BigInteger.ONE.shiftLeft(numeratorBits - 1).add(BigInteger.ONE);
      n = n.mod(BigInteger.valueOf(3)).signum() == 0 ? n.add(BigInteger.ONE) : n;
      BigFraction v = new BigFraction(n, BigInteger.valueOf(3));
      assertEquals(BigInteger.valueOf(3), v.getDenominator());
      assertEquals(numeratorBits, n.bitLength());
      for (int i = 0; i < times; i++) {
        assertTrue(ar.of(v).equals(ar.of(v)));
      }
      return ar.tally();
    }

    @Test
    @DisplayName("one prime p in [2^61, 2^62): a bound B = 60 is certified (2^60 < p), B = 61 is not, error 2^-54 for two")
    void certifiedBelowThePrime() {
      // the shared atom 3 leaves M = N + N' with |M| ≤ 2^(bits(N) + 1): B = 60 for a 59-bit N, 61 for a 60-bit one
      ModularArith.Tally below = equalityWithBound(59, 1);
      assertEquals(1, below.certified());
      assertEquals(0, below.probabilistic());
      ModularArith.Tally at = equalityWithBound(60, 2);
      assertEquals(0, at.certified());
      assertEquals(2, at.probabilistic());
      assertEquals(61, at.maxBits());
      // log2(2 decisions) + 1 prime · (log2 ⌊61/61⌋ − 55) = 1 − 55
      assertEquals(-54, at.log2Error(), 1e-12);
    }

    @Test
    @DisplayName("3·(1/3) = 1 is certified: the constant 3 has a 2-bit numerator, so the bound is 4 bits")
    void constantHeights() {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 1, new SplittableRandom(3));
      assertEquals(2, ar.of(3).numeratorBits());
      assertEquals(63, ar.of(Long.MIN_VALUE + 1).numeratorBits());
      assertTrue(ar.of(3).multiply(ar.of(new BigFraction(1, 3))).equals(ar.getOne()));
      assertEquals(0, ar.tally().probabilistic());
    }

    @Test
    @DisplayName("dividing twice by the same value shares its atom: 1/D = 1/D is certified for a 201-bit D")
    void sameDivisorSameAtom() {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 1, new SplittableRandom(4));
      // D is an integer input: no atom until it divides, then atom 0 with the bound 201 bits
      Modular d = ar.of(new BigFraction(BigInteger.ONE.shiftLeft(200).add(BigInteger.ONE)));
      Modular x = ar.getOne().divide(d);
      Modular y = ar.getOne().divide(d);
      assertEquals(201, x.denominatorBits());
      assertTrue(x.equals(y));
      assertEquals(0, ar.tally().probabilistic());
    }

    @Test
    @DisplayName("the bound on the numerator of x − 0 counts x's positive atoms: D = 1/(1/D) needs 202 bits")
    void differenceBitsCountPositiveAtoms() {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 1, new SplittableRandom(5));
      BigInteger big = BigInteger.ONE.shiftLeft(200).add(BigInteger.ONE);
      Modular x = ar.getOne().divide(ar.of(new BigFraction(BigInteger.ONE, big)));
      // x = 1 · D^(+1) · (1/D's own atom, 1 bit)^(−1): M = 1, so 1 + 201 bits
      assertEquals(202, x.differenceBits(ar.getZero()));
      assertTrue(bounded(big, x.differenceBits(ar.getZero())));
    }

    @Test
    @DisplayName("the difference's numerator is within the bound for every pair of values of random programs")
    void differenceBitsBoundPrograms() {
      Property.of("difference bits", Gen.pairs(ModularArithTest.PROGRAMS, Gen.longs(0, Long.MAX_VALUE))).seed(12)
          .tries(200).check(c -> {
            ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(c.second()));
            List<Object[]> vs = ModularArithTest.evaluate(c.first(), ar);
            for (Object[] a : vs) {
              for (Object[] b : vs) {
                BigFraction diff = ((BigFraction) a[0]).subtract((BigFraction) b[0]);
                Modular x = (Modular) a[1];
                Modular y = (Modular) b[1];
                assertTrue(bounded(diff.getNumerator(), x.differenceBits(y)), a[0] + " - " + b[0]);
                // the fold without a form gives the bound of the sum's factored form, built as an addition builds it
                Modular.Sum f = new Modular.Sum(x, y);
                double formBits = f.m;
                for (int i = 0; i < f.atoms.length; i++) {
                  formBits += Math.max(f.exps[i], 0) * ar.atomBits(f.atoms[i]);
                }
                assertEquals(formBits, x.differenceBits(y), a[0] + " - " + b[0]);
              }
            }
            return true;
          });
    }

    @Test
    @DisplayName("a power-of-two denominator 2^70 has the bound 70 bits, 3 has 2")
    void denominatorBounds() {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 1, new SplittableRandom(6));
      assertEquals(70, ar.of(new BigFraction(BigInteger.valueOf(5), BigInteger.ONE.shiftLeft(70))).denominatorBits());
      assertEquals(2, ar.of(new BigFraction(5, 3)).denominatorBits());
    }
  }

  @Nested
  @DisplayName("constants and floors")
  class ConstantsAndFloors {
    final ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 2, new SplittableRandom(7));

    @Test
    @DisplayName("integer constants are points up to 2^53 and enclose the value beyond it, on either side of rounding")
    void constantEnclosures() {
      for (long v : new long[] {3, -3, 1L << 53, -(1L << 53)}) {
        Modular x = ar.of(v);
        assertEquals((double) v, x.lo());
        assertEquals((double) v, x.hi());
      }
      // 2^53 + 1 rounds down to 2^53, 2^53 + 3 up to 2^53 + 4 (ties to even): neither is a point
      for (long v : new long[] {(1L << 53) + 1, (1L << 53) + 3, -(1L << 53) - 1, -(1L << 53) - 3}) {
        Modular x = ar.of(v);
        BigFraction e = new BigFraction(v);
        assertTrue(exact(x.lo()).compareTo(e) < 0 && e.compareTo(exact(x.hi())) < 0, v + " in [" + x.lo() + ", "
            + x.hi() + "]");
      }
    }

    @Test
    @DisplayName("floors: 3 computed as 9·(1/3), its enclosure straddling 3, is 3; -3 is -3; ±2^62 are in range, 2^63 is not")
    void floors() {
      Modular three = ar.of(9).multiply(ar.of(new BigFraction(1, 3)));
      assertTrue(three.lo() < 3 && three.hi() > 3);
      assertEquals(3, ar.floor(three));
      assertEquals(-3, ar.floor(three.negate()));
      // 2^62 converted from a fraction is a point (as a long constant beyond 2^53 it is widened by an ulp)
      assertEquals(1L << 62, ar.floor(ar.of(new BigFraction(1L << 62))));
      assertEquals(-(1L << 62), ar.floor(ar.of(new BigFraction(-(1L << 62)))));
      assertThrows(ModularArith.Undecided.class, () -> ar.floor(ar.of(new BigFraction(BigInteger.ONE.shiftLeft(63)))));
    }

    @Test
    @DisplayName("the floor of every value of random programs is BigFraction's floor, or undecided")
    void floorsOfPrograms() {
      Property.of("floors", Gen.pairs(ModularArithTest.PROGRAMS, Gen.longs(0, Long.MAX_VALUE))).seed(13).tries(200)
          .check(c -> {
            ModularArith m = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(c.second()));
            for (Object[] v : ModularArithTest.evaluate(c.first(), m)) {
              long f;
              try {
                f = m.floor((Modular) v[1]);
              } catch (ModularArith.Undecided u) {
                continue;
              }
              assertEquals(RationalKernel.floor((BigFraction) v[0]).longValueExact(), f, "floor of " + v[0]);
            }
            return true;
          });
    }

    @Test
    @DisplayName("the modular arithmetic is its own field; each exact mode names its kernel")
    void fieldAndKernel() {
      assertSame(ar, ar.field());
      assertSame(RationalKernel.POLYNOMIAL, ExactArith.POLYNOMIAL.kernelKind());
      assertSame(RationalKernel.DYADIC, ExactArith.DYADIC.kernelKind());
    }
  }
}
