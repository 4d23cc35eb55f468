package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.exception.MathArithmeticException;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Multi-modular exact arithmetic against its independent oracles: {@link BigInteger} for residues and
 * primality, {@link BigFraction} for every value, sign, equality and height, and hand-derived kernel values.
 */
class ModularArithTest {

  static final BigInteger TWO_2000 = BigInteger.ONE.shiftLeft(2000);

  /**
   * The exact value of a double, through {@link java.math.BigDecimal} (Commons Math's {@code BigFraction(double)}
   * halves subnormals: it takes their exponent as −1075 instead of −1074).
   */
  static BigFraction exact(double d) {
    java.math.BigDecimal b = new java.math.BigDecimal(d);
    return b.scale() >= 0 ? new BigFraction(b.unscaledValue(), BigInteger.TEN.pow(b.scale()))
        : new BigFraction(b.unscaledValue().multiply(BigInteger.TEN.pow(-b.scale())));
  }

  /** The residue of a rational modulo p, by BigInteger. */
  static long residue(BigFraction v, long p) {
    BigInteger q = BigInteger.valueOf(p);
    return v.getNumerator().multiply(v.getDenominator().modInverse(q)).mod(q).longValue();
  }

  @Nested
  @DisplayName("one prime")
  class OnePrime {
    final long[] moduli = {3, 5, 1_000_003, (1L << 61) - 1, largestPrimeBelow62(), ModPrime.random(
        new SplittableRandom(3)).p};

    long largestPrimeBelow62() {
      BigInteger c = BigInteger.ONE.shiftLeft(62).subtract(BigInteger.ONE);
      while (!c.isProbablePrime(100)) {
        c = c.subtract(BigInteger.TWO);
      }
      return c.longValueExact();
    }

    @Test
    @DisplayName("Montgomery products, sums, differences, powers and inverses equal BigInteger's modulo six primes")
    void operationsMatchBigInteger() {
      Gen<List<Object>> cases = Gen.tuple(Gen.integers(0, 5), Gen.longs(Long.MIN_VALUE, Long.MAX_VALUE),
          Gen.longs(Long.MIN_VALUE, Long.MAX_VALUE), Gen.longs(0, 1L << 40));
      Property.of("mod p", cases).seed(5).tries(3000).check(c -> {
        long p = moduli[(Integer) c.get(0)];
        ModPrime m = new ModPrime(p);
        BigInteger q = BigInteger.valueOf(p);
        BigInteger a = BigInteger.valueOf((Long) c.get(1));
        BigInteger b = BigInteger.valueOf((Long) c.get(2));
        long e = (Long) c.get(3);
        long x = m.of((Long) c.get(1));
        long y = m.of((Long) c.get(2));
        assertEquals(a.multiply(b).mod(q).longValue(), m.value(m.mul(x, y)));
        assertEquals(a.add(b).mod(q).longValue(), m.value(m.add(x, y)));
        assertEquals(a.subtract(b).mod(q).longValue(), m.value(m.sub(x, y)));
        assertEquals(a.modPow(BigInteger.valueOf(e), q).longValue(), m.value(m.pow(x, e)));
        assertEquals(a.shiftLeft(100).mod(q).longValue(), m.value(m.of(a.shiftLeft(100))));
        if (a.mod(q).signum() != 0) {
          assertEquals(a.modInverse(q).longValue(), m.value(m.inverse(x)));
        }
        return x >= 0 && x < p && y >= 0 && y < p;
      });
    }

    @Test
    @DisplayName("the extremes: p − 1 squared, 0 and 1, and the largest prime below 2^62")
    void extremes() {
      for (long p : moduli) {
        ModPrime m = new ModPrime(p);
        assertEquals(1, m.value(m.mul(m.of(p - 1), m.of(p - 1))), "(p-1)^2 mod " + p);
        assertEquals(0, m.value(m.mul(m.of(0), m.of(p - 1))));
        assertEquals(1, m.value(m.one));
        assertEquals(p - 1, m.value(m.sub(0, m.one)));
        assertEquals(0, m.value(m.add(m.of(p - 1), m.one)));
      }
    }

    @Test
    @DisplayName("a modulus that is even, below 3 or not below 2^62 is rejected")
    void badModuli() {
      for (long p : new long[] {2, 1, 0, -7, 1L << 62, 10}) {
        assertThrows(IllegalArgumentException.class, () -> new ModPrime(p), "modulus " + p);
      }
    }

    @Test
    @DisplayName("primality equals BigInteger.isProbablePrime on 0..5000, random longs, and strong pseudoprimes")
    void primality() {
      for (long n = 0; n <= 5000; n++) {
        assertEquals(BigInteger.valueOf(n).isProbablePrime(100), ModPrime.isPrime(n), "n = " + n);
      }
      // Carmichael numbers, strong pseudoprimes to many prime bases, and semiprimes of two 31-bit primes
      long[] hard = {561, 41041, 3215031751L, 2152302898747L, 3474749660383L, 341550071728321L,
          3825123056546413051L, 2147483647L * 2147483629L, 4611686014132420609L};
      for (long n : hard) {
        assertEquals(BigInteger.valueOf(n).isProbablePrime(100), ModPrime.isPrime(n), "n = " + n);
      }
      Property.of("primality", Gen.longs(0, (1L << 62) - 1)).seed(9).tries(3000)
          .check(n -> BigInteger.valueOf(n).isProbablePrime(100) == ModPrime.isPrime(n));
    }

    @Test
    @DisplayName("drawn primes are prime, in [2^61, 2^62), and differ between draws")
    void drawnPrimes() {
      SplittableRandom r = new SplittableRandom(1);
      long previous = 0;
      for (int i = 0; i < 20; i++) {
        long p = ModPrime.random(r).p;
        assertTrue(BigInteger.valueOf(p).isProbablePrime(100), p + " is not prime");
        assertTrue(p >= 1L << 61 && p < 1L << 62, p + " is out of range");
        assertNotEquals(previous, p);
        previous = p;
      }
    }
  }

  @Nested
  @DisplayName("enclosures")
  class Enclosures {
    /** Finite doubles of every magnitude: a 53-bit mantissa times 2^e, e in [−1100, 960], zeros included. */
    final Gen<Double> doubles = Gen.combine(Gen.longs(-(1L << 53), 1L << 53), Gen.integers(-1100, 960),
        (m, e) -> Math.scalb((double) m, e));

    boolean encloses(double lo, BigFraction v, double hi) {
      return exact(lo).compareTo(v) <= 0 && v.compareTo(exact(hi)) <= 0;
    }

    /** Outside the range below TINY (loose by design) a bound is the exact value or its neighbour. */
    boolean tight(double down, double up, BigFraction v, double... operands) {
      for (double d : operands) {
        if (d != 0 && Math.abs(d) < Enclosure.TINY * 4) {
          return true;
        }
      }
      if (Math.abs(down) < Enclosure.TINY * 4 || Math.abs(up) < Enclosure.TINY * 4) {
        return true;
      }
      return (Math.nextUp(down) >= up || exact(down).equals(v) || exact(up).equals(v))
          && up <= Math.nextUp(Math.nextUp(down));
    }

    @Test
    @DisplayName("directed sums, products and quotients bound the exact BigFraction result, within one ulp")
    void directedRounding() {
      Property.of("directed", Gen.pairs(doubles, doubles)).seed(3).tries(4000).check(c -> {
        double x = c.first();
        double y = c.second();
        BigFraction bx = exact(x);
        BigFraction by = exact(y);
        BigFraction sum = bx.add(by);
        BigFraction product = bx.multiply(by);
        boolean ok = !Double.isFinite(x + y) || encloses(Enclosure.addDown(x, y), sum, Enclosure.addUp(x, y))
            && tight(Enclosure.addDown(x, y), Enclosure.addUp(x, y), sum);
        if (Double.isFinite(x * y)) {
          ok &= encloses(Enclosure.mulDown(x, y), product, Enclosure.mulUp(x, y))
              && tight(Enclosure.mulDown(x, y), Enclosure.mulUp(x, y), product, x, y);
        }
        if (y != 0 && Double.isFinite(x / y)) {
          BigFraction quotient = bx.divide(by);
          ok &= encloses(Enclosure.divDown(x, y), quotient, Enclosure.divUp(x, y))
              && tight(Enclosure.divDown(x, y), Enclosure.divUp(x, y), quotient, x, y);
        }
        return ok;
      });
    }

    @Test
    @DisplayName("a rational's enclosure contains it, is a point exactly for doubles, and is a few ulps wide")
    void rationals() {
      Gen<BigFraction> values = Gen.combine(Gen.pairs(Gen.longs(-(1L << 62), 1L << 62), Gen.longs(1, 1L << 62)),
          Gen.pairs(Gen.integers(0, 900), Gen.integers(0, 900)),
          (nd, shifts) -> new BigFraction(BigInteger.valueOf(nd.first()).shiftLeft(shifts.first()),
              BigInteger.valueOf(nd.second()).shiftLeft(shifts.second())));
      Property.of("rational enclosure", values).seed(4).tries(5000).check(v -> {
        double[] e = Enclosure.of(v);
        boolean isDouble = Double.isFinite(v.doubleValue()) && exact(v.doubleValue()).equals(v);
        if (Math.abs(e[0]) < Enclosure.TINY || Math.abs(e[1]) < Enclosure.TINY) {
          // below the range of exact error terms: only containment, and the least positive bound 0
          return encloses(e[0], v, e[1]) && (v.getNumerator().signum() <= 0 || e[0] == 0 || isDouble);
        }
        return encloses(e[0], v, e[1]) && (e[0] == e[1]) == isDouble && e[1] <= Math.nextUp(Math.nextUp(
            Math.nextUp(e[0])));
      });
      double[] third = Enclosure.of(new BigFraction(1, 3));
      assertTrue(third[0] < 1.0 / 3 || third[1] > 1.0 / 3);
      assertEquals(-0.5, Enclosure.of(new BigFraction(-1, 2))[0]);
    }
  }

  /** A straight-line program over small inputs, evaluated in both arithmetics. */
  record Program(List<BigFraction> inputs, List<int[]> steps) {}

  static final Gen<Program> PROGRAMS = Gen.combine(Gen.lists(Gen.rationals(-9, 9, 9), 2, 5),
      Gen.lists(Gen.tuple(Gen.integers(0, 6), Gen.integers(0, 1000), Gen.integers(0, 1000)), 1, 12),
      (in, ops) -> new Program(in, ops.stream().map(o -> new int[] {(Integer) o.get(0), (Integer) o.get(1),
          (Integer) o.get(2)}).toList()));

  /**
   * Runs the program: step k applies op (add, subtract, multiply, divide, negate, polynomial κ, dyadic κ) to
   * two earlier values; a division by 0 or a dyadic κ of a score beyond ±40 is skipped in both.
   */
  static List<Object[]> evaluate(Program p, ModularArith ar) {
    List<BigFraction> exact = new ArrayList<>(p.inputs());
    List<Modular> mod = new ArrayList<>();
    exact.forEach(v -> mod.add(ar.of(v)));
    for (int[] s : p.steps()) {
      try {
        step(s, exact, mod, ar);
      } catch (ModularArith.Undecided u) {
        // undecided (a dead prime, a sign below the enclosure's resolution): the step is left out of both
        assertEquals(exact.size(), mod.size());
      }
    }
    List<Object[]> out = new ArrayList<>();
    for (int i = 0; i < exact.size(); i++) {
      out.add(new Object[] {exact.get(i), mod.get(i)});
    }
    return out;
  }

  private static void step(int[] s, List<BigFraction> exact, List<Modular> mod, ModularArith ar) {
    int n = exact.size();
    BigFraction a = exact.get(s[1] % n);
    BigFraction b = exact.get(s[2] % n);
    Modular x = mod.get(s[1] % n);
    Modular y = mod.get(s[2] % n);
    switch (s[0]) {
      case 0 -> add(exact, mod, a.add(b), x.add(y));
      case 1 -> add(exact, mod, a.subtract(b), x.subtract(y));
      case 2 -> add(exact, mod, a.multiply(b), x.multiply(y));
      case 3 -> {
        if (b.getNumerator().signum() != 0) {
          add(exact, mod, a.divide(b), x.divide(y));
        }
      }
      case 4 -> add(exact, mod, a.negate(), x.negate());
      case 5 -> add(exact, mod, RationalKernel.POLYNOMIAL.apply(a), ar.kernel(x));
      default -> {
        if (a.abs().compareTo(new BigFraction(40)) < 0) {
          add(exact, mod, RationalKernel.DYADIC.apply(a), RationalKernel.DYADIC.apply(x, dyadicOrder(ar)));
        }
      }
    }
  }

  static RationalKernel.Order<Modular> dyadicOrder(ModularArith ar) {
    return new RationalKernel.Order<>() {
      @Override
      public int signum(Modular s) {
        return ar.signum(s);
      }

      @Override
      public long floor(Modular s) {
        return ar.floor(s);
      }
    };
  }

  /** Appends a value to both lists (both are computed before the call: an undecided step appends nothing). */
  private static void add(List<BigFraction> exact, List<Modular> mod, BigFraction e, Modular m) {
    exact.add(e);
    mod.add(m);
  }

  /**
   * Equality and order of every pair of {exact, modular} values agree with BigFraction; an undecided order is
   * one of different values, for want of a tighter enclosure.
   */
  static void decisionsAgree(ModularArith ar, List<Object[]> vs) {
    for (Object[] a : vs) {
      for (Object[] b : vs) {
        BigFraction x = (BigFraction) a[0];
        BigFraction y = (BigFraction) b[0];
        assertEquals(x.equals(y), a[1].equals(b[1]), x + " = " + y);
        try {
          assertEquals(Integer.signum(x.compareTo(y)), ar.compare((Modular) a[1], (Modular) b[1]), x + " vs " + y);
        } catch (ModularArith.Undecided u) {
          assertTrue(x.compareTo(y) != 0 && u.enclosure(), "undecided: " + x + " vs " + y);
        }
      }
    }
  }

  /** |N| ≤ 2^bits for an integer N, bits an integer-valued bound or −∞ (N = 0 only). */
  static boolean bounded(BigInteger n, double bits) {
    return bits == Double.NEGATIVE_INFINITY ? n.signum() == 0 : n.abs().compareTo(BigInteger.ONE.shiftLeft(
        (int) Math.floor(bits))) <= 0;
  }

  @Nested
  @DisplayName("values against BigFraction")
  class Values {
    @Test
    @DisplayName("every value of random programs: residues, enclosure and height bounds match its BigFraction")
    void programsMatchBigFraction() {
      Property.of("programs", Gen.pairs(PROGRAMS, Gen.longs(0, Long.MAX_VALUE))).seed(6).tries(400).check(c -> {
        ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 3, new SplittableRandom(c.second()));
        for (Object[] v : evaluate(c.first(), ar)) {
          BigFraction e = (BigFraction) v[0];
          Modular m = (Modular) v[1];
          for (int k = 0; k < 3; k++) {
            assertEquals(residue(e, ar.primes()[k]), ar.residue(m, k), "residue of " + e);
          }
          assertTrue(exact(m.lo()).compareTo(e) <= 0 && e.compareTo(exact(m.hi())) <= 0,
              e + " outside [" + m.lo() + ", " + m.hi() + "]");
          assertTrue(bounded(e.getNumerator(), m.numeratorBits()), "numerator of " + e + " above 2^"
              + m.numeratorBits());
          assertTrue(bounded(e.getDenominator(), m.denominatorBits()), "denominator of " + e + " above 2^"
              + m.denominatorBits());
        }
        return true;
      });
    }

    @Test
    @DisplayName("equality and order of every pair of program values agree with BigFraction")
    void decisionsMatchBigFraction() {
      Property.of("decisions", Gen.pairs(PROGRAMS, Gen.longs(0, Long.MAX_VALUE))).seed(7).tries(300).check(c -> {
        ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(c.second()));
        decisionsAgree(ar, evaluate(c.first(), ar));
        return true;
      });
    }

    @Test
    @DisplayName("a violation of size 2^-2000 is seen by the residues; its sign is +1 or undecided, never 0 or -1")
    void tinyViolations() {
      BigFraction eps = new BigFraction(BigInteger.ONE, TWO_2000);
      Property.of("2^-2000", Gen.pairs(PROGRAMS, Gen.longs(0, Long.MAX_VALUE))).seed(8).tries(200).check(c -> {
        ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(c.second()));
        Modular tiny = ar.of(eps);
        for (Object[] v : evaluate(c.first(), ar)) {
          Modular m = (Modular) v[1];
          Modular planted = m.add(tiny);
          assertFalse(planted.equals(m), "x + 2^-2000 = x for x = " + v[0]);
          assertFalse(m.equals(planted));
          assertTrue(planted.subtract(tiny).equals(m), "x + 2^-2000 - 2^-2000 != x for x = " + v[0]);
          int sign;
          try {
            sign = ar.signum(planted.subtract(m));
          } catch (ModularArith.Undecided u) {
            continue;
          }
          assertEquals(1, sign);
        }
        return true;
      });
    }

    @Test
    @DisplayName("the sign of a non-zero value below the enclosure's resolution is undecided, never guessed")
    void unresolvedSign() {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(2));
      Modular third = ar.of(new BigFraction(1, 3));
      Modular almost = third.add(ar.of(new BigFraction(BigInteger.ONE, TWO_2000))).subtract(third);
      assertThrows(ModularArith.Undecided.class, () -> ar.signum(almost));
      assertEquals(0, ar.signum(third.subtract(third)));
      // below the doubles' range the enclosure cannot certify positivity; the operations' signs do
      Modular tiny = ar.of(new BigFraction(BigInteger.ONE, TWO_2000));
      assertEquals(1, ar.signum(tiny.multiply(tiny).divide(third)));
      assertEquals(-1, ar.signum(tiny.negate().add(tiny.negate().multiply(tiny))));
      assertThrows(ModularArith.Undecided.class, () -> ar.signum(tiny.subtract(tiny.multiply(tiny))));
      assertEquals(1, ar.signum(third));
      assertEquals(-1, ar.signum(third.negate()));
    }
  }

  @Nested
  @DisplayName("denominators that vanish modulo a prime")
  class Vanishing {
    final long p = 1_000_003;
    final long q = (1L << 61) - 1;
    final ModularArith ar = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, p, q);

    @Test
    @DisplayName("an input with denominator p is dead at p and alive at q")
    void deadInput() {
      Modular x = ar.of(new BigFraction(1, p));
      assertTrue(x.dead(0));
      assertFalse(x.dead(1));
      assertEquals(-1, ar.residue(x, 0));
      assertEquals(residue(new BigFraction(1, p), q), ar.residue(x, 1));
    }

    @Test
    @DisplayName("dividing by a multiple of p kills that prime; an equality that needs it is undecided")
    void deadQuotient() {
      Modular x = ar.of(new BigFraction(7, 3));
      Modular multiple = ar.of(new BigFraction(2 * p, 5L));
      Modular back = x.divide(multiple).multiply(multiple);
      assertTrue(back.dead(0));
      assertThrows(ModularArith.Undecided.class, () -> back.equals(x));
      // a difference the live prime sees is still decided, and correctly
      assertFalse(back.equals(x.add(ar.of(new BigFraction(BigInteger.ONE, TWO_2000)))));
    }

    @Test
    @DisplayName("on random programs with a p-divisible input, every verdict given agrees with BigFraction")
    void neverSilentlyWrong() {
      Gen<Program> withP = PROGRAMS.map(pr -> {
        List<BigFraction> in = new ArrayList<>(pr.inputs());
        in.set(0, new BigFraction(BigInteger.valueOf(p).multiply(BigInteger.valueOf(3)), BigInteger.valueOf(2)));
        in.set(1, new BigFraction(1, p));
        return new Program(in, pr.steps());
      });
      Property.of("vanishing", withP).seed(10).tries(300).check(pr -> {
        List<Object[]> vs = evaluate(pr, ar);
        for (Object[] a : vs) {
          for (Object[] b : vs) {
            try {
              assertEquals(a[0].equals(b[0]), a[1].equals(b[1]), a[0] + " = " + b[0]);
            } catch (ModularArith.Undecided u) {
              assertTrue(((Modular) a[1]).dead(0) || ((Modular) b[1]).dead(0));
            }
          }
        }
        return true;
      });
    }

    @Test
    @DisplayName("division by an exact zero throws, as BigFraction does")
    void divisionByZero() {
      Modular x = ar.of(new BigFraction(3, 4));
      assertThrows(MathArithmeticException.class, () -> x.divide(x.subtract(x)));
      assertThrows(MathArithmeticException.class, () -> ar.getZero().reciprocal());
    }

    @Test
    @DisplayName("a modulus that is not prime is refused")
    void compositeRefused() {
      assertThrows(IllegalArgumentException.class, () -> ModularArith.withPrimes(RationalKernel.POLYNOMIAL, 15));
    }
  }

  @Nested
  @DisplayName("kernels and certainty")
  class KernelsAndCertainty {
    @Test
    @DisplayName("both kernels modulo primes equal hand-derived values: κ(1/2) = 13/8, κ(-1/2) = 8/13, dyadic κ(5/2) = 6,"
        + " κ(-1/2) = 3/4, κ(3) = 8, κ(-3) = 1/8")
    void kernelsByHand() {
      ModularArith poly = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(4));
      ModularArith dyadic = ModularArith.random(RationalKernel.DYADIC, 2, new SplittableRandom(4));
      assertEquals(poly.of(new BigFraction(13, 8)), poly.kernel(poly.of(new BigFraction(1, 2))));
      assertEquals(poly.of(new BigFraction(8, 13)), poly.kernel(poly.of(new BigFraction(-1, 2))));
      assertEquals(dyadic.of(6), dyadic.kernel(dyadic.of(new BigFraction(5, 2))));
      assertEquals(dyadic.of(new BigFraction(3, 4)), dyadic.kernel(dyadic.of(new BigFraction(-1, 2))));
      // 3 computed as 9·(1/3): its enclosure straddles 3, and the residues place the floor
      Modular three = dyadic.of(9).multiply(dyadic.of(new BigFraction(1, 3)));
      assertEquals(dyadic.of(8), dyadic.kernel(three));
      assertEquals(dyadic.of(new BigFraction(1, 8)), dyadic.kernel(three.negate()));
      assertEquals("modular", poly.name());
      assertEquals("modular-dyadic", dyadic.name());
    }

    @Test
    @DisplayName("a decision below the primes' product is certified; above it, the error is (⌊B/61⌋/2^55)^K")
    void tally() {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 4, new SplittableRandom(5));
      Modular small = ar.of(new BigFraction(5, 7));
      assertTrue(small.add(small).equals(ar.of(new BigFraction(10, 7))));
      assertEquals(0, ar.tally().probabilistic());
      assertTrue(ar.tally().certified() >= 1);
      // (3·2^4999 + 1)/3 converted twice: 5001-bit numerators over the same atom 3, so B = 5002 with the
      // carry, above 4·61 bits, and ⌊5002/61⌋ = 82
      BigFraction big = new BigFraction(BigInteger.ONE.shiftLeft(4999)).add(new BigFraction(1, 3));
      Modular a = ar.of(big);
      Modular b = ar.of(big);
      assertTrue(a.equals(b));
      ModularArith.Tally t = ar.tally();
      assertEquals(1, t.probabilistic());
      assertEquals(4 * (Math.log(82) / Math.log(2) - 55), t.log2Error(), 1e-9);
      assertEquals(5002, t.maxBits());
      ModularArith chosen = ModularArith.withPrimes(RationalKernel.POLYNOMIAL, (1L << 61) - 1);
      assertTrue(chosen.of(big).equals(chosen.of(big)));
      assertTrue(Double.isNaN(chosen.tally().log2Error()), "no probability for chosen primes");
    }

    @Test
    @DisplayName("the modes without square root, GELU or erf say so; nothing is non-finite; conversions round-trip")
    void modeSurface() {
      ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 1, new SplittableRandom(6));
      Modular x = ar.of(new BigFraction(3, 4));
      assertThrows(ArithmeticException.class, () -> ar.sqrt(x));
      assertThrows(ArithmeticException.class, () -> ar.gelu(x));
      assertThrows(ArithmeticException.class, () -> ar.erf(x));
      assertThrows(ArithmeticException.class, () -> ar.ofDouble(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> ModularArith.random(RationalKernel.POLYNOMIAL, 0,
          new SplittableRandom(1)));
      assertTrue(ar.isExact());
      assertFalse(ar.isNonFinite(x));
      assertFalse(ar.kernelShiftInvariant());
      assertEquals(0.75, ar.toDouble(x));
      assertEquals(ar.of(new BigFraction(3, 4)), ar.ofDouble(0.75));
      assertEquals(ar.of(new BigFraction(-3, 1)), x.multiply(-4));
      assertEquals(ar.of(new BigFraction(4, 3)), x.reciprocal());
      assertEquals(ar.of(1L << 60), ar.of(1L << 30).multiply(ar.of(1L << 30)));
      assertEquals("0.75", x.toString());
      assertEquals("≈0.333333", ar.of(new BigFraction(1, 3)).toString());
      assertEquals(Modular.class, ar.getRuntimeClass());
      assertEquals(ar, x.getField());
      assertEquals(ar.of(new BigFraction(6, 8)).hashCode(), x.hashCode());
    }
  }
}
