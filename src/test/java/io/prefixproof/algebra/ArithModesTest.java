package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.util.Decimal64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The three arithmetic modes against values from their definitions: exact rationals by hand, the
 * rational kernels at chosen points, and the real functions (exp, erf, both GELUs) against 50-digit
 * mpmath values (mpmath 1.3.0, {@code mp.dps = 50}; printed in the comments' source strings).
 */
class ArithModesTest {

  static final ExactArith EX = Arith.exact();
  static final RealArith<Dfp> DFP = Arith.dfp(40);
  static final RealArith<Decimal64> DBL = Arith.decimal64();

  /**
   * Tolerance of a 40-digit Dfp result: each operation rounds at 10⁻⁴⁰ relative; erf's alternating series
   * for |x| ≤ 3 has at most 60 terms of size at most e^9 &lt; 10⁴, so the error stays below 60·10⁴·10⁻⁴⁰ &lt; 10⁻³⁴.
   */
  static final double DFP_TOL = 1e-30;

  /**
   * Tolerance of a double result near 1: the tanh-GELU takes about ten roundings and a tanh within 2 ulp,
   * Commons Math's erf is accurate to 1e-15 (its regularized gamma stops at that ε); 1e-14 covers both.
   */
  static final double DOUBLE_TOL = 1e-14;

  static boolean close(String want, Dfp got, double tol) {
    return Math.abs(DFP.toDouble(got.subtract(DFP.field().getZero().newInstance(want)))) <= tol;
  }

  static boolean close(double want, double got, double tol) {
    return Math.abs(want - got) <= tol;
  }

  @Nested
  @DisplayName("exact mode")
  class Exact {
    @Test
    @DisplayName("constants, doubles as dyadic rationals, order, kernel, and no irrational functions")
    void exact() {
      assertEquals("exact", EX.name());
      assertEquals("exact-dyadic", ExactArith.DYADIC.name());
      assertEquals(new BigFraction(-7), EX.of(-7));
      assertEquals(new BigFraction(3, 4), EX.of(3, 4));
      BigFraction half = new BigFraction(1, 2);
      assertSame(half, EX.of(half));
      assertEquals(new BigFraction(BigInteger.valueOf(3602879701896397L), BigInteger.ONE.shiftLeft(55)), EX.ofDouble(0.1));
      assertEquals("exact mode cannot represent the non-finite value Infinity",
          assertThrows(ArithmeticException.class, () -> EX.ofDouble(Double.POSITIVE_INFINITY)).getMessage());
      assertThrows(ArithmeticException.class, () -> EX.ofDouble(Double.NaN));
      assertEquals(0.75, EX.toDouble(new BigFraction(3, 4)));
      assertEquals(-1, EX.compare(new BigFraction(1, 3), half));
      assertEquals(1, EX.compare(half, new BigFraction(1, 3)));
      assertEquals(0, EX.compare(half, new BigFraction(2, 4)));
      assertEquals(new BigFraction(5, 2), EX.kernel(BigFraction.ONE));
      assertEquals(new BigFraction(6), ExactArith.DYADIC.kernel(new BigFraction(5, 2)));
      assertFalse(EX.kernelShiftInvariant());
      assertTrue(EX.isExact());
      assertFalse(EX.isNonFinite(half));
      assertEquals("exact mode has no square root; use a rational norm stand-in or the dfp/double mode",
          assertThrows(ArithmeticException.class, () -> EX.sqrt(half)).getMessage());
      assertThrows(ArithmeticException.class, () -> EX.sqrtOf(4));
      assertEquals("exact mode has no GELU; use ReLU or the dfp/double mode",
          assertThrows(ArithmeticException.class, () -> EX.gelu(half)).getMessage());
      assertEquals("exact mode has no erf; use ReLU or the dfp/double mode",
          assertThrows(ArithmeticException.class, () -> EX.erf(half)).getMessage());
      assertEquals(BigFraction.ZERO, EX.zero());
      assertEquals(BigFraction.ONE, EX.one());
    }

    @Test
    @DisplayName("max keeps the first of equal arguments; relu and abs on both signs")
    void orderHelpers() {
      BigFraction a = new BigFraction(2, 3);
      BigFraction b = new BigFraction(4, 6);
      assertSame(a, EX.max(a, b));
      assertSame(b, EX.max(new BigFraction(1, 3), b));
      assertSame(b, EX.max(b, new BigFraction(1, 3)));
      assertEquals(BigFraction.ZERO, EX.relu(new BigFraction(-1, 2)));
      assertEquals(a, EX.relu(a));
      assertEquals(a, EX.abs(a.negate()));
      assertEquals(a, EX.abs(a));
    }
  }

  @Nested
  @DisplayName("rational kernels")
  class Kernels {
    @Test
    @DisplayName("polynomial κ(s) = 1 + s + s²/2, mirrored: κ(0) = 1, κ(1/2) = 13/8, κ(2) = 5, κ(−1/2) = 8/13, κ(−2) = 1/5")
    void polynomial() {
      RationalKernel k = RationalKernel.POLYNOMIAL;
      assertEquals(BigFraction.ONE, k.apply(BigFraction.ZERO));
      assertEquals(new BigFraction(13, 8), k.apply(new BigFraction(1, 2)));
      assertEquals(new BigFraction(5), k.apply(new BigFraction(2)));
      assertEquals(new BigFraction(8, 13), k.apply(new BigFraction(-1, 2)));
      assertEquals(new BigFraction(1, 5), k.apply(new BigFraction(-2)));
    }

    @Test
    @DisplayName("dyadic κ(s) = 2^⌊s⌋(1 + s − ⌊s⌋): κ(0) = 1, κ(3) = 8, κ(5/2) = 6, κ(−1/2) = 3/4, κ(−3) = 1/8, κ(−7/4) = 5/16")
    void dyadic() {
      RationalKernel k = RationalKernel.DYADIC;
      assertEquals(BigFraction.ONE, k.apply(BigFraction.ZERO));
      assertEquals(new BigFraction(8), k.apply(new BigFraction(3)));
      assertEquals(new BigFraction(6), k.apply(new BigFraction(5, 2)));
      assertEquals(new BigFraction(3, 4), k.apply(new BigFraction(-1, 2)));
      assertEquals(new BigFraction(1, 8), k.apply(new BigFraction(-3)));
      assertEquals(new BigFraction(5, 16), k.apply(new BigFraction(-7, 4)));
    }

    @Test
    @DisplayName("floor rounds toward −∞: ⌊7/2⌋ = 3, ⌊−7/2⌋ = −4, ⌊−4⌋ = −4, ⌊0⌋ = 0")
    void floor() {
      assertEquals(BigInteger.valueOf(3), RationalKernel.floor(new BigFraction(7, 2)));
      assertEquals(BigInteger.valueOf(-4), RationalKernel.floor(new BigFraction(-7, 2)));
      assertEquals(BigInteger.valueOf(-4), RationalKernel.floor(new BigFraction(-4)));
      assertEquals(BigInteger.ZERO, RationalKernel.floor(BigFraction.ZERO));
    }
  }

  @Nested
  @DisplayName("Dfp mode (40 digits)")
  class DfpMode {
    @Test
    @DisplayName("digits outside [10, 100] are refused, both ends accepted; the name carries the digits")
    void digits() {
      assertEquals("Dfp digits must be in [10, 100], got 9",
          assertThrows(IllegalArgumentException.class, () -> Arith.dfp(9)).getMessage());
      assertEquals("Dfp digits must be in [10, 100], got 101",
          assertThrows(IllegalArgumentException.class, () -> Arith.dfp(101)).getMessage());
      assertEquals("dfp10", Arith.dfp(10).name());
      assertEquals("dfp100", Arith.dfp(100).name());
      assertEquals("dfp40", DFP.name());
      assertFalse(DFP.isExact());
      assertTrue(DFP.kernelShiftInvariant());
    }

    @Test
    @DisplayName("integers beyond 2^53 keep every decimal digit: 2^60 + 1, −2^63, (2^100 + 1)/3, −(2^130 + 5)/7 (a 127-bit integer)")
    void bigIntegers() {
      Dfp zero = DFP.field().getZero();
      assertEquals(zero.newInstance("1152921504606846977"), DFP.of((1L << 60) + 1));
      assertEquals(zero.newInstance("-9223372036854775808"), DFP.of(Long.MIN_VALUE));
      assertEquals(zero.newInstance("-12"), DFP.of(-12));
      BigInteger a = BigInteger.ONE.shiftLeft(100).add(BigInteger.ONE);
      assertEquals(zero.newInstance("1267650600228229401496703205377").divide(3), DFP.of(new BigFraction(a, BigInteger.valueOf(3))));
      BigInteger b = BigInteger.ONE.shiftLeft(130).add(BigInteger.valueOf(5));
      assertEquals(zero.newInstance("-194447066811964836264785489961010406547"),
          DFP.of(new BigFraction(b.negate(), BigInteger.valueOf(7))));
      assertEquals(0.375, DFP.toDouble(DFP.ofDouble(0.375)));
    }

    @Test
    @DisplayName("order, exp, square roots (remembered per count), and non-finite values")
    void realFunctions() {
      Dfp one = DFP.one();
      Dfp two = DFP.of(2);
      assertEquals(-1, DFP.compare(one, two));
      assertEquals(1, DFP.compare(two, one));
      assertEquals(0, DFP.compare(two, DFP.of(4, 2)));
      assertTrue(close("2.7182818284590452353602874713526624977572470937", DFP.kernel(one), DFP_TOL));
      assertEquals(two, DFP.sqrtOf(4));
      assertEquals(DFP.zero(), DFP.sqrt(DFP.zero()));
      assertSame(DFP.sqrtOf(7), DFP.sqrtOf(7));
      assertEquals("square root of a negative value -1.0",
          assertThrows(ArithmeticException.class, () -> DFP.sqrt(one.negate())).getMessage());
      assertFalse(DFP.isNonFinite(two));
      assertTrue(DFP.isNonFinite(one.divide(DFP.zero())));
      assertTrue(DFP.isNonFinite(DFP.zero().divide(DFP.zero())));
    }

    @Test
    @DisplayName("erf by its series at 0.5, 1, −2, 3 within 1e-30, and exactly ±1 from |x| = 10 on")
    void erf() {
      assertTrue(close("0.52049987781304653768274665389196452873645157575796", DFP.erf(DFP.of(1, 2)), DFP_TOL));
      assertTrue(close("0.8427007929497148693412206350826092592960669979663", DFP.erf(DFP.one()), DFP_TOL));
      assertTrue(close("-0.99532226501895273416206925636725292861089179704006", DFP.erf(DFP.of(-2)), DFP_TOL));
      assertTrue(close("0.9999779095030014145586272238704176796201522929126", DFP.erf(DFP.of(3)), DFP_TOL));
      assertEquals(DFP.one(), DFP.erf(DFP.of(10)));
      assertEquals(DFP.one().negate(), DFP.erf(DFP.of(-10)));
    }

    @Test
    @DisplayName("SiLU x/(1 + e^(−x)) at 1 and −2 within 1e-30 of the 60-digit values")
    void silu() {
      assertTrue(close("0.731058578630004879251159241821836274365144640165056519276366", DFP.silu(DFP.one()),
          DFP_TOL));
      assertTrue(close("-0.238405844044235111880541717395206409587231402742063448403189", DFP.silu(DFP.of(-2)),
          DFP_TOL));
    }

    @Test
    @DisplayName("tanh-GELU and erf-GELU at 1 and −1 within 1e-30")
    void gelus() {
      assertTrue(close("0.84119199060827670478199577704518386082576147011401", DFP.gelu(DFP.one()), DFP_TOL));
      assertTrue(close("-0.15880800939172329521800422295481613917423852988599", DFP.gelu(DFP.of(-1)), DFP_TOL));
      assertTrue(close("0.84134474606854294858523254563203792247791296672661", DFP.geluErf(DFP.one()), DFP_TOL));
      assertTrue(close("-0.1586552539314570514147674543679620775220870332734", DFP.geluErf(DFP.of(-1)), DFP_TOL));
    }
  }

  @Nested
  @DisplayName("double mode")
  class DoubleMode {
    @Test
    @DisplayName("constants, order, exp, roots and non-finite values")
    void basics() {
      assertEquals("double", DBL.name());
      assertEquals(1.0 / 3, DBL.of(1, 3).doubleValue());
      assertEquals(-5.0, DBL.of(-5).doubleValue());
      assertEquals(-1, DBL.compare(new Decimal64(1), new Decimal64(2)));
      assertEquals(1, DBL.compare(new Decimal64(2), new Decimal64(1)));
      assertEquals(0, DBL.compare(new Decimal64(2), new Decimal64(2)));
      assertEquals(Math.sqrt(2), DBL.sqrtOf(2).doubleValue());
      assertTrue(DBL.isNonFinite(new Decimal64(Double.NaN)));
      assertTrue(DBL.isNonFinite(new Decimal64(Double.NEGATIVE_INFINITY)));
      assertFalse(DBL.isNonFinite(new Decimal64(1e308)));
    }

    @Test
    @DisplayName("erf (Commons Math) and both GELUs at 0.5 and 2 within 1e-14 of the 50-digit values")
    void functions() {
      assertTrue(close(0.52049987781304653768, DBL.erf(new Decimal64(0.5)).doubleValue(), DOUBLE_TOL));
      assertTrue(close(0.34571400982514392204, DBL.gelu(new Decimal64(0.5)).doubleValue(), DOUBLE_TOL));
      assertTrue(close(1.9545976940877750188, DBL.gelu(new Decimal64(2)).doubleValue(), DOUBLE_TOL));
      assertTrue(close(0.34573123063700655182, DBL.geluErf(new Decimal64(0.5)).doubleValue(), DOUBLE_TOL));
      assertTrue(close(1.9544997361036415856, DBL.geluErf(new Decimal64(2)).doubleValue(), DOUBLE_TOL));
    }
  }

  @Test
  @DisplayName("each tolerance rejects a planted error of 1.5 times itself")
  void tolerancesCatchPlantedErrors() {
    Dfp erf1 = DFP.erf(DFP.one());
    assertFalse(close("0.8427007929497148693412206350826092592960669979663", erf1.add(DFP.ofDouble(1.5 * DFP_TOL)),
        DFP_TOL));
    assertFalse(close(0.34571400982514392204, DBL.gelu(new Decimal64(0.5)).doubleValue() + 1.5 * DOUBLE_TOL, DOUBLE_TOL));
  }
}
