package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts that W2's per-call costs asked for, each against an oracle independent of it: the row sums'
 * reciprocals in one batch ({@link BatchInverse}) against {@link BigInteger#modInverse}; the inputs kept per
 * prime set ({@link ModularArith#of(BigFraction)}) against {@link BigFraction} and {@link BigInteger}; the bound
 * of a sum of heights computed directly ({@link ModularDot#sumBound}) against {@code ⌈log2 Σ 2^h⌉} in {@link
 * BigInteger}; and the shared exponents of a dot product against a second computation over a {@link TreeMap}.
 */
class ModularCachedPathsTest {

  /** The residue of {@code 1/v} modulo p by BigInteger, −1 where p divides v's numerator or denominator. */
  private static long inverseResidue(BigFraction v, long p) {
    BigInteger q = BigInteger.valueOf(p);
    if (v.getNumerator().mod(q).signum() == 0 || v.getDenominator().mod(q).signum() == 0) {
      return -1;
    }
    return v.getDenominator().multiply(v.getNumerator().modInverse(q)).mod(q).longValue();
  }

  /**
   * Whether {@code 1/m}'s residues (by its kept inverse, through a division of 1) are {@code 1/e}'s by BigInteger
   * at every prime where m is alive, and dead where m is (a dead value stays dead: {@link ModularDotTest}).
   */
  private static boolean inverseMatches(ModularArith ar, BigFraction e, Modular m) {
    Modular q = ar.getOne().divide(m);
    for (int k = 0; k < ar.primes().length; k++) {
      if ((m.dead(k) ? -1 : inverseResidue(e, ar.primes()[k])) != ar.residue(q, k)) {
        return false;
      }
    }
    return true;
  }

  @Test
  @DisplayName("batch inverses equal BigInteger's, dead where a prime divides a numerator or denominator, duplicates once")
  void batchInversesMatchBigInteger() {
    // 3 divides some numerators (residue 0: no inverse) and some denominators (dead inputs)
    long[] primes = {3, (1L << 61) - 1};
    SplittableRandom r = new SplittableRandom(41);
    int zeroAt3 = 0;
    int deadAt3 = 0;
    for (int round = 0; round < 300; round++) {
      ModularArith ar = ModularArith.withPrimes(RationalKernel.DYADIC, primes);
      List<BigFraction> exact = new ArrayList<>();
      List<Modular> values = new ArrayList<>();
      int n = 1 + r.nextInt(9);
      for (int i = 0; i < n; i++) {
        BigFraction a = new BigFraction(r.nextInt(1, 40) * (r.nextBoolean() ? 1 : -1), r.nextInt(1, 10));
        BigFraction b = new BigFraction(r.nextInt(-9, 10), r.nextInt(1, 10));
        // a computed value (a sum) as well as inputs, so that divisors have factored forms of their own
        exact.add(a.add(b));
        values.add(ar.of(a).add(ar.of(b)));
      }
      if (exact.get(0).getNumerator().signum() == 0) {
        continue;
      }
      exact.add(exact.get(0));
      values.add(values.get(0));
      List<Modular> batch = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        if (exact.get(i).getNumerator().signum() != 0) {
          batch.add(values.get(i));
        }
      }
      ar.willDivideBy(batch);
      for (int i = 0; i < values.size(); i++) {
        BigFraction e = exact.get(i);
        if (e.getNumerator().signum() == 0) {
          continue;
        }
        assertTrue(values.get(i).inverted(), "value " + i + " inverted by the batch");
        assertTrue(inverseMatches(ar, e, values.get(i)), "1/" + e + " modulo " + java.util.Arrays.toString(primes));
        zeroAt3 += e.getNumerator().mod(BigInteger.valueOf(3)).signum() == 0 ? 1 : 0;
        deadAt3 += values.get(i).dead(0) ? 1 : 0;
      }
    }
    assertTrue(zeroAt3 > 50 && deadAt3 > 50, "both ways a prime leaves the chain were met: " + zeroAt3 + ", " + deadAt3);
    // planted: a value given its neighbour's inverse is seen by the same comparison
    ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 4, new SplittableRandom(42));
    Modular x = ar.of(new BigFraction(7, 3)).add(ar.of(new BigFraction(1, 5)));
    Modular y = ar.of(new BigFraction(2, 9)).add(ar.of(new BigFraction(1, 7)));
    ar.willDivideBy(List.of(x, y));
    assertTrue(inverseMatches(ar, new BigFraction(7, 3).add(new BigFraction(1, 5)), x));
    Modular z = ar.of(new BigFraction(7, 3)).add(ar.of(new BigFraction(1, 5)));
    z.inverseIs(ar.getOne().divide(y).r);
    assertFalse(inverseMatches(ar, new BigFraction(7, 3).add(new BigFraction(1, 5)), z));
  }

  @Test
  @DisplayName("on program values, a batch's reciprocals equal a copy's Fermat inverses and BigInteger's")
  void batchAgreesWithFermat() {
    // the programs' κ step is the arithmetic's own kernel, the polynomial one
    ModularArith base = ModularArith.random(RationalKernel.POLYNOMIAL, 4, new SplittableRandom(43));
    Property.of("batch against Fermat", ModularArithTest.PROGRAMS).seed(44).tries(300).check(pr -> {
      ModularArith batched = base.fresh();
      ModularArith single = base.fresh();
      List<Object[]> a = ModularArithTest.evaluate(pr, batched);
      List<Object[]> b = ModularArithTest.evaluate(pr, single);
      List<Modular> divisors = new ArrayList<>();
      for (Object[] v : a) {
        if (((BigFraction) v[0]).getNumerator().signum() != 0) {
          divisors.add((Modular) v[1]);
        }
      }
      batched.willDivideBy(divisors);
      for (int i = 0; i < a.size(); i++) {
        BigFraction e = (BigFraction) a.get(i)[0];
        if (e.getNumerator().signum() == 0) {
          continue;
        }
        Modular x = batched.getOne().divide((Modular) a.get(i)[1]);
        Modular y = single.getOne().divide((Modular) b.get(i)[1]);
        for (int k = 0; k < 4; k++) {
          assertEquals(single.residue(y, k), batched.residue(x, k), "1/" + e + " at prime " + k);
        }
        assertTrue(inverseMatches(batched, e, (Modular) a.get(i)[1]), "1/" + e);
      }
      return true;
    });
  }

  @Test
  @DisplayName("inputs kept per prime set: residues, enclosure, sign and bounds are BigFraction's in every fresh copy")
  void keptInputsMatchBigFraction() {
    ModularArith base = ModularArith.random(RationalKernel.DYADIC, 4, new SplittableRandom(45));
    List<BigFraction> inputs = new ArrayList<>();
    for (int n = -9; n <= 9; n++) {
      for (int d = 1; d <= 9; d++) {
        inputs.add(new BigFraction(n, d));
      }
    }
    // 16-bit numerators and denominators (kept), 17-bit ones (not kept), and denominators of 7 bits and more
    inputs.add(new BigFraction(65_535, 65_521));
    inputs.add(new BigFraction(-65_535, 64));
    inputs.add(new BigFraction(131_071, 3));
    inputs.add(new BigFraction(5, 131_072));
    for (int copy = 0; copy < 3; copy++) {
      ModularArith ar = base.fresh();
      for (BigFraction v : inputs) {
        Modular m = ar.of(v);
        ModularDotTest.matches(ar, v, m);
        assertTrue(ModularFastPathsTest.sameResidues(ar, v, m), "residues of " + v);
        assertEquals(v.getNumerator().signum(), m.sign, "sign of " + v);
        // the same input twice in one arithmetic: the same atoms, so their sums keep them
        Modular again = ar.of(v);
        assertArrayEquals(m.atoms, again.atoms);
        assertArrayEquals(m.exps, again.exps);
      }
    }
    // more distinct inputs than a prime set keeps: those past the limit are made as before, and still right
    ModularArith ar = base.fresh();
    for (int i = 0; i < ModularArith.INPUTS + 200; i++) {
      BigFraction v = new BigFraction(i - 2_000, 1 + i % 97);
      ModularDotTest.matches(ar, v, ar.of(v));
    }
    assertEquals(ModularArith.INPUTS, ar.keptInputs(), "the limit was reached");
    // planted: an input 2^-2000 away has other residues
    BigFraction x = new BigFraction(-7, 9);
    assertFalse(ModularFastPathsTest.sameResidues(ar, x.add(new BigFraction(BigInteger.ONE, ModularArithTest.TWO_2000)),
        ar.of(x)));
  }

  @Test
  @DisplayName("kept inputs with a denominator divisible by a prime are dead there in every copy, alive at the other")
  void keptInputsDeadPrimes() {
    ModularArith base = ModularArith.withPrimes(RationalKernel.DYADIC, 3, (1L << 61) - 1);
    for (ModularArith ar : new ModularArith[] {base, base.fresh(), base.fresh()}) {
      for (int n = -9; n <= 9; n++) {
        for (int d = 1; d <= 9; d++) {
          BigFraction v = new BigFraction(n, d);
          Modular m = ar.of(v);
          assertEquals(v.getDenominator().intValue() % 3 == 0, m.dead(0), "dead at 3: " + v);
          assertFalse(m.dead(1), "alive at 2^61 - 1: " + v);
          assertEquals(ModularArithTest.residue(v, (1L << 61) - 1), ar.residue(m, 1));
        }
      }
    }
  }

  @Test
  @DisplayName("quotient bounds by a positive divisor's sign case enclose the exact corners, never looser than the four corners'")
  void quotientBoundsEncloseCorners() {
    double[] pool = {0, -0.0, 1, -1, 0.5, -3, 1e-300, -1e-300, 1e300, -1e300, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MAX_VALUE, -Double.MAX_VALUE, 1.0 / 3, -2.0 / 7, 0x1p-1000, 12345.678, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY};
    double[] positive = {Double.MIN_VALUE, 1e-300, 0x1p-1000, 1.0 / 3, 0.5, 1, 3, 12345.678, 1e300, Double.MAX_VALUE,
        Double.POSITIVE_INFINITY};
    int boxes = 0;
    int tighter = 0;
    for (int ia = 0; ia < pool.length; ia++) {
      for (int ib = ia; ib < pool.length; ib++) {
        double xl = Math.min(pool[ia], pool[ib]);
        double xh = Math.max(pool[ia], pool[ib]);
        if (xl == Double.POSITIVE_INFINITY || xh == Double.NEGATIVE_INFINITY) {
          continue;
        }
        for (int ic = 0; ic < positive.length; ic++) {
          for (int id = ic; id < positive.length; id++) {
            double yl = Math.min(positive[ic], positive[id]);
            double yh = Math.max(positive[ic], positive[id]);
            if (yl == Double.POSITIVE_INFINITY) {
              continue;
            }
            double lo = Enclosure.quotientLowPositive(xl, yl, yh);
            double hi = Enclosure.quotientHighPositive(xh, yl, yh);
            // the four corners, as Modular.divide bounds a quotient by a divisor of either sign
            double lo4 = Math.min(Math.min(Enclosure.divDown(xl, yl), Enclosure.divDown(xl, yh)),
                Math.min(Enclosure.divDown(xh, yl), Enclosure.divDown(xh, yh)));
            double hi4 = Math.max(Math.max(Enclosure.divUp(xl, yl), Enclosure.divUp(xl, yh)),
                Math.max(Enclosure.divUp(xh, yl), Enclosure.divUp(xh, yh)));
            // never looser (tighter where a corner that is not the extreme one rounds outwards further)
            assertTrue(lo >= lo4, "low of [" + xl + ", " + xh + "]/[" + yl + ", " + yh + "]");
            assertTrue(hi <= hi4, "high of [" + xl + ", " + xh + "]/[" + yl + ", " + yh + "]");
            tighter += lo > lo4 || hi < hi4 ? 1 : 0;
            for (double x : new double[] {xl, xh}) {
              for (double y : new double[] {yl, yh}) {
                if (Double.isFinite(x) && Double.isFinite(y)) {
                  BigFraction corner = ModularArithTest.exact(x).divide(ModularArithTest.exact(y));
                  String box = "[" + xl + ", " + xh + "]/[" + yl + ", " + yh + "] in [" + lo + ", " + hi + "]";
                  assertTrue(lo == Double.NEGATIVE_INFINITY || ModularArithTest.exact(lo).compareTo(corner) <= 0, box);
                  assertTrue(hi == Double.POSITIVE_INFINITY || ModularArithTest.exact(hi).compareTo(corner) >= 0, box);
                }
              }
            }
            boxes++;
          }
        }
      }
    }
    assertTrue(boxes > 10_000 / 4 && tighter > 0, boxes + " boxes, " + tighter + " tighter than the four corners");
    // a bound from the wrong corner is seen: [−2, 1]/[1, 4] is at least −2, not −1/2
    assertEquals(-2.0, Enclosure.quotientLowPositive(-2, 1, 4));
    assertEquals(1.0, Enclosure.quotientHighPositive(1, 1, 4));
  }

  @Test
  @DisplayName("0 divided by a value with an inverse at every prime is the constant 0; by one without, dead there as before")
  void zeroDividedIsZero() {
    long q = (1L << 61) - 1;
    ModularArith ar = ModularArith.withPrimes(RationalKernel.DYADIC, 3, q);
    // 5/4 has an inverse at both primes; 1/3 is dead at 3; 3/7 has residue 0 there (no inverse)
    for (BigFraction d : new BigFraction[] {new BigFraction(5, 4), new BigFraction(1, 3), new BigFraction(3, 7)}) {
      Modular x = ar.of(d);
      Modular quotient = ar.getZero().divide(x);
      boolean invertible = !x.dead(0) && ar.residue(x, 0) != 0;
      assertEquals(invertible, quotient == ar.getZero(), "0/" + d);
      assertEquals(!invertible, quotient.dead(0), "0/" + d + " dead at 3");
      ModularDotTest.matches(ar, BigFraction.ZERO, quotient);
      assertEquals(0, ar.residue(quotient, 1));
      assertEquals(0, ar.signum(quotient));
    }
  }

  /** {@code ⌈log2 Σ 2^{h_t}⌉} for integer heights, by BigInteger (heights shifted to be non-negative). */
  private static double ceilLog2OfSum(double[] h) {
    double min = java.util.Arrays.stream(h).min().orElseThrow();
    BigInteger s = BigInteger.ZERO;
    for (double v : h) {
      s = s.add(BigInteger.ONE.shiftLeft((int) (v - min)));
    }
    return min + s.subtract(BigInteger.ONE).bitLength();
  }

  @Test
  @DisplayName("the bound of a sum of heights is ⌈log2 Σ 2^h⌉ by BigInteger, and the addition tree's where heights are not integers")
  void sumBoundIsLeastPowerOfTwo() {
    SplittableRandom r = new SplittableRandom(46);
    for (int i = 0; i < 3_000; i++) {
      int n = 1 + r.nextInt(i % 10 == 0 ? 140 : 9);
      int spread = i % 3 == 0 ? 80 : 20;
      double[] h = new double[n];
      for (int t = 0; t < n; t++) {
        h[t] = r.nextInt(-30, -30 + spread);
      }
      double expected = ceilLog2OfSum(h);
      assertEquals(expected, ModularDot.sumBound(h.clone(), h.length), java.util.Arrays.toString(h));
      assertEquals(ModularDot.additionTree(h.clone(), h.length), ModularDot.sumBound(h.clone(), h.length));
      // non-integer heights go through the tree
      h[0] += 0.5;
      assertEquals(ModularDot.additionTree(h.clone(), h.length), ModularDot.sumBound(h.clone(), h.length));
    }
    // exact powers of two, where a floor in place of the ceiling would be a bit short
    assertEquals(4.0, ModularDot.sumBound(new double[] {3, 3}, 2));
    assertEquals(5.0, ModularDot.sumBound(new double[] {3, 3, 3}, 3));
    assertEquals(5.0, ModularDot.sumBound(new double[] {3, 3, 3, 3}, 4));
  }

  @Test
  @DisplayName("a dot product's shared exponents are min over its terms (absent: 0), as a TreeMap computes them")
  void sharedExponentsMatchSecondComputation() {
    Property.of("shared exponents", ModularDotTest.CASES).seed(47).tries(500).check(c -> {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 3, new SplittableRandom(c.seed()));
      List<Object[]> vs = ModularArithTest.evaluate(c.program(), ar);
      int n = c.terms().size();
      Object[] xs = new Object[n];
      Object[] ys = new Object[n];
      // the terms left in (no factor of height −∞) and the exponent of each atom in each term
      List<TreeMap<Integer, Integer>> terms = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int[] t = c.terms().get(i);
        Modular x = (Modular) vs.get(t[0] % vs.size())[1];
        Modular y = c.sum() ? null : (Modular) vs.get(t[1] % vs.size())[1];
        xs[i] = x;
        ys[i] = y;
        if (x.m == Double.NEGATIVE_INFINITY || y != null && y.m == Double.NEGATIVE_INFINITY) {
          continue;
        }
        TreeMap<Integer, Integer> e = new TreeMap<>();
        for (Modular v : y == null ? List.of(x) : List.of(x, y)) {
          for (int j = 0; j < v.atoms.length; j++) {
            e.merge(v.atoms[j], v.exps[j], Integer::sum);
          }
        }
        terms.add(e);
      }
      TreeMap<Integer, Integer> g = new TreeMap<>();
      terms.forEach(e -> e.keySet().forEach(a -> g.put(a, 0)));
      for (Integer a : g.keySet()) {
        g.put(a, terms.stream().mapToInt(e -> e.getOrDefault(a, 0)).min().orElse(0));
      }
      g.values().removeIf(v -> v == 0);
      Modular dot = ModularDot.dot(xs, 0, 1, c.sum() ? null : ys, 0, 1, n);
      assertArrayEquals(g.keySet().stream().mapToInt(Integer::intValue).toArray(), dot.atoms, "atoms");
      assertArrayEquals(g.values().stream().mapToInt(Integer::intValue).toArray(), dot.exps, "exponents");
      return true;
    });
  }
}
