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
import io.prefixproof.model.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The EJML engine against the generic core in Dfp (40 digits, error below 1e-35, so Dfp is the reference).
 *
 * <p>Error model for the double path: every output is L blocks deep; a block evaluates dot products of
 * length at most m = max(d, n + p, H·k_v, 4d) (forward error ≤ m·u·Σ|x_i y_i|), a max-shifted softmax
 * (relative error a few u per weight) and a LayerNorm (relative error a few u). With residual streams
 * the absolute error of a block is at most (4m + 50)·u·S for activations of size S, and a block may
 * amplify the incoming error by at most a factor 2 for these well-scaled weights. So
 * {@code tol = 2^L · L · (4m + 50) · u · S}, S the largest activation.
 */
class DifferentialTest {

  static final double U = Math.ulp(1.0) / 2;

  static Model<Dfp> randomModel(Arith<Dfp> dfp, int d, int heads, int layers, int maxContext, long seed,
      boolean post) {
    int k = d / heads;
    Architecture a = Architecture.builder(d).layers(layers).heads(heads).dHead(k).dValue(k)
        .mlp(4 * d, Architecture.Activation.GELU).norm(Architecture.NormKind.LAYER, true).postNorm(post)
        .attnBiases(true).positions(Architecture.PositionKind.LEARNED).maxContext(maxContext)
        .scale(ScoreScale.fixed(new BigFraction(1.0 / Math.sqrt(k)))).build();
    return weights(dfp, a, seed);
  }

  /** Gaussian weights scaled by 1/√fan-in (biases and gains 0.1, gains around 1) for every weight of {@code a}. */
  static Model<Dfp> weights(Arith<Dfp> dfp, Architecture a, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, Mat<Dfp>> p = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : Model.shapes(a).entrySet()) {
      int[] s = e.getValue();
      String n = e.getKey();
      boolean gain = n.endsWith(".g");
      double sd = s[0] == 1 ? 0.1 : 1 / Math.sqrt(s[1]);
      p.put(n, Mat.of(dfp.field(), s[0], s[1], (i, j) -> dfp.ofDouble((gain ? 1 : 0) + sd * gaussian(r))));
    }
    return new Model<>(a, dfp, p);
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  @ParameterizedTest(name = "d={0} heads={1} layers={2} tokens={3} prefix={4} post-norm={5}")
  @CsvSource({"64, 4, 3, 64, 4, false", "1, 1, 1, 1, 1, false", "16, 2, 3, 16, 2, true"})
  @DisplayName("the largest and smallest shapes, and post-norm: EJML and the Dfp core agree, a planted error is caught")
  void enginesAgree(int d, int heads, int layers, int n, int p, boolean post) {
    agree(d, heads, layers, n, p, post);
  }

  @Test
  @DisplayName("random shapes up to d=32, 4 heads, 3 layers, 32 tokens (property engine)")
  void randomShapes() {
    Gen<int[]> shapes = Gen.integers(1, 4).flatMap(h -> Gen.integers(1, 8).flatMap(k -> Gen.integers(1, 3)
        .flatMap(l -> Gen.integers(1, 32).flatMap(n -> Gen.integers(1, 4).map(p -> new int[] {h * k, h, l, n, p})))));
    Property.of("EJML = Dfp", shapes).seed(17).tries(8).printer(java.util.Arrays::toString).check(s -> {
      agree(s[0], s[1], s[2], s[3], s[4], false);
      return true;
    });
  }

  static void agree(int d, int heads, int layers, int n, int p, boolean post) {
    Arith<Dfp> dfp = Arith.dfp(40);
    Model<Dfp> model = randomModel(dfp, d, heads, layers, n + p, 11L * d + n, post);
    SplittableRandom r = new SplittableRandom(d);
    Mat<Dfp> content = Mat.of(dfp.field(), n, d, (i, j) -> dfp.ofDouble(gaussian(r)));
    List<Mat<Dfp>> rows = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      rows.add(Mat.of(dfp.field(), p, d, (i, j) -> dfp.ofDouble(gaussian(r))));
    }
    Prefix<Dfp> prefix = Prefix.residual(rows);
    Trace<Dfp> ref = Forward.run(model, prefix, Content.vectors(content));
    FastModel fast = FastModel.of(model);
    FastModel.Trace got = fast.run(dfp, prefix, Content.vectors(content));
    Mat<Dfp> want = ref.hidden();
    DMatrixRMaj out = got.layers().get(layers - 1).output();
    double scale = 1;
    for (int i = 0; i < want.rows(); i++) {
      for (int j = 0; j < want.cols(); j++) {
        scale = Math.max(scale, Math.abs(dfp.toDouble(want.get(i, j))));
      }
    }
    int m = Math.max(Math.max(d, n + p), 4 * d);
    double tol = Math.pow(2, layers) * layers * (4 * m + 50) * U * scale;
    double err = maxError(dfp, want, finalNorm(fast, out));
    System.out.printf("d=%d n=%d: max |EJML - Dfp| = %.3g, tolerance %.3g (ratio %.2g)%n", d, n, err, tol, err / tol);
    assertTrue(err <= tol, "EJML differs from the Dfp core by " + err + " > " + tol);
    // a planted violation a little larger than the tolerance is caught
    DMatrixRMaj planted = finalNorm(fast, out);
    planted.add(n / 2, d / 2, 1.5 * tol);
    assertTrue(maxError(dfp, want, planted) > tol, "planted error of 1.5 tol not caught");
  }

  /** The hidden state after the final LayerNorm, by the engine's own LayerNorm. */
  static DMatrixRMaj finalNorm(FastModel fast, DMatrixRMaj x) {
    return FastModel.layerNorm(x, fast.param(Names.LNF_G), fast.param(Names.LNF_B),
        fast.arch().normEps().doubleValue());
  }

  static double maxError(Arith<Dfp> dfp, Mat<Dfp> want, DMatrixRMaj got) {
    double err = 0;
    int sp = got.numRows - want.rows();
    for (int i = 0; i < want.rows(); i++) {
      for (int j = 0; j < want.cols(); j++) {
        err = Math.max(err, Math.abs(dfp.toDouble(want.get(i, j)) - got.get(i + sp, j)));
      }
    }
    return err;
  }
}
