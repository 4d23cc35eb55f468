package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.apache.commons.math3.fraction.Fraction;
import org.apache.commons.math3.util.Decimal64;
import org.apache.commons.math3.util.Decimal64Field;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Scalars, Fractions and UnreducedSum on small cases worked by hand, one per branch: zero operands, equal
 * and coprime denominators, powers of two on either side, negative divisors, and the non-exact paths.
 */
class ScalarOperationsTest {

  static BigFraction q(long n, long d) {
    return new BigFraction(n, d);
  }

  /** The stored numerator and denominator, to see that a result is reduced. */
  static void assertParts(long num, long den, BigFraction x) {
    assertEquals(BigInteger.valueOf(num), x.getNumerator(), "numerator of " + x);
    assertEquals(BigInteger.valueOf(den), x.getDenominator(), "denominator of " + x);
  }

  static Decimal64 d(double v) {
    return new Decimal64(v);
  }

  @Nested
  @DisplayName("Fractions")
  class Knuth {
    @Test
    @DisplayName("sums: a zero side returns the other, 1/2 + 1/3 = 5/6, 1/6 + 1/10 = 4/15 (g = h = 2), 1/4 − 1/4 = 0")
    void sums() {
      BigFraction third = q(1, 3);
      assertSame(third, Fractions.add(BigFraction.ZERO, third));
      assertSame(third, Fractions.add(third, BigFraction.ZERO));
      assertParts(5, 6, Fractions.add(q(1, 2), third));
      assertParts(4, 15, Fractions.add(q(1, 6), q(1, 10)));
      assertParts(-1, 12, Fractions.add(q(1, 6), q(-1, 4)));
      assertParts(0, 1, Fractions.add(q(1, 4), q(-1, 4)));
      assertParts(3, 1, Fractions.add(q(5, 2), q(1, 2)));
    }

    @Test
    @DisplayName("negation, products and quotients: (2/3)(9/4) = 3/2, (2/3)/(−4/9) = −3/2, 0·x = 0, x/0 refused")
    void productsAndQuotients() {
      assertSame(BigFraction.ZERO, Fractions.negate(BigFraction.ZERO));
      assertParts(-2, 3, Fractions.negate(q(2, 3)));
      assertParts(3, 2, Fractions.multiply(q(2, 3), q(9, 4)));
      assertParts(0, 1, Fractions.multiply(BigFraction.ZERO, q(9, 4)));
      assertParts(0, 1, Fractions.multiply(q(9, 4), BigFraction.ZERO));
      assertParts(-3, 2, Fractions.divide(q(2, 3), q(-4, 9)));
      assertParts(3, 2, Fractions.divide(q(2, 3), q(4, 9)));
      assertParts(-3, 2, Fractions.divide(q(-2, 3), q(4, 9)));
      assertEquals("division of 2 / 3 by zero",
          assertThrows(ArithmeticException.class, () -> Fractions.divide(q(2, 3), BigFraction.ZERO)).getMessage());
    }

    @Test
    @DisplayName("reduce: 6/−4 = −3/2, −6/−4 = 3/2, 0/5 = 0, 12/4 = 3, n/0 refused")
    void reduce() {
      assertParts(-3, 2, Fractions.reduce(BigInteger.valueOf(6), BigInteger.valueOf(-4)));
      assertParts(3, 2, Fractions.reduce(BigInteger.valueOf(-6), BigInteger.valueOf(-4)));
      assertParts(0, 1, Fractions.reduce(BigInteger.ZERO, BigInteger.valueOf(5)));
      assertParts(3, 1, Fractions.reduce(BigInteger.valueOf(12), BigInteger.valueOf(4)));
      assertEquals("fraction 3/0", assertThrows(ArithmeticException.class,
          () -> Fractions.reduce(BigInteger.valueOf(3), BigInteger.ZERO)).getMessage());
    }

    @Test
    @DisplayName("gcd with common powers of two: gcd(3·2¹⁰, 9·2⁵) = 96, gcd(12, 8) = 4, gcd(7, 5) = 1, gcd(−6, 4) = 2")
    void gcd() {
      assertEquals(BigInteger.valueOf(96), Fractions.gcd(BigInteger.valueOf(3 << 10), BigInteger.valueOf(9 << 5)));
      assertEquals(BigInteger.valueOf(96), Fractions.gcd(BigInteger.valueOf(9 << 5), BigInteger.valueOf(3 << 10)));
      assertEquals(BigInteger.valueOf(4), Fractions.gcd(BigInteger.valueOf(12), BigInteger.valueOf(8)));
      assertEquals(BigInteger.ONE, Fractions.gcd(BigInteger.valueOf(7), BigInteger.valueOf(5)));
      assertEquals(BigInteger.TWO, Fractions.gcd(BigInteger.valueOf(-6), BigInteger.valueOf(4)));
    }
  }

  @Nested
  @DisplayName("UnreducedSum")
  class Unreduced {
    @Test
    @DisplayName("1/4 + 1/2 + 1/3 + 1/3 + 2 + 1/5 = 217/60, through each way of aligning denominators")
    void branches() {
      UnreducedSum s = new UnreducedSum();
      s.add(q(1, 4));
      s.add(q(1, 2));
      s.add(BigFraction.ZERO);
      s.add(q(1, 3));
      s.add(q(1, 3));
      s.add(q(2, 1));
      s.add(q(1, 5));
      // 3/4 + 2/3 + 2 + 1/5 = (45 + 40 + 120 + 12)/60 = 217/60
      assertParts(217, 60, s.value());
      assertTrue(s.equalsValue(q(217, 60)));
      assertFalse(s.equalsValue(q(217, 61)));
    }

    @Test
    @DisplayName("a larger power of two after a smaller one, cancelling sums, products with a zero factor")
    void powersOfTwoAndZeros() {
      UnreducedSum s = new UnreducedSum();
      s.add(q(1, 2));
      s.add(q(1, 8));
      s.add(q(3, 8));
      assertParts(1, 1, s.value());
      UnreducedSum zero = new UnreducedSum();
      zero.add(q(1, 6));
      zero.add(q(-1, 6));
      assertSame(BigFraction.ZERO, zero.value());
      assertTrue(zero.equalsValue(BigFraction.ZERO));
      UnreducedSum products = new UnreducedSum();
      products.addProduct(q(2, 3), BigFraction.ZERO);
      products.addProduct(BigFraction.ZERO, q(2, 3));
      products.addProduct(q(2, 3), q(3, 4));
      assertParts(1, 2, products.value());
    }
  }

  @Nested
  @DisplayName("Scalars")
  class ScalarsOps {
    @Test
    @DisplayName("exact equality compares numerators and denominators; other types use equals")
    void same() {
      assertTrue(Scalars.same(q(1, 2), q(2, 4)));
      assertFalse(Scalars.same(q(1, 2), q(1, 3)));
      assertFalse(Scalars.same(q(1, 3), q(2, 3)));
      assertFalse(Scalars.same(q(1, 2), d(0.5)));
      assertFalse(Scalars.same(d(0.5), q(1, 2)));
      assertTrue(Scalars.same(d(0.5), d(0.5)));
    }

    @Test
    @DisplayName("sum, difference, quotient, sum of a list and dot products, exact and in doubles")
    void arithmetic() {
      assertEquals(q(5, 6), Scalars.add(q(1, 2), q(1, 3)));
      assertEquals(q(1, 6), Scalars.subtract(q(1, 2), q(1, 3)));
      assertEquals(q(-3, 2), Scalars.divide(q(1, 2), q(-1, 3)));
      assertEquals(d(0.75), Scalars.add(d(0.5), d(0.25)));
      assertEquals(d(0.25), Scalars.subtract(d(0.5), d(0.25)));
      assertEquals(d(2), Scalars.divide(d(0.5), d(0.25)));
      BigFractionField f = BigFractionField.getInstance();
      assertEquals(q(11, 12), Scalars.sum(f, List.of(q(1, 2), q(1, 4), q(1, 6))));
      assertEquals(BigFraction.ZERO, Scalars.sum(f, List.of()));
      assertEquals(d(1.75), Scalars.sum(Decimal64Field.getInstance(), List.of(d(1), d(0.5), d(0.25))));
      // (1/2)(2/3) + (1/4)(4) = 1/3 + 1 = 4/3
      List<BigFraction> xs = List.of(q(1, 2), q(1, 4));
      List<BigFraction> ys = List.of(q(2, 3), q(4, 1));
      assertEquals(q(4, 3), Scalars.dot(f, xs, ys));
      assertTrue(Scalars.isDot(q(4, 3), xs, ys));
      assertFalse(Scalars.isDot(q(5, 3), xs, ys));
      assertEquals(BigFraction.ZERO, Scalars.dot(f, List.of(), List.of()));
      List<Decimal64> xd = List.of(d(0.5), d(0.25));
      List<Decimal64> yd = List.of(d(2), d(4));
      assertEquals(d(2), Scalars.dot(Decimal64Field.getInstance(), xd, yd));
      assertTrue(Scalars.isDot(d(2), xd, yd));
      assertFalse(Scalars.isDot(d(2.5), xd, yd));
    }

    @Test
    @DisplayName("printing: integers and fractions exactly, reals to six significant digits, others by toString")
    void format() {
      assertEquals("3/4", Scalars.format(q(3, 4)));
      assertEquals("-2", Scalars.format(q(-2, 1)));
      assertEquals("0.500000", Scalars.format(d(0.5)));
      assertEquals("1.41421", Scalars.format(Arith.dfp(20).sqrtOf(2)));
      assertEquals("1 / 2", Scalars.format(new Fraction(1, 2)));
    }
  }
}
