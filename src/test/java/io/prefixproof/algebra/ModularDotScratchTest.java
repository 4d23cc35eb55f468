package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The paths of the W2 tiny work that the other tests of the modular arithmetic do not reach: a dot product over more
 * atoms than a thread's scratch first holds, a widened dot product over a matrix column, the factored form of a sum
 * against a reference merge for every shape of its operands, and products of intervals whose corners underflow.
 */
class ModularDotScratchTest {

  @Test
  @DisplayName("a sum of 1/p over 150 distinct primes (atom ids past the scratch's first 128) is BigFraction's, in a fresh thread")
  void manyAtomsGrowTheScratch() throws InterruptedException {
    List<Throwable> failed = new ArrayList<>();
    // a new thread has a new scratch, whatever the tests before grew theirs to
    Thread t = new Thread(() -> {
      try {
        ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 3, new SplittableRandom(50));
        List<Modular> terms = new ArrayList<>();
        BigFraction exact = BigFraction.ZERO;
        BigInteger p = BigInteger.valueOf(60);
        for (int i = 0; i < 150; i++) {
          p = p.nextProbablePrime();
          BigFraction v = new BigFraction(BigInteger.ONE, p);
          terms.add(ar.of(v));
          exact = exact.add(v);
        }
        Modular sum = ModularDot.dot(terms.toArray(), 0, 1, null, 0, 0, terms.size());
        ModularDotTest.matches(ar, exact, sum);
        // every prime's atom is shared by no other term: the sum keeps all of them, each with exponent −1
        assertEquals(150, sum.atoms.length);
      } catch (Throwable e) {
        // an exception of the thread fails the test too, not only a failed assertion
        failed.add(e);
      }
    });
    t.start();
    t.join();
    if (!failed.isEmpty()) {
      throw new AssertionError("the sum over 150 atoms failed", failed.get(0));
    }
  }

  @Test
  @DisplayName("a widened product of matrices (dot products down a column) has decimal enclosures around BigFraction's")
  void widenedColumns() {
    ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 3, new SplittableRandom(51)).widened(30);
    SplittableRandom r = new SplittableRandom(52);
    BigFraction[][] a = new BigFraction[2][3];
    BigFraction[][] b = new BigFraction[3][4];
    for (BigFraction[] row : a) {
      for (int j = 0; j < row.length; j++) {
        row[j] = new BigFraction(r.nextInt(-9, 10), r.nextInt(1, 10));
      }
    }
    for (BigFraction[] row : b) {
      for (int j = 0; j < row.length; j++) {
        row[j] = new BigFraction(r.nextInt(-9, 10), r.nextInt(1, 10));
      }
    }
    Mat<Modular> ma = Mat.of(ar, 2, 3, (i, j) -> ar.of(a[i][j]));
    Mat<Modular> mb = Mat.of(ar, 3, 4, (i, j) -> ar.of(b[i][j]));
    Mat<Modular> c = ma.times(mb);
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 4; j++) {
        BigFraction e = BigFraction.ZERO;
        for (int k = 0; k < 3; k++) {
          e = e.add(a[i][k].multiply(b[k][j]));
        }
        Wide w = c.get(i, j).w;
        BigDecimal num = new BigDecimal(e.getNumerator());
        BigDecimal den = new BigDecimal(e.getDenominator());
        // lo ≤ e ≤ hi, compared without dividing: lo·den ≤ num ≤ hi·den
        assertTrue(w.lo.multiply(den).compareTo(num) <= 0 && num.compareTo(w.hi.multiply(den)) <= 0,
            "(" + i + ", " + j + ") = " + e + " outside " + w);
      }
    }
  }

  @Test
  @DisplayName("the factored form of a sum is the reference merge's for random forms: shared, atom-free, all-negative and all-positive")
  void sumFormsMatchAMerge() {
    ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 2, new SplittableRandom(53));
    SplittableRandom r = new SplittableRandom(54);
    for (int trial = 0; trial < 5_000; trial++) {
      Modular x = form(ar, r, trial % 5);
      Modular y = form(ar, r, (trial / 5) % 5);
      Modular.Sum s = new Modular.Sum(x, y);
      TreeMap<Integer, int[]> both = new TreeMap<>();
      for (int i = 0; i < x.atoms.length; i++) {
        both.computeIfAbsent(x.atoms[i], k -> new int[2])[0] = x.exps[i];
      }
      for (int i = 0; i < y.atoms.length; i++) {
        both.computeIfAbsent(y.atoms[i], k -> new int[2])[1] = y.exps[i];
      }
      double restX = x.m;
      double restY = y.m;
      List<Integer> ids = new ArrayList<>();
      List<Integer> gs = new ArrayList<>();
      for (var e : both.entrySet()) {
        int g = Math.min(e.getValue()[0], e.getValue()[1]);
        restX += (e.getValue()[0] - g) * ar.atomBits(e.getKey());
        restY += (e.getValue()[1] - g) * ar.atomBits(e.getKey());
        if (g != 0) {
          ids.add(e.getKey());
          gs.add(g);
        }
      }
      String what = java.util.Arrays.toString(x.atoms) + java.util.Arrays.toString(x.exps) + " + "
          + java.util.Arrays.toString(y.atoms) + java.util.Arrays.toString(y.exps);
      assertEquals(Math.max(restX, restY) + 1, s.m, what);
      assertArrayEquals(ids.stream().mapToInt(Integer::intValue).toArray(), s.atoms, what);
      assertArrayEquals(gs.stream().mapToInt(Integer::intValue).toArray(), s.exps, what);
    }
  }

  /**
   * A value with a random factored form over the small-prime atoms (ids 0-14, registered in every arithmetic):
   * kind 0 none, 1 all exponents negative, 2 all positive, 3 mixed, 4 the same ids as kind 1 would draw.
   */
  private static Modular form(ModularArith ar, SplittableRandom r, int kind) {
    int n = kind == 0 ? 0 : 1 + r.nextInt(4);
    java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
    while (ids.size() < n) {
      ids.add(kind == 4 ? r.nextInt(4) : r.nextInt(15));
    }
    int[] atoms = ids.stream().mapToInt(Integer::intValue).toArray();
    int[] exps = new int[n];
    for (int i = 0; i < n; i++) {
      int e = 1 + r.nextInt(3);
      exps[i] = kind == 2 || kind == 3 && r.nextBoolean() ? e : -e;
    }
    return new Modular(ar, new long[ar.primes().length], 1, 1, null, 1, r.nextInt(0, 40), atoms, exps);
  }

  @Test
  @DisplayName("interval products whose corners underflow still enclose the exact product (strictly below 0 when it is negative)")
  void underflowingCorners() {
    double[] tiny = {Double.MIN_VALUE, -Double.MIN_VALUE, 3 * Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL};
    double[] other = {0.5, -0.5, 0.25, -0.75, 1e-10, -1e-10, 3, -3};
    for (double x : tiny) {
      for (double y : other) {
        BigDecimal exact = new BigDecimal(x).multiply(new BigDecimal(y));
        double lo = ModularDot.productLow(x, x, y, y);
        double hi = ModularDot.productHigh(x, x, y, y);
        assertTrue(new BigDecimal(lo).compareTo(exact) <= 0 && exact.compareTo(new BigDecimal(hi)) <= 0,
            x + "·" + y + " outside [" + lo + ", " + hi + "]");
        if (exact.signum() < 0) {
          assertTrue(lo < 0, x + "·" + y + ": lower bound " + lo);
        }
      }
    }
    // the case that rounds to −0.0: −2^-1075 exactly, below every non-negative double
    assertTrue(ModularDot.productLow(-Double.MIN_VALUE, -Double.MIN_VALUE, 0.5, 0.5) < 0);
  }
}
