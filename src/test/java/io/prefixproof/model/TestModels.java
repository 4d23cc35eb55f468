package io.prefixproof.model;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.commons.math3.FieldElement;
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

  /**
   * A prefix of {@code kind} and length {@code p} for {@code a}, each matrix drawn by {@code draw(rows, cols)}
   * in one fixed order: layer by layer, and within a layer head by head, keys before values.
   */
  public static <T extends FieldElement<T>> Prefix<T> prefix(Architecture a, Prefix.Kind kind, int p, BiFunction<Integer, Integer, Mat<T>> draw) {
    return switch (kind) {
      case NONE -> Prefix.none();
      case STREAM -> Prefix.stream(draw.apply(p, a.dModel()));
      case RESIDUAL -> {
        List<Mat<T>> rows = new ArrayList<>();
        for (int l = 0; l < a.layers(); l++) {
          rows.add(draw.apply(p, a.dModel()));
        }
        yield Prefix.residual(rows);
      }
      case KEY_VALUE -> {
        List<List<Mat<T>>> keys = new ArrayList<>();
        List<List<Mat<T>>> values = new ArrayList<>();
        for (int l = 0; l < a.layers(); l++) {
          List<Mat<T>> k = new ArrayList<>();
          List<Mat<T>> v = new ArrayList<>();
          for (int h = 0; h < a.heads(); h++) {
            k.add(draw.apply(p, a.dHead()));
            v.add(draw.apply(p, a.dValue()));
          }
          keys.add(k);
          values.add(v);
        }
        yield Prefix.keyValue(keys, values);
      }
    };
  }
}
