package io.prefixproof.algebra;

import org.apache.commons.math3.Field;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;

/** Exact rational arithmetic ({@link BigFraction}) with a rational softmax kernel. */
public final class ExactArith implements Arith<BigFraction> {

  public static final ExactArith POLYNOMIAL = new ExactArith(RationalKernel.POLYNOMIAL);
  public static final ExactArith DYADIC = new ExactArith(RationalKernel.DYADIC);

  private final RationalKernel kernel;

  private ExactArith(RationalKernel kernel) {
    this.kernel = kernel;
  }

  /** The softmax kernel κ of this mode. */
  public RationalKernel kernelKind() {
    return kernel;
  }

  @Override
  public String name() {
    return kernel == RationalKernel.POLYNOMIAL ? "exact" : "exact-" + kernel.name().toLowerCase();
  }

  @Override
  public Field<BigFraction> field() {
    return BigFractionField.getInstance();
  }

  @Override
  public BigFraction of(long value) {
    return new BigFraction(value);
  }

  @Override
  public BigFraction of(BigFraction value) {
    return value;
  }

  @Override
  public BigFraction ofDouble(double value) {
    if (!Double.isFinite(value)) {
      throw new ArithmeticException("exact mode cannot represent the non-finite value " + value);
    }
    return new BigFraction(value);
  }

  @Override
  public double toDouble(BigFraction value) {
    return value.doubleValue();
  }

  @Override
  public int compare(BigFraction a, BigFraction b) {
    return a.compareTo(b);
  }

  @Override
  public BigFraction kernel(BigFraction s) {
    return kernel.apply(s);
  }

  @Override
  public boolean kernelShiftInvariant() {
    return false;
  }

  @Override
  public BigFraction sqrt(BigFraction value) {
    throw new ArithmeticException(
        "exact mode has no square root; use a rational norm stand-in or the dfp/double mode");
  }

  @Override
  public BigFraction gelu(BigFraction value) {
    throw new ArithmeticException("exact mode has no GELU; use ReLU or the dfp/double mode");
  }

  @Override
  public BigFraction erf(BigFraction value) {
    throw new ArithmeticException("exact mode has no erf; use ReLU or the dfp/double mode");
  }

  @Override
  public boolean isExact() {
    return true;
  }

  @Override
  public boolean isNonFinite(BigFraction value) {
    return false;
  }
}
