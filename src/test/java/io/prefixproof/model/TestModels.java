package io.prefixproof.model;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.fraction.BigFraction;

/** Hand-made exact models for unit tests: every weight named by {@link Model#shapes}, entries chosen by name. */
public final class TestModels {
  private TestModels() {}

  /** Every weight of {@code a} filled with the matrix {@code fill} returns for its name and shape. */
  public static Model<BigFraction> exact(Architecture a, Function<String, Mat<BigFraction>> fill) {
    Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
    Model.shapes(a).forEach((name, s) -> {
      Mat<BigFraction> given = fill.apply(name);
      p.put(name, given != null ? given : constant(s[0], s[1], BigFraction.ONE));
    });
    return new Model<>(a, Arith.exact(), p);
  }

  /** Every weight of {@code a} equal to 1 in each entry. */
  public static Model<BigFraction> ones(Architecture a) {
    return exact(a, name -> null);
  }

  /** A {@code rows × cols} matrix with every entry {@code v}. */
  public static Mat<BigFraction> constant(int rows, int cols, BigFraction v) {
    return Mat.of(Arith.exact().field(), rows, cols, (i, j) -> v);
  }

  /** Integer rows over one denominator. */
  public static Mat<BigFraction> m(int den, int[]... rows) {
    return Mat.ofInts(den, rows);
  }

  public static BigFraction f(int num, int den) {
    return new BigFraction(num, den);
  }
}
