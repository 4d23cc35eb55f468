package io.prefixproof.algebra;

import org.apache.commons.math3.Field;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * One arithmetic mode: the scalar field plus the few non-field operations a transformer needs
 * (order, the softmax kernel κ, square root, GELU). Three modes exist: {@link ExactArith} (BigFraction,
 * a rational kernel), and {@link RealArith} over {@code Dfp} or {@code Decimal64} (true {@code exp}).
 *
 * @param <T> the scalar type
 */
public interface Arith<T extends FieldElement<T>> {

  /** Short name used in reports: {@code exact}, {@code dfp40}, {@code double}. */
  String name();

  Field<T> field();

  default T zero() {
    return field().getZero();
  }

  default T one() {
    return field().getOne();
  }

  T of(long value);

  /** The rational {@code num/den}; exact in exact mode, correctly rounded otherwise. */
  default T of(long num, long den) {
    return of(new BigFraction(num, den));
  }

  /** A rational constant; exact in exact mode, correctly rounded to the mode's precision otherwise. */
  T of(BigFraction value);

  /** The binary value of a double; exact in exact mode (every finite double is a dyadic rational). */
  T ofDouble(double value);

  double toDouble(T value);

  int compare(T a, T b);

  /** κ(s): the positive softmax kernel, {@code exp} in the real modes, a rational kernel in exact mode. */
  T kernel(T s);

  /** True when κ(s − c) = κ(s)/κ(c), so the softmax may be shifted by the row maximum. */
  boolean kernelShiftInvariant();

  /** Square root; exact mode has none and throws {@link ArithmeticException} naming the caller's need. */
  T sqrt(T value);

  /** tanh-approximated GELU {@code x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)))}; real modes only. */
  T gelu(T value);

  /** The error function; real modes only. */
  T erf(T value);

  /** Exact GELU {@code x/2 (1 + erf(x/√2))}; real modes only. */
  default T geluErf(T x) {
    return x.divide(of(2)).multiply(one().add(erf(x.divide(sqrt(of(2))))));
  }

  boolean isExact();

  /** True when {@code value} is NaN or infinite (never in exact mode). */
  boolean isNonFinite(T value);

  /** √n for a count n (real modes; the exact mode has no irrational roots). */
  default T sqrtOf(int n) {
    return sqrt(of(n));
  }

  /**
   * A hint that each of {@code divisors} is about to divide several values: an arithmetic whose reciprocals are
   * costly may compute them together now. The values are unchanged; by default nothing is done.
   */
  default void willDivideBy(java.util.List<T> divisors) {}

  default T max(T a, T b) {
    return compare(a, b) >= 0 ? a : b;
  }

  /** {@code silu(x) = x/(1 + κ(−x))}: the SiLU with exp in the real modes, a rational stand-in in exact mode. */
  default T silu(T x) {
    return x.divide(one().add(kernel(x.negate())));
  }

  default T relu(T x) {
    return compare(x, zero()) > 0 ? x : zero();
  }

  default T abs(T x) {
    return compare(x, zero()) < 0 ? x.negate() : x;
  }

  static ExactArith exact() {
    return ExactArith.POLYNOMIAL;
  }

  static RealArith<org.apache.commons.math3.dfp.Dfp> dfp(int digits) {
    return RealArith.dfp(digits);
  }

  static RealArith<org.apache.commons.math3.util.Decimal64> decimal64() {
    return RealArith.DOUBLE;
  }
}
