package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.TestModels;
import java.util.SplittableRandom;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The EJML engine against the Dfp core (40 digits) on the semantic options {@link DifferentialTest} does
 * not reach: RoPE, ALiBi, RMSNorm, post-norm, each MLP activation, and every prefix kind (soft prompt,
 * residual and key/value), with the per-sequence scale once.
 *
 * <p>Error model: {@link DifferentialTest}'s {@code tol = 2^L · L · (4m + 50) · u · S}, with m also at
 * least 6(n + p): RoPE computes the rotation of position q by q complex multiplications, each adding at
 * most a few u to the rotated query and key, so a score carries at most 6(n + p)·u relative error from it.
 * ALiBi's slope·distance is one rounding. No final norm here, so the last block's output is compared.
 */
class DifferentialVariantsTest {

  @ParameterizedTest(name = "{0} {1} post={2} {3} prefix={4} {5}")
  @CsvSource({
      "ROPE, RMS, false, GELU, KEY_VALUE, CAUSAL",
      "ALIBI, LAYER, true, RELU, RESIDUAL, CAUSAL",
      "ROPE, LAYER, true, GELU_ERF, STREAM, CAUSAL",
      "ALIBI, RMS, false, GELU_ERF, KEY_VALUE, BIDIRECTIONAL",
      "LEARNED, RMS, true, RELU, KEY_VALUE, CAUSAL",
      "ROPE, RMS, true, RELU, RESIDUAL, BIDIRECTIONAL"})
  @DisplayName("EJML and the Dfp core agree within the error model; a planted error of 1.5 tolerances is caught")
  void enginesAgree(Architecture.PositionKind positions, Architecture.NormKind norm, boolean post,
      Architecture.Activation activation, Prefix.Kind kind, Architecture.Mask mask) {
    Run run = new Run(positions, norm, post, activation, kind, mask);
    double[] errTol = run.errorAndTolerance(FastModel.of(run.model));
    System.out.printf("%s %s post=%b %s %s %s: max |EJML - Dfp| = %.3g, tolerance %.3g (ratio %.2g)%n", positions,
        norm, post, activation, kind, mask, errTol[0], errTol[1], errTol[0] / errTol[1]);
    assertTrue(errTol[0] <= errTol[1], "EJML differs from the Dfp core by " + errTol[0] + " > " + errTol[1]);
    DMatrixRMaj planted = run.fast(FastModel.of(run.model)).copy();
    planted.add(planted.numRows - 1, run.model.arch().dModel() / 2, 1.5 * errTol[1]);
    assertTrue(DifferentialTest.maxError(run.dfp, run.want, planted) > errTol[1], "planted error of 1.5 tol not caught");
  }

  @Test
  @DisplayName("ALiBi added instead of subtracted in the double engine alone is caught")
  void alibiSignInOneEngineIsCaught() {
    Run run = new Run(Architecture.PositionKind.ALIBI, Architecture.NormKind.RMS, false, Architecture.Activation.RELU,
        Prefix.Kind.KEY_VALUE, Architecture.Mask.CAUSAL);
    Model<Dfp> negated = run.model.with(Names.ALIBI, run.model.param(Names.ALIBI).map(Dfp::negate));
    double[] errTol = run.errorAndTolerance(FastModel.of(negated));
    assertTrue(errTol[0] > errTol[1], "sign error gives " + errTol[0] + " <= " + errTol[1]);
  }

  /** One configuration: d = 8, 2 heads of width 4, 2 layers, MLP 32, 6 content and 2 prefix positions. */
  static final class Run {
    final Arith<Dfp> dfp = Arith.dfp(40);
    final Model<Dfp> model;
    final Prefix<Dfp> prefix;
    final Mat<Dfp> content;
    final Mat<Dfp> want;

    Run(Architecture.PositionKind positions, Architecture.NormKind norm, boolean post,
        Architecture.Activation activation, Prefix.Kind kind, Architecture.Mask mask) {
      int d = 8;
      ScoreScale scale = positions == Architecture.PositionKind.LEARNED
          ? new ScoreScale.PerSequence(BigFraction.ONE) : ScoreScale.fixed(new BigFraction(1, 2));
      Architecture a = Architecture.builder(d).layers(2).heads(2).dHead(4).dValue(4).mlp(4 * d, activation)
          .norm(norm, false).postNorm(post).attnBiases(true).mask(mask).positions(positions).maxContext(8)
          .scale(scale).build();
      model = model(dfp, a, 31L * positions.ordinal() + kind.ordinal());
      SplittableRandom r = new SplittableRandom(7);
      content = gaussian(dfp, 6, d, r);
      prefix = prefix(dfp, a, kind, 2, r);
      want = Forward.run(model, prefix, Content.vectors(content)).hidden();
    }

    DMatrixRMaj fast(FastModel f) {
      return f.run(dfp, prefix, Content.vectors(content)).layers().get(model.arch().layers() - 1).output();
    }

    /** {max |EJML − Dfp|, tolerance}. */
    double[] errorAndTolerance(FastModel f) {
      double size = 1;
      for (int i = 0; i < want.rows(); i++) {
        for (int j = 0; j < want.cols(); j++) {
          size = Math.max(size, Math.abs(dfp.toDouble(want.get(i, j))));
        }
      }
      Architecture a = model.arch();
      int positions = content.rows() + prefix.length();
      int m = Math.max(Math.max(a.dModel(), positions), Math.max(a.mlpHidden(), 6 * positions));
      double tol = Math.pow(2, a.layers()) * a.layers() * (4 * m + 50) * DifferentialTest.U * size;
      return new double[] {DifferentialTest.maxError(dfp, want, fast(f)), tol};
    }
  }

  /**
   * {@link DifferentialTest#weights}, with RoPE at the usual θ_m = 10000^(−2m/k) and ALiBi at the slopes of
   * Press et al. (2^(−8(h+1)/H)).
   */
  static Model<Dfp> model(Arith<Dfp> dfp, Architecture a, long seed) {
    Model<Dfp> m = DifferentialTest.weights(dfp, a, seed);
    if (a.positions() == Architecture.PositionKind.ROPE) {
      int pairs = a.dHead() / 2;
      double[] theta = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        theta[i] = Math.pow(10000, -2.0 * i / a.dHead());
      }
      m = m.with(Names.ROPE_COS, Mat.of(dfp.field(), 1, pairs, (i, j) -> dfp.ofDouble(Math.cos(theta[j]))))
          .with(Names.ROPE_SIN, Mat.of(dfp.field(), 1, pairs, (i, j) -> dfp.ofDouble(Math.sin(theta[j]))));
    }
    if (a.positions() == Architecture.PositionKind.ALIBI) {
      m = m.with(Names.ALIBI, Mat.of(dfp.field(), 1, a.heads(),
          (i, h) -> dfp.ofDouble(Math.pow(2, -8.0 * (h + 1) / a.heads()))));
    }
    return m;
  }

  static Mat<Dfp> gaussian(Arith<Dfp> dfp, int rows, int cols, SplittableRandom r) {
    return Mat.of(dfp.field(), rows, cols, (i, j) -> dfp.ofDouble(DifferentialTest.gaussian(r)));
  }

  static Prefix<Dfp> prefix(Arith<Dfp> dfp, Architecture a, Prefix.Kind kind, int p, SplittableRandom r) {
    return TestModels.prefix(a, kind, p, (rows, cols) -> gaussian(dfp, rows, cols, r));
  }
}
