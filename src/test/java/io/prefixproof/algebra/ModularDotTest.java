package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one-pass sums and dot products of {@link ModularDot} against independent oracles: the exact value by
 * {@link BigFraction}, residues by {@link BigInteger}, the enclosure by the exact value of its doubles, the
 * height bounds by the bits of the reduced numerator and denominator. The terms are values of the random
 * programs of {@link ModularArithTest} (sums, products, quotients, both kernels), so their factored forms,
 * signs and enclosures are those real computations make.
 */
class ModularDotTest {

  /** A program's values and a list of (x, y) index pairs into them, y = −1 for a plain sum. */
  record DotCase(ModularArithTest.Program program, List<int[]> terms, boolean sum, long seed) {}

  @SuppressWarnings("unchecked")
  static final Gen<DotCase> CASES = Gen.tuple(ModularArithTest.PROGRAMS,
      Gen.lists(Gen.tuple(Gen.integers(0, 1000), Gen.integers(0, 1000)), 1, 9), Gen.booleans(),
      Gen.longs(0, Long.MAX_VALUE)).map(c -> new DotCase((ModularArithTest.Program) c.get(0),
          ((List<List<Object>>) c.get(1)).stream().map(t -> new int[] {(Integer) t.get(0), (Integer) t.get(1)})
              .toList(), (Boolean) c.get(2), (Long) c.get(3)));

  /** The exact and the one-pass result of a case, and the chain of generic operations for comparison. */
  record Result(BigFraction exact, Modular dot, Modular chain, boolean anyDeadLive) {}

  static Result evaluate(DotCase c, ModularArith ar) {
    List<Object[]> vs = ModularArithTest.evaluate(c.program(), ar);
    int n = c.terms().size();
    Object[] xs = new Object[n];
    Object[] ys = new Object[n];
    BigFraction exact = BigFraction.ZERO;
    Modular chain = ar.getZero();
    boolean[] dead = new boolean[ar.primes().length];
    for (int t = 0; t < n; t++) {
      Object[] x = vs.get(c.terms().get(t)[0] % vs.size());
      Object[] y = vs.get(c.terms().get(t)[1] % vs.size());
      xs[t] = x[1];
      ys[t] = y[1];
      BigFraction term = c.sum() ? (BigFraction) x[0] : ((BigFraction) x[0]).multiply((BigFraction) y[0]);
      exact = exact.add(term);
      Modular mt = c.sum() ? (Modular) x[1] : ((Modular) x[1]).multiply((Modular) y[1]);
      chain = chain.add(mt);
      // a term with a factor of height −∞ (certainly 0) is left out; any other term's dead primes stay dead
      if (((Modular) x[1]).m != Double.NEGATIVE_INFINITY && (c.sum() || ((Modular) y[1]).m != Double.NEGATIVE_INFINITY)) {
        for (int k = 0; k < dead.length; k++) {
          dead[k] |= ((Modular) x[1]).dead(k) || !c.sum() && ((Modular) y[1]).dead(k);
        }
      }
    }
    Modular dot = ModularDot.dot(xs, 0, 1, c.sum() ? null : ys, 0, 1, n);
    boolean anyDead = false;
    for (int k = 0; k < dead.length; k++) {
      assertEquals(dead[k], dot.dead(k), "prime " + k + " dead in a term left in");
      anyDead |= dead[k];
    }
    return new Result(exact, dot, chain, anyDead);
  }

  /** Residues (where alive), enclosure, sign and both height bounds of {@code m} hold for {@code e}. */
  static void matches(ModularArith ar, BigFraction e, Modular m) {
    for (int k = 0; k < ar.primes().length; k++) {
      if (!m.dead(k)) {
        assertEquals(ModularArithTest.residue(e, ar.primes()[k]), ar.residue(m, k), "residue of " + e);
      }
    }
    assertTrue(ModularArithTest.exact(m.lo()).compareTo(e) <= 0 && e.compareTo(ModularArithTest.exact(m.hi())) <= 0,
        e + " outside [" + m.lo() + ", " + m.hi() + "]");
    if (m.sign != Modular.UNKNOWN) {
      assertEquals(e.getNumerator().signum(), m.sign, "sign of " + e);
    }
    assertTrue(ModularArithTest.bounded(e.getNumerator(), m.numeratorBits()), "numerator of " + e + " above 2^"
        + m.numeratorBits());
    assertTrue(ModularArithTest.bounded(e.getDenominator(), m.denominatorBits()), "denominator of " + e
        + " above 2^" + m.denominatorBits());
  }

  @Test
  @DisplayName("sums and dot products of program values: residues, enclosure, sign and heights are BigFraction's")
  void dotsMatchBigFraction() {
    Property.of("dots", CASES).seed(21).tries(500).check(c -> {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 3, new SplittableRandom(c.seed()));
      Result r = evaluate(c, ar);
      matches(ar, r.exact(), r.dot());
      // the one merge is never looser than the chain of additions
      assertTrue(r.dot().numeratorBits() <= r.chain().numeratorBits(), "numerator bound above the chain's");
      assertTrue(r.dot().denominatorBits() <= r.chain().denominatorBits(), "denominator bound above the chain's");
      return true;
    });
  }

  @Test
  @DisplayName("with primes 3 and 5 (input denominators vanish there): a prime is dead exactly where a non-zero term's factor is")
  void deadPrimes() {
    long big = (1L << 61) - 1;
    int[] seen = new int[1];
    Property.of("dead primes", CASES).seed(22).tries(500).check(c -> {
      ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, 3, 5, big);
      Result r = evaluate(c, ar);
      matches(ar, r.exact(), r.dot());
      seen[0] += r.anyDeadLive() ? 1 : 0;
      return true;
    });
    assertTrue(seen[0] > 50, "only " + seen[0] + " cases had a dead prime");
  }

  @Test
  @DisplayName("a term that is exactly 0 is left out, even when a prime is dead in it")
  void zeroTermsLeftOut() {
    ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, 3, (1L << 61) - 1);
    Modular third = ar.of(new BigFraction(1, 3));
    Modular deadZero = ar.of(BigFraction.ZERO).multiply(third);
    assertTrue(deadZero.dead(0));
    Modular a = ar.of(new BigFraction(7, 2));
    Modular b = ar.of(new BigFraction(-5, 4));
    Modular d = ModularDot.dot(new Object[] {deadZero, a}, 0, 1, new Object[] {third, b}, 0, 1, 2);
    assertFalse(d.dead(0));
    matches(ar, new BigFraction(-35, 8), d);
    assertTrue(ModularDot.dot(new Object[] {deadZero}, 0, 1, new Object[] {a}, 0, 1, 1) == ar.getZero());
  }

  @Test
  @DisplayName("the 128-bit accumulation: 3,000 products of residues near p at the largest primes below 2^62")
  void longAccumulation() {
    BigInteger two62 = BigInteger.ONE.shiftLeft(62);
    long p = two62.subtract(BigInteger.valueOf(57)).longValueExact();
    assertTrue(BigInteger.valueOf(p).isProbablePrime(60));
    ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, p, (1L << 61) - 1);
    SplittableRandom r = new SplittableRandom(23);
    int n = 3000;
    Object[] xs = new Object[n];
    Object[] ys = new Object[n];
    BigInteger exact = BigInteger.ZERO;
    for (int t = 0; t < n; t++) {
      // p − small and p·2 − small: plain residues near p, Montgomery forms spread over [0, p)
      BigInteger x = BigInteger.valueOf(p - r.nextInt(1, 1000));
      BigInteger y = BigInteger.valueOf(p).shiftLeft(1).subtract(BigInteger.valueOf(r.nextInt(1, 1000)));
      xs[t] = ar.of(new BigFraction(x));
      ys[t] = ar.of(new BigFraction(y));
      exact = exact.add(x.multiply(y));
    }
    Modular d = ModularDot.dot(xs, 0, 1, ys, 0, 1, n);
    matches(ar, new BigFraction(exact), d);
    assertEquals(exact.mod(BigInteger.valueOf(p)).longValueExact(), ar.residue(d, 0));
  }

  @Test
  @DisplayName("a dot moved by 2^-2000 in one term is told apart; the height check sees a bound two bits short")
  void plantedDefects() {
    ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 4, new SplittableRandom(24));
    BigFraction tiny = new BigFraction(BigInteger.ONE, ModularArithTest.TWO_2000);
    Object[] xs = {ar.of(new BigFraction(3, 7)), ar.of(new BigFraction(-2, 9)), ar.of(new BigFraction(5))};
    Object[] ys = {ar.of(new BigFraction(1, 3)), ar.of(new BigFraction(4, 5)), ar.of(new BigFraction(-1, 8))};
    Object[] moved = ys.clone();
    moved[1] = ar.of(new BigFraction(4, 5).add(tiny));
    Modular d = ModularDot.dot(xs, 0, 1, ys, 0, 1, 3);
    Modular e = ModularDot.dot(xs, 0, 1, moved, 0, 1, 3);
    assertFalse(d.equals(e));
    assertFalse(ModularFastPathsTest.sameResidues(ar, new BigFraction(3, 7).multiply(new BigFraction(1, 3))
        .add(new BigFraction(-2, 9).multiply(new BigFraction(4, 5))).add(new BigFraction(-5, 8)), e));
    // four terms 9·9: 324 needs 9 bits; each term's bound is 8, and the tree of additions adds 2
    Modular nine = ar.of(9);
    Object[] nines = {nine, nine, nine, nine};
    Modular s = ModularDot.dot(nines, 0, 1, nines, 0, 1, 4);
    matches(ar, new BigFraction(324), s);
    assertFalse(ModularArithTest.bounded(BigInteger.valueOf(324), s.numeratorBits() - 2));
  }

  @Test
  @DisplayName("the tree of additions is ⌈log2 Σ 2^h⌉ by BigInteger for integer heights, and adding the largest last is no better")
  void additionTreeIsLeastPowerOfTwo() {
    Gen<List<Long>> heights = Gen.lists(Gen.longs(-70, 70), 1, 40);
    Property.of("addition tree", heights).seed(27).tries(2000).check(hs -> {
      BigInteger scale = BigInteger.ONE.shiftLeft(70);
      BigInteger sum = BigInteger.ZERO;
      double[] h = new double[hs.size()];
      double chain = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < h.length; t++) {
        h[t] = hs.get(t);
        sum = sum.add(scale.shiftLeft((int) (70 + hs.get(t))));
        chain = t == 0 ? h[t] : Math.max(chain, h[t]) + 1;
      }
      // Σ 2^h = sum / 2^140, so ⌈log2 Σ 2^h⌉ = ⌈log2 sum⌉ − 140
      long least = (sum.bitCount() == 1 ? sum.bitLength() - 1 : sum.bitLength()) - 140;
      double tree = ModularDot.additionTree(h, h.length);
      return tree == least && tree <= chain;
    });
    // a planted tree one bit short fails the check: two equal heights need one more bit
    assertEquals(4.0, ModularDot.additionTree(new double[] {3, 3}, 2));
    assertEquals(6.0, ModularDot.additionTree(new double[] {1, 1, 5}, 3));
  }

  @Test
  @DisplayName("product bounds by sign case enclose every corner's exact product, for doubles of every size and sign")
  void productBoundsEncloseCorners() {
    double[] pool = {0, -0.0, 1, -1, 0.5, -3, 1e-300, -1e-300, 1e300, -1e300, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MAX_VALUE, -Double.MAX_VALUE, 1.0 / 3, -2.0 / 7, 0x1p-1000, 12345.678};
    Gen<List<Integer>> boxes = Gen.lists(Gen.integers(0, pool.length - 1), 4, 4);
    Property.of("product bounds", boxes).seed(28).tries(3000).check(ix -> {
      double xl = Math.min(pool[ix.get(0)], pool[ix.get(1)]);
      double xh = Math.max(pool[ix.get(0)], pool[ix.get(1)]);
      double yl = Math.min(pool[ix.get(2)], pool[ix.get(3)]);
      double yh = Math.max(pool[ix.get(2)], pool[ix.get(3)]);
      double lo = ModularDot.productLow(xl, xh, yl, yh);
      double hi = ModularDot.productHigh(xl, xh, yl, yh);
      if (Double.isNaN(lo) || Double.isNaN(hi) || lo == Double.POSITIVE_INFINITY || hi == Double.NEGATIVE_INFINITY) {
        return false;
      }
      for (double x : new double[] {xl, xh}) {
        for (double y : new double[] {yl, yh}) {
          // an infinite bound bounds nothing on its side, and holds
          BigFraction corner = ModularArithTest.exact(x).multiply(ModularArithTest.exact(y));
          if (lo != Double.NEGATIVE_INFINITY && ModularArithTest.exact(lo).compareTo(corner) > 0
              || hi != Double.POSITIVE_INFINITY && ModularArithTest.exact(hi).compareTo(corner) < 0) {
            return false;
          }
        }
      }
      return true;
    });
    // a bound from the wrong corner is seen: [1, 2]·[−3, −1] is at least −6, not −3
    assertEquals(-6.0, ModularDot.productLow(1, 2, -3, -1));
    assertEquals(-1.0, ModularDot.productHigh(1, 2, -3, -1));
  }

  @Test
  @DisplayName("product bounds without sign branches are the tightest: the largest double below the least exact corner, the least above the greatest")
  void productBoundsAreTightest() {
    SplittableRandom r = new SplittableRandom(47);
    int stepped = 0;
    for (int i = 0; i < 20_000; i++) {
      double[] v = new double[4];
      for (int k = 0; k < 4; k++) {
        // random signs and magnitudes 2^-400 .. 2^400, a third of them short dyadics (exact products)
        double m = i % 3 == 0 ? r.nextInt(1, 64) / 8.0 : r.nextDouble(0.5, 1) * Math.scalb(1.0, r.nextInt(-400, 400));
        v[k] = r.nextBoolean() ? m : -m;
      }
      double xl = Math.min(v[0], v[1]);
      double xh = Math.max(v[0], v[1]);
      double yl = Math.min(v[2], v[3]);
      double yh = Math.max(v[2], v[3]);
      java.math.BigDecimal least = null;
      java.math.BigDecimal most = null;
      for (double x : new double[] {xl, xh}) {
        for (double y : new double[] {yl, yh}) {
          java.math.BigDecimal c = new java.math.BigDecimal(x).multiply(new java.math.BigDecimal(y));
          least = least == null || c.compareTo(least) < 0 ? c : least;
          most = most == null || c.compareTo(most) > 0 ? c : most;
        }
      }
      double lo = ModularDot.productLow(xl, xh, yl, yh);
      double hi = ModularDot.productHigh(xl, xh, yl, yh);
      assertEquals(largestAtMost(least), lo, () -> xl + " " + xh + " " + yl + " " + yh);
      assertEquals(-largestAtMost(most.negate()), hi, () -> xl + " " + xh + " " + yl + " " + yh);
      stepped += lo != least.doubleValue() ? 1 : 0;
    }
    // not vacuous: in many boxes the least corner rounded to nearest lies above it, and one step down was needed
    assertTrue(stepped > 2_000, "stepped " + stepped);
  }

  /** The largest double ≤ v, from the correctly rounded nearest double and one exact comparison. */
  private static double largestAtMost(java.math.BigDecimal v) {
    double d = v.doubleValue();
    return new java.math.BigDecimal(d).compareTo(v) > 0 ? Math.nextDown(d) : d;
  }

  @Test
  @DisplayName("one step down on the bits is Math.nextDown, taken exactly when the error is negative (−0.0 is not)")
  void belowStepsOnNegativeErrorsOnly() {
    double[] results = {1, -1, 0.1, -0.1, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL,
        Double.MIN_VALUE, -Double.MIN_VALUE, 3.5e-200, -7.25e250};
    double[] errors = {-1e-300, -Double.MIN_VALUE, -0.0, 0.0, Double.MIN_VALUE, 2.0};
    for (double rr : results) {
      for (double e : errors) {
        assertEquals(e < 0 ? Math.nextDown(rr) : rr, Enclosure.below(rr, e), rr + " " + e);
      }
    }
    // a zero result with an error that is not negative stays where it is, either zero
    assertEquals(0.0, Enclosure.below(0.0, 0.0));
    assertEquals(-0.0, Enclosure.below(-0.0, 0.0));
    assertEquals(-0.0, Enclosure.below(-0.0, 1e-300));
  }

  @Test
  @DisplayName("Mat products and Scalars sums and dots of modular matrices equal BigFraction's entry by entry")
  void matricesDispatch() {
    ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 3, new SplittableRandom(25));
    SplittableRandom r = new SplittableRandom(26);
    for (int trial = 0; trial < 30; trial++) {
      int rows = r.nextInt(1, 5);
      int inner = r.nextInt(1, 6);
      int cols = r.nextInt(1, 5);
      Mat<BigFraction> a = random(r, rows, inner);
      Mat<BigFraction> b = random(r, inner, cols);
      Mat<BigFraction> bt = b.transpose();
      Mat<Modular> am = a.convert(ar, ar::of);
      Mat<BigFraction> ab = a.times(b);
      Mat<Modular> times = am.times(b.convert(ar, ar::of));
      Mat<Modular> timesT = am.timesTransposed(bt.convert(ar, ar::of));
      for (int i = 0; i < rows; i++) {
        List<BigFraction> row = new ArrayList<>();
        List<Modular> rowM = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
          matches(ar, ab.get(i, j), times.get(i, j));
          matches(ar, ab.get(i, j), timesT.get(i, j));
          row.add(ab.get(i, j));
          rowM.add(times.get(i, j));
        }
        BigFraction sum = row.stream().reduce(BigFraction.ZERO, BigFraction::add);
        matches(ar, sum, Scalars.sum(ar, rowM));
        assertTrue(Scalars.isDot(ar.of(sum), rowM, java.util.Collections.nCopies(cols, ar.getOne())));
        assertFalse(Scalars.isDot(ar.of(sum.add(new BigFraction(BigInteger.ONE, ModularArithTest.TWO_2000))), rowM,
            java.util.Collections.nCopies(cols, ar.getOne())));
      }
    }
  }

  @Test
  @DisplayName("widened: the decimal enclosures of Mat products and Scalars sums contain BigFraction's entries")
  void widenedProductsEnclose() {
    ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(27)).widened(25);
    SplittableRandom r = new SplittableRandom(28);
    for (int trial = 0; trial < 30; trial++) {
      Mat<BigFraction> a = random(r, r.nextInt(1, 5), r.nextInt(1, 6));
      Mat<BigFraction> b = random(r, a.cols(), r.nextInt(1, 5));
      Mat<BigFraction> ab = a.times(b);
      Mat<Modular> abm = a.convert(ar, ar::of).times(b.convert(ar, ar::of));
      for (int i = 0; i < ab.rows(); i++) {
        List<Modular> rowM = new ArrayList<>();
        BigFraction sum = BigFraction.ZERO;
        for (int j = 0; j < ab.cols(); j++) {
          assertTrue(ModularWidenedTest.encloses(abm.get(i, j).w, ab.get(i, j)), ab.get(i, j) + " outside "
              + abm.get(i, j).w);
          rowM.add(abm.get(i, j));
          sum = sum.add(ab.get(i, j));
        }
        assertTrue(ModularWidenedTest.encloses(Scalars.sum(ar, rowM).w, sum));
      }
    }
  }

  private static Mat<BigFraction> random(SplittableRandom r, int rows, int cols) {
    return Mat.of(BigFractionField.getInstance(), rows, cols,
        (i, j) -> r.nextInt(4) == 0 ? BigFraction.ZERO : new BigFraction(r.nextInt(-9, 10), r.nextInt(1, 10)));
  }
}
