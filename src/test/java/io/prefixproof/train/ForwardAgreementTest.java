package io.prefixproof.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.RealArith;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.property.Property;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.math3.dfp.Dfp;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The training forward pass equals the project's engines on the converted model: the double engine
 * ({@code FastModel}) and, as the reference, the generic {@code Forward} in 40-digit Dfp.
 *
 * <p>Error model: both double engines evaluate the same formulas with the same operation counts and differ
 * only in summation order (the double engine's GEMM uses fused multiply-add chains), so their distances to the
 * 40-digit reference have the same scale. The tolerance is four times the double engine's own measured
 * largest distance to the reference, plus 16 ulps of the largest logit as a floor for the case where that
 * engine happens to be exact on every logit.
 */
class ForwardAgreementTest {
  static final Arith<Dfp> DFP = RealArith.dfp(40);
  static final double U = Math.ulp(1.0) / 2;

  /** Logits of the training pass, the double engine and the Dfp reference, row-major. */
  record Logits(double[] train, double[] fast, double[] reference) {
    double tolerance() {
      double fastErr = 0;
      double max = 1;
      for (int i = 0; i < reference.length; i++) {
        fastErr = Math.max(fastErr, Math.abs(fast[i] - reference[i]));
        max = Math.max(max, Math.abs(reference[i]));
      }
      return 4 * fastErr + 16 * U * max;
    }

    double trainError() {
      double e = 0;
      for (int i = 0; i < reference.length; i++) {
        e = Math.max(e, Math.abs(train[i] - reference[i]));
      }
      return e;
    }
  }

  static Logits logits(Weights w, TrainPrefix pre, int[] tokens) {
    double[] train = new Pass(w, pre, new int[][] {tokens}, 0, null).logits();
    double[] fast = pre.runOn(w.toFastModel(), tokens).logits().data.clone();
    Model<Dfp> m = dfpModel(w);
    Mat<Dfp> ref = Forward.run(m, dfpPrefix(w.shape(), pre), Content.tokens(tokens)).logits();
    double[] r = new double[ref.rows() * ref.cols()];
    for (int i = 0; i < ref.rows(); i++) {
      for (int j = 0; j < ref.cols(); j++) {
        r[i * ref.cols() + j] = ref.get(i, j).toDouble();
      }
    }
    return new Logits(train, fast, r);
  }

  static Model<Dfp> dfpModel(Weights w) {
    Map<String, Mat<Dfp>> p = new LinkedHashMap<>();
    w.all().forEach((k, a) -> p.put(k, mat(a, w.dims(k)[0], w.dims(k)[1])));
    return new Model<>(w.shape().architecture(), DFP, p);
  }

  static Mat<Dfp> mat(double[] a, int rows, int cols) {
    return Mat.of(DFP.field(), rows, cols, (i, j) -> DFP.ofDouble(a[i * cols + j]));
  }

  static Prefix<Dfp> dfpPrefix(Gpt g, TrainPrefix pre) {
    int p = pre.length();
    return switch (pre.kind()) {
      case NONE -> Prefix.none();
      case STREAM -> Prefix.stream(mat(pre.get(TrainPrefix.STREAM), p, g.dModel()));
      case RESIDUAL -> Prefix.residual(IntStream.range(0, g.layers())
          .mapToObj(l -> mat(pre.get(TrainPrefix.residual(l)), p, g.dModel())).toList());
      case KEY_VALUE -> Prefix.keyValue(perHead(g, (l, h) -> mat(pre.get(TrainPrefix.keys(l, h)), p, g.dHead())),
          perHead(g, (l, h) -> mat(pre.get(TrainPrefix.values(l, h)), p, g.dHead())));
    };
  }

  static List<List<Mat<Dfp>>> perHead(Gpt g, java.util.function.BiFunction<Integer, Integer, Mat<Dfp>> f) {
    return IntStream.range(0, g.layers()).mapToObj(l -> IntStream.range(0, g.heads()).mapToObj(h -> f.apply(l, h))
        .toList()).toList();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Prefix.Kind.class)
  @DisplayName("training logits = the double engine's and the Dfp reference's, within the double engine's own error")
  void agrees(Prefix.Kind kind) {
    Property.of("training forward = engines, " + kind, TrainCases.cases(kind, false)).seed(7).tries(30).check(c -> {
      Logits l = logits(c.weights(), c.prefix(), c.batch().get(0).tokens());
      if (l.trainError() > l.tolerance()) {
        throw new AssertionError("largest distance to the reference " + l.trainError() + " > tolerance "
            + l.tolerance());
      }
      return true;
    });
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Prefix.Kind.class, names = {"NONE", "RESIDUAL", "KEY_VALUE"})
  @DisplayName("without the LayerNorm before attention (E4's shape) the three engines agree too")
  void agreesWithoutAttentionNorm(Prefix.Kind kind) {
    Property.of("no attention norm, " + kind, TrainCases.cases(kind, false, false)).seed(8).tries(20).check(c -> {
      Logits l = logits(c.weights(), c.prefix(), c.batch().get(0).tokens());
      if (l.trainError() > l.tolerance()) {
        throw new AssertionError("largest distance to the reference " + l.trainError() + " > tolerance "
            + l.tolerance());
      }
      return true;
    });
  }

  @Test
  @DisplayName("planted: the engines with the attention LayerNorm (gain 1, shift 0) differ from the pass without it")
  void engineThatKeepsTheNormFails() {
    TrainCases.Case c = TrainCases.build(new Gpt(4, 6, 2, 2, 4, false), 4, 1, Prefix.Kind.RESIDUAL, false, 22);
    int[] tokens = c.batch().get(0).tokens();
    Map<String, double[]> v = new LinkedHashMap<>(c.weights().all());
    for (int l = 0; l < 2; l++) {
      v.put(Names.ln1g(l), new double[] {1, 1, 1, 1});
      v.put(Names.ln1b(l), new double[4]);
    }
    Logits normed = logits(Weights.of(new Gpt(4, 6, 2, 2, 4, true), v), c.prefix(), tokens);
    double[] train = new Pass(c.weights(), c.prefix(), new int[][] {tokens}, 0, null).logits();
    assertTrue(new Logits(train, normed.fast(), normed.reference()).trainError() > normed.tolerance());
  }

  @Test
  @DisplayName("planted: a logit moved by 1.5 tolerances, or one weight changed by 1e-9, fails")
  void plantedDefectsFail() {
    TrainCases.Case c = TrainCases.build(4, 2, 2, 2, 4, 1, Prefix.Kind.RESIDUAL, false, 21);
    int[] tokens = c.batch().get(0).tokens();
    Logits l = logits(c.weights(), c.prefix(), tokens);
    assertTrue(l.trainError() <= l.tolerance());
    double[] moved = l.train().clone();
    moved[3] += 1.5 * l.tolerance() + Math.abs(l.train()[3] - l.reference()[3]);
    assertTrue(new Logits(moved, l.fast(), l.reference()).trainError() > l.tolerance());
    Weights changed = c.weights().copy();
    changed.get(Names.wk(1, 0))[0] *= 1 + 1e-9;
    double[] wrong = new Pass(changed, c.prefix(), new int[][] {tokens}, 0, null).logits();
    assertTrue(new Logits(wrong, l.fast(), l.reference()).trainError() > l.tolerance(),
        "a change of 1e-9 in one key weight is not seen");
  }
}
