package io.prefixproof.algebra;

import static io.prefixproof.algebra.ModularArithTest.PROGRAMS;
import static io.prefixproof.algebra.ModularArithTest.TWO_2000;
import static io.prefixproof.algebra.ModularArithTest.evaluate;
import static io.prefixproof.algebra.ModularArithTest.residue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The decimal enclosures of {@link ModularArith#widened} against {@link BigFraction}: they contain every
 * value, they decide the signs and floors the double enclosures leave open, and they never decide one
 * wrongly.
 */
class ModularWidenedTest {
  static final BigFraction TEN_30 = new BigFraction(BigInteger.TEN.pow(30));

  static BigFraction exact(BigDecimal d) {
    return d.scale() >= 0 ? new BigFraction(d.unscaledValue(), BigInteger.TEN.pow(d.scale()))
        : new BigFraction(d.unscaledValue().multiply(BigInteger.TEN.pow(-d.scale())));
  }

  static boolean encloses(Wide w, BigFraction v) {
    return exact(w.lo).compareTo(v) <= 0 && v.compareTo(exact(w.hi)) <= 0;
  }

  /** Runs the program's steps on {@link Wide} alone, returning {exact, enclosure} pairs (null: unbounded). */
  static List<Object[]> evaluateWide(ModularArithTest.Program p, Wide.Precision pr) {
    List<BigFraction> exact = new ArrayList<>(p.inputs());
    List<Wide> wide = new ArrayList<>();
    exact.forEach(v -> wide.add(Wide.of(v, pr)));
    for (int[] s : p.steps()) {
      int n = exact.size();
      BigFraction a = exact.get(s[1] % n);
      BigFraction b = exact.get(s[2] % n);
      Wide x = wide.get(s[1] % n);
      Wide y = wide.get(s[2] % n);
      if (x == null || y == null) {
        continue;
      }
      switch (s[0] % 5) {
        case 0 -> {
          exact.add(a.add(b));
          wide.add(x.add(y, pr));
        }
        case 1 -> {
          exact.add(a.subtract(b));
          wide.add(x.add(y.negate(), pr));
        }
        case 2 -> {
          exact.add(a.multiply(b));
          wide.add(x.multiply(y, pr));
        }
        case 3 -> {
          if (b.getNumerator().signum() != 0) {
            exact.add(a.divide(b));
            wide.add(x.divide(y, pr));
          }
        }
        default -> {
          int e = s[1] % 200 - 100;
          exact.add(e >= 0 ? new BigFraction(BigInteger.ONE.shiftLeft(e)) : new BigFraction(BigInteger.ONE,
              BigInteger.ONE.shiftLeft(-e)));
          wide.add(Wide.powerOfTwo(e, pr));
        }
      }
    }
    List<Object[]> out = new ArrayList<>();
    for (int i = 0; i < exact.size(); i++) {
      out.add(new Object[] {exact.get(i), wide.get(i)});
    }
    return out;
  }

  static Result<ModularArithTest.Program> containment(Wide.Precision pr) {
    return Property.of("wide", PROGRAMS).seed(11).tries(400).run(p -> {
      for (Object[] v : evaluateWide(p, pr)) {
        if (v[1] != null && !encloses((Wide) v[1], (BigFraction) v[0])) {
          return false;
        }
      }
      return true;
    });
  }

  @Test
  @DisplayName("sums, products, quotients and powers of two rounded outward contain the exact BigFraction result;"
      + " rounded to nearest, they do not")
  void enclosuresContainTheExactValue() {
    Result<ModularArithTest.Program> r = containment(Wide.Precision.digits(20));
    assertFalse(r.failed(), () -> "a value outside its enclosure:\n" + r.counterexample());
    // planted: the same operations rounded to nearest on both ends
    MathContext nearest = new MathContext(20, RoundingMode.HALF_EVEN);
    assertTrue(containment(new Wide.Precision(nearest, nearest)).failed(), "rounding to nearest was not seen");
  }

  @Test
  @DisplayName("an input's enclosure is exact for decimals and one unit in the last digit wide otherwise")
  void inputsAreTight() {
    Wide.Precision pr = Wide.Precision.digits(30);
    Wide third = Wide.of(new BigFraction(1, 3), pr);
    assertEquals(new BigDecimal("0.333333333333333333333333333333"), third.lo);
    assertEquals(new BigDecimal("0.333333333333333333333333333334"), third.hi);
    Wide minusThird = Wide.of(new BigFraction(-1, 3), pr);
    assertEquals(third.hi.negate(), minusThird.lo);
    Wide eighth = Wide.of(new BigFraction(1, 8), pr);
    assertEquals(0, eighth.lo.compareTo(new BigDecimal("0.125")));
    assertEquals(0, eighth.hi.compareTo(eighth.lo));
    // a quotient by an enclosure that holds 0 is unbounded, and so is 2^e beyond MAX_POWER
    assertNull(third.divide(third.add(third.negate(), pr), pr));
    assertNull(Wide.powerOfTwo(Wide.MAX_POWER + 1, pr));
    assertThrows(IllegalArgumentException.class, () -> Wide.Precision.digits(0));
  }

  @Test
  @DisplayName("residues, double enclosures and decisions are those of the unwidened arithmetic; the decimal"
      + " enclosure of every program value contains its BigFraction")
  void widenedProgramsMatchBigFraction() {
    Property.of("widened", io.prefixproof.property.Gen.pairs(PROGRAMS, io.prefixproof.property.Gen.longs(0,
        Long.MAX_VALUE))).seed(12).tries(300).check(c -> {
          ModularArith plain = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(c.second()));
          ModularArith wide = plain.widened(40);
          assertEquals(40, wide.digits());
          assertEquals(0, plain.digits());
          List<Object[]> vs = evaluate(c.first(), wide);
          for (Object[] v : vs) {
            BigFraction e = (BigFraction) v[0];
            Modular m = (Modular) v[1];
            for (int k = 0; k < 2; k++) {
              assertEquals(residue(e, wide.primes()[k]), wide.residue(m, k), "residue of " + e);
            }
            assertTrue(m.w == null || encloses(m.w, e), e + " outside " + m.w);
          }
          ModularArithTest.decisionsAgree(wide, vs);
          return true;
        });
  }

  @Test
  @DisplayName("a sign and a floor 10^-30 from 0 and from 1: undecided by doubles, decided by 60 digits as"
      + " BigFraction decides them")
  void decidesWhatDoublesCannot() {
    ModularArith plain = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(3));
    ModularArith wide = plain.widened(60);
    for (int sign : new int[] {1, -1}) {
      // x = 3(1/3 + sign·10^-30) = 1 + 3·sign·10^-30: its floor is 1 or 0, and x − 1 has the sign of sign
      BigFraction exact = new BigFraction(1, 3).add(new BigFraction(sign).divide(TEN_30)).multiply(3);
      for (ModularArith ar : new ModularArith[] {plain, wide}) {
        Modular third = ar.of(new BigFraction(1, 3));
        Modular x = third.add(ar.of(new BigFraction(sign).divide(TEN_30))).multiply(ar.of(3));
        Modular diff = x.subtract(ar.getOne());
        if (ar == plain) {
          ModularArith.Undecided u = assertThrows(ModularArith.Undecided.class, () -> ar.signum(diff));
          assertTrue(u.enclosure());
          assertThrows(ModularArith.Undecided.class, () -> ar.floor(x));
        } else {
          assertEquals(sign, exact.subtract(1).getNumerator().signum());
          assertEquals(sign, ar.signum(diff));
          assertEquals(RationalKernel.floor(exact).longValueExact(), ar.floor(x));
          assertTrue(encloses(x.w, exact), exact + " outside " + x.w);
          Modular k = RationalKernel.DYADIC.apply(x, ModularArithTest.dyadicOrder(ar));
          BigFraction kExact = RationalKernel.DYADIC.apply(exact);
          assertTrue(encloses(k.w, kExact), kExact + " outside " + k.w);
          for (int j = 0; j < 2; j++) {
            assertEquals(residue(kExact, ar.primes()[j]), ar.residue(k, j));
          }
        }
      }
    }
  }

  @Test
  @DisplayName("a difference of 2^-2000 stays undecided at 60 digits and is decided, as +1, at 700")
  void precisionBoundsWhatIsDecided() {
    ModularArith plain = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(4));
    for (int digits : new int[] {60, 700}) {
      ModularArith ar = plain.widened(digits);
      Modular third = ar.of(new BigFraction(1, 3));
      Modular almost = third.add(ar.of(new BigFraction(BigInteger.ONE, TWO_2000))).subtract(third);
      if (digits == 60) {
        assertThrows(ModularArith.Undecided.class, () -> ar.signum(almost));
      } else {
        assertEquals(1, ar.signum(almost));
        assertEquals(-1, ar.signum(almost.negate()));
      }
    }
  }

  @Test
  @DisplayName("2^e at the ends of the doubles' range: exact points at e = 1023 and -1074, bounds beyond; the"
      + " decimal enclosure contains each")
  void powersOfTwoAtTheDoublesEnds() {
    ModularArith ar = ModularArith.random(RationalKernel.DYADIC, 2, new SplittableRandom(8)).widened(30);
    for (long e : new long[] {1022, 1023, 1024, 1100, -1073, -1074, -1075, -1100}) {
      Modular x = ar.powerOfTwo(e);
      BigFraction exact = e >= 0 ? new BigFraction(BigInteger.ONE.shiftLeft((int) e))
          : new BigFraction(BigInteger.ONE, BigInteger.ONE.shiftLeft((int) -e));
      assertTrue(ModularArithTest.exact(x.lo()).compareTo(exact) <= 0, "2^" + e + " below " + x.lo());
      assertTrue(Double.isInfinite(x.hi()) || exact.compareTo(ModularArithTest.exact(x.hi())) <= 0,
          "2^" + e + " above " + x.hi());
      assertEquals(e <= 1023 && e >= -1074, x.lo() == x.hi(), "2^" + e + " is a double exactly when e is in"
          + " [-1074, 1023]");
      assertTrue(encloses(x.w, exact), "2^" + e + " outside " + x.w);
      assertEquals(1, ar.signum(x));
    }
  }

  @Test
  @DisplayName("the ends: a divisor enclosure with an end at 0 is unbounded, one without is not; signs of [0, 1],"
      + " [-1, 0] and [0, 0]; 2^MAX_POWER still enclosed; one digit is a precision")
  void ends() {
    Wide.Precision pr = Wide.Precision.digits(1);
    Wide one = Wide.of(1);
    assertNull(one.divide(new Wide(BigDecimal.ZERO, BigDecimal.ONE), pr));
    assertNull(one.divide(new Wide(BigDecimal.ONE.negate(), BigDecimal.ZERO), pr));
    Wide q = Wide.of(new BigFraction(1, 3), Wide.Precision.digits(20)).divide(Wide.of(new BigFraction(1, 8),
        Wide.Precision.digits(20)), Wide.Precision.digits(20));
    assertTrue(q != null && encloses(q, new BigFraction(8, 3)), "(1/3)/(1/8) outside " + q);
    assertEquals(Modular.UNKNOWN, new Wide(BigDecimal.ZERO, BigDecimal.ONE).sign());
    assertEquals(Modular.UNKNOWN, new Wide(BigDecimal.ONE.negate(), BigDecimal.ZERO).sign());
    assertEquals(0, new Wide(BigDecimal.ZERO, BigDecimal.ZERO).sign());
    Wide big = Wide.powerOfTwo(Wide.MAX_POWER, Wide.Precision.digits(10));
    assertTrue(big != null && encloses(big, new BigFraction(BigInteger.ONE.shiftLeft((int) Wide.MAX_POWER))));
    assertEquals("[0.3333333333333333, 0.3333333333333334]", Wide.of(new BigFraction(1, 3),
        Wide.Precision.digits(20)).toString());
  }

  @Test
  @DisplayName("equality: a value one unit past another's decimal point is not equal to it, either way round")
  void pointsAndNeighbours() {
    ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(9)).widened(60);
    Modular one = ar.of(new BigFraction(1));
    // 1 + 10^-70 rounds down to the point 1 at 60 digits, up to 1 + 10^-59; its double enclosure overlaps 1's
    Modular above = ar.of(BigFraction.ONE.add(new BigFraction(BigInteger.ONE, BigInteger.TEN.pow(70))));
    assertFalse(above.equals(one));
    assertFalse(one.equals(above));
    // their difference's decimal enclosure is [0, 10^-59]: its sign is undecided, never guessed as 0
    assertTrue(assertThrows(ModularArith.Undecided.class, () -> ar.compare(above, one)).enclosure());
  }

  @Test
  @DisplayName("a floor the doubles place only within 2^8 integers is decided by the decimal enclosure")
  void floorOverManyIntegers() {
    ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(10)).widened(60);
    // x = 3·2^60·(1/3 + 10^-30) − 2^60 = 3·2^60·10^-30, about 3.5·10^-12: floor 0
    BigFraction twoTo60 = new BigFraction(BigInteger.ONE.shiftLeft(60));
    Modular x = ar.of(new BigFraction(1, 3)).add(ar.of(BigFraction.ONE.divide(TEN_30))).multiply(ar.of(
        twoTo60.multiply(3))).subtract(ar.of(twoTo60));
    assertTrue(Math.floor(x.hi()) - Math.floor(x.lo()) > 1, "the doubles alone decide: " + x.lo() + ", " + x.hi());
    assertEquals(0, ar.floor(x));
    assertEquals(-1, ar.floor(x.negate()));
    ModularArith.Undecided u = assertThrows(ModularArith.Undecided.class, () -> ar.floor(ar.of(
        new BigFraction(BigInteger.ONE.shiftLeft(63)))));
    assertTrue(u.getMessage().contains("out of range") && u.getMessage().contains(" and ["), u.getMessage());
    ModularArith.Undecided dead = assertThrows(ModularArith.Undecided.class, () -> ModularArith.withPrimes(
        RationalKernel.POLYNOMIAL, 3).of(new BigFraction(1, 3)).equals(ModularArith.withPrimes(
        RationalKernel.POLYNOMIAL, 3).of(new BigFraction(1, 3))));
    assertFalse(dead.enclosure());
  }

  @Test
  @DisplayName("split input denominators: atoms ascending whatever order the factors were first seen in, and a"
      + " denominator with every prime below 50 bounded as BigFraction's")
  void splitDenominators() {
    ModularArith ar = ModularArith.random(RationalKernel.POLYNOMIAL, 2, new SplittableRandom(11));
    // 5 and 3 are registered before 2, so 1/10 and 1/6 must sort their atoms
    BigInteger all = BigInteger.ONE;
    for (int q : new int[] {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47}) {
      all = all.multiply(BigInteger.valueOf(q));
    }
    List<BigFraction> inputs = List.of(new BigFraction(1, 5), new BigFraction(2, 3), new BigFraction(1, 10),
        new BigFraction(5, 6), new BigFraction(BigInteger.ONE, all), new BigFraction(7, 30));
    for (BigFraction v : inputs) {
      Modular m = ar.of(v);
      for (int i = 1; i < m.atoms.length; i++) {
        assertTrue(m.atoms[i - 1] < m.atoms[i], "atoms of " + v + " not ascending: "
            + java.util.Arrays.toString(m.atoms));
      }
      for (int k = 0; k < 2; k++) {
        assertEquals(residue(v, ar.primes()[k]), ar.residue(m, k), "residue of " + v);
      }
      assertTrue(ModularArithTest.bounded(v.getDenominator(), m.denominatorBits()), "denominator of " + v);
      assertTrue(ModularArithTest.bounded(v.getNumerator(), m.numeratorBits()), "numerator of " + v);
    }
  }
}
