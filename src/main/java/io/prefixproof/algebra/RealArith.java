package io.prefixproof.algebra;

import java.math.BigInteger;
import java.util.function.DoubleFunction;
import org.apache.commons.math3.Field;
import org.apache.commons.math3.RealFieldElement;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.dfp.DfpField;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.util.Decimal64;
import org.apache.commons.math3.util.Decimal64Field;

/**
 * A real arithmetic ({@link Dfp} with chosen decimal digits, or {@link Decimal64} doubles) with the
 * true {@code exp} kernel and real square roots.
 *
 * @param <T> the scalar type
 */
public final class RealArith<T extends RealFieldElement<T>> implements Arith<T> {

  static final RealArith<Decimal64> DOUBLE =
      new RealArith<>("double", Decimal64Field.getInstance(), Decimal64::new, new Decimal64(Math.PI));

  private final String name;
  private final Field<T> field;
  private final DoubleFunction<T> fromDouble;
  private final T geluScale;
  private final T twoOverSqrtPi;
  private final java.util.Map<Integer, T> roots = new java.util.concurrent.ConcurrentHashMap<>();

  private RealArith(String name, Field<T> field, DoubleFunction<T> fromDouble, T pi) {
    this.name = name;
    this.field = field;
    this.fromDouble = fromDouble;
    this.geluScale = pi.reciprocal().multiply(2).sqrt();
    this.twoOverSqrtPi = pi.sqrt().reciprocal().multiply(2);
  }

  /**
   * Dfp with {@code digits} decimal digits (rounded up to a multiple of 4 by {@link DfpField}), at most
   * {@link #MAX_DIGITS}: the field computes its constants at construction, and its cost grows steeply with
   * the digits (measured on a loaded two-core machine: 3 s at 40 digits, 5 s at 100, 14 s at 200, 135 s at
   * 400).
   */
  public static RealArith<Dfp> dfp(int digits) {
    if (digits < 10 || digits > MAX_DIGITS) {
      throw new IllegalArgumentException("Dfp digits must be in [10, " + MAX_DIGITS + "], got " + digits);
    }
    DfpField f = new DfpField(digits);
    return new RealArith<>("dfp" + digits, f, f::newDfp, f.getPi());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Field<T> field() {
    return field;
  }

  /** The integer {@code value}; beyond ±2⁵³ through 52-bit limbs, since {@code add(double)} would round it. */
  @Override
  public T of(long value) {
    return -EXACT_DOUBLE <= value && value <= EXACT_DOUBLE ? field.getZero().add(value) : fromBig(BigInteger.valueOf(value));
  }

  /** The most decimal digits {@link #dfp} accepts (the project runs 40 and 60). */
  public static final int MAX_DIGITS = 100;

  /** Integers of at most this magnitude are doubles exactly. */
  private static final long EXACT_DOUBLE = 1L << 53;

  @Override
  public T of(BigFraction value) {
    T num = fromBig(value.getNumerator());
    T den = fromBig(value.getDenominator());
    return num.divide(den);
  }

  private T fromBig(BigInteger v) {
    if (v.bitLength() <= 53) {
      return of(v.longValue());
    }
    // split into 52-bit limbs, each a double exactly, so Dfp keeps every digit it can hold
    T result = field.getZero();
    T base = of(1L << 52);
    BigInteger mask = BigInteger.ONE.shiftLeft(52).subtract(BigInteger.ONE);
    BigInteger abs = v.abs();
    int limbs = (abs.bitLength() + 51) / 52;
    for (int i = limbs - 1; i >= 0; i--) {
      result = result.multiply(base).add(of(abs.shiftRight(52 * i).and(mask).longValue()));
    }
    return v.signum() < 0 ? result.negate() : result;
  }

  @Override
  public T ofDouble(double value) {
    return fromDouble.apply(value);
  }

  @Override
  public double toDouble(T value) {
    return value.getReal();
  }

  @Override
  public int compare(T a, T b) {
    if (a instanceof Dfp) {
      Dfp x = (Dfp) a;
      Dfp y = (Dfp) b;
      return x.lessThan(y) ? -1 : (x.greaterThan(y) ? 1 : 0);
    }
    return Double.compare(a.getReal(), b.getReal());
  }

  @Override
  public T kernel(T s) {
    return s.exp();
  }

  @Override
  public boolean kernelShiftInvariant() {
    return true;
  }

  /** √n, remembered per n: per-attended scales take the root of the same few counts for every query. */
  @Override
  public T sqrtOf(int n) {
    return roots.computeIfAbsent(n, k -> sqrt(of(k)));
  }

  @Override
  public T sqrt(T value) {
    if (compare(value, zero()) < 0) {
      throw new ArithmeticException("square root of a negative value " + toDouble(value));
    }
    return value.sqrt();
  }

  @Override
  public T gelu(T x) {
    // GELU(x) = x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³)))
    T inner = x.add(x.multiply(x).multiply(x).multiply(of(new BigFraction(44715, 1000000))));
    return x.divide(2).multiply(one().add(geluScale.multiply(inner).tanh()));
  }

  /**
   * erf: doubles use Commons Math's {@code Erf.erf}; Dfp sums the Maclaurin series
   * {@code 2/√π Σ (−1)^n x^(2n+1)/(n!(2n+1))} until a term is below 10^(−digits−5) of the sum, and returns
   * ±1 for |x| ≥ 10 (erfc(10) ≈ 2e-45).
   */
  @Override
  public T erf(T x) {
    if (!(x instanceof Dfp)) {
      return ofDouble(org.apache.commons.math3.special.Erf.erf(x.getReal()));
    }
    if (compare(abs(x), of(10)) >= 0) {
      return compare(x, zero()) > 0 ? one() : one().negate();
    }
    T x2 = x.multiply(x);
    T power = x;
    T sum = zero();
    T tiny = one().divide(of(10).pow(((Dfp) x).getField().getRadixDigits() * 4 + 5));
    for (int n = 0; n < 10_000; n++) {
      T term = power.divide(of(2L * n + 1));
      sum = sum.add(term);
      if (compare(abs(term), tiny.multiply(abs(sum).add(one()))) < 0) {
        break;
      }
      power = power.multiply(x2).negate().divide(of(n + 1));
    }
    return sum.multiply(twoOverSqrtPi);
  }

  @Override
  public boolean isExact() {
    return false;
  }

  @Override
  public boolean isNonFinite(T value) {
    if (value instanceof Dfp) {
      Dfp d = (Dfp) value;
      return d.isNaN() || d.isInfinite();
    }
    return !Double.isFinite(value.getReal());
  }
}
