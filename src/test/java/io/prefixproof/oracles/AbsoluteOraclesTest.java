package io.prefixproof.oracles;

import static io.prefixproof.oracles.Oracles.f;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.ExactArith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.RationalKernel;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import java.util.Map;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.apache.commons.math3.util.Decimal64;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every semantic choice of the engines against an oracle they do not share (see {@link Oracles}); the
 * same oracles fail on planted-wrong variants in {@link PlantedSemanticDefectsTest}.
 */
class AbsoluteOraclesTest {

  @Test
  @DisplayName("exact kernels are positive and strictly increasing, both signs (the reference's own κ too)")
  void exactKernels() {
    Oracles.exactKernelPositiveAndIncreasing(RationalKernel.POLYNOMIAL::apply);
    Oracles.exactKernelPositiveAndIncreasing(RationalKernel.DYADIC::apply);
    Oracles.exactKernelPositiveAndIncreasing(ReferenceTransformer::kappa);
  }

  @Test
  @DisplayName("double and Dfp kernels are positive and strictly increasing on [-700, 700]")
  void doubleKernels() {
    Arith<Decimal64> d = Arith.decimal64();
    Oracles.doubleKernelPositiveAndIncreasing(x -> d.kernel(new Decimal64(x)).doubleValue());
    Arith<Dfp> dfp = Arith.dfp(40);
    Oracles.doubleKernelPositiveAndIncreasing(x -> dfp.toDouble(dfp.kernel(dfp.ofDouble(x))));
  }

  @Test
  @DisplayName("each engine's attention weights are positive and ordered as the scores (exact, both kernels, double)")
  void weightsFollowScores() {
    Oracles.weightsFollowScores(s -> Oracles.exactWeights(ExactArith.POLYNOMIAL, s));
    Oracles.weightsFollowScores(s -> Oracles.exactWeights(ExactArith.DYADIC, s));
    Oracles.weightsFollowScores(Oracles::doubleWeights);
  }

  @Test
  @DisplayName("ALiBi scores with the paper's per-head slopes, H = 4 and 8, equal the hand-derived values (both engines)")
  void alibi() {
    assertEquals(Oracles.mat(1, 4, f(1, 4), f(1, 16), f(1, 64), f(1, 256)), Oracles.paperSlopes(4));
    Oracles.alibiScores(Oracles::exactScores);
    Oracles.alibiScores(Oracles::doubleScores);
  }

  @Test
  @DisplayName("exact RoPE at d_head = 4, positions 0..3, equals the hand-expanded rotations")
  void exactRope() {
    Oracles.exactRope(Oracles::exactRopeRows);
  }

  @Test
  @DisplayName("double RoPE at d_head = 8, positions 0..48, within its error model of the closed form (rotation and engine)")
  void doubleRope() {
    double ratio = Oracles.doubleRope(FastModel::rope);
    double throughEngine = Oracles.doubleRope(AbsoluteOraclesTest::ropeThroughEngine);
    System.out.printf("double RoPE: largest error/tolerance %.3g (rotation), %.3g (engine queries)%n", ratio,
        throughEngine);
  }

  /** RoPE as the double engine applies it to queries: W_Q = I, content = x from position 0, queries read back. */
  static void ropeThroughEngine(DMatrixRMaj x, int[] positions, DMatrixRMaj c1, DMatrixRMaj s1) {
    int d = x.numCols;
    Architecture a = Architecture.builder(d).positions(Architecture.PositionKind.ROPE).maxContext(x.numRows).build();
    Model<BigFraction> m = Oracles.model(a, Map.of(Names.wq(0, 0), Mat.identity(BigFractionField.getInstance(), d),
        Names.ROPE_COS, Mat.of(BigFractionField.getInstance(), 1, d / 2, (i, j) -> new BigFraction(c1.get(0, j))),
        Names.ROPE_SIN, Mat.of(BigFractionField.getInstance(), 1, d / 2, (i, j) -> new BigFraction(s1.get(0, j)))));
    for (int i = 0; i < positions.length; i++) {
      assertEquals(i, positions[i], "the engine puts content at positions 0..n-1");
    }
    Mat<BigFraction> rows = Mat.of(BigFractionField.getInstance(), x.numRows, d, (i, j) -> new BigFraction(x.get(i, j)));
    DMatrixRMaj q = FastModel.of(m).run(m.arith(), Prefix.none(), Content.vectors(rows)).layers().get(0).heads().get(0)
        .queries();
    x.setTo(q);
  }

  @Test
  @DisplayName("rank-2 LoRA with alpha/r on a non-square weight equals the hand-derived matrix")
  void lora() {
    Oracles.loraRankTwo((lora, m) -> lora.apply(m));
  }

  @Test
  @DisplayName("parameter counts and shapes of a non-square model equal the hand count (513)")
  void parameterCounts() {
    Oracles.parameterCounts(Model::shapes);
    assertEquals(513, Oracles.model(Oracles.COUNTED, Map.of()).parameterCount());
  }

  @Test
  @DisplayName("greedy decoding: five steps, ties to the lowest index, always from the last position")
  void greedyDecoding() {
    Model<BigFraction> m = Oracles.decodingModel();
    Oracles.greedyDecoding(tokens -> Forward.generate(m, Prefix.none(), tokens, 5));
  }

  @Test
  @DisplayName("per-sequence scale T/sqrt(p + n) counts the prefix: hand-derived scores in both engines")
  void perSequenceScale() {
    Content<BigFraction> c = Content.vectors(Oracles.SCALE_CONTENT);
    Oracles.perSequenceScale((m, p) -> Forward.run(m, p, c).head(0, 0).scores());
    Oracles.perSequenceScale((m, p) -> {
      DMatrixRMaj s = FastModel.of(m).run(m.arith(), p, c).layers().get(0).heads().get(0).scores();
      return Mat.of(BigFractionField.getInstance(), s.numRows, s.numCols, (i, j) -> new BigFraction(s.get(i, j)));
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LIM-1", "LIM-1c", "LIM-2", "LIM-3", "LIM-4", "LIM-5", "LIM-6"})
  @DisplayName("each limitation claim's prefixed runs equal the independent reference at every layer and head")
  void limitationCasesAgreeWithReference(String id) {
    Oracles.claimCasesAgreeWithReference(id, Oracles.FORWARD, 12);
  }

  @Test
  @DisplayName("fixed cases of every prefix kind, with RoPE, ALiBi, both rational norms, MLP, both scales")
  void fixedCasesAgreeWithReference() {
    for (Oracles.FixedCase c : Oracles.fixedCases()) {
      Oracles.agreesWithReference(Oracles.FORWARD, c.model(), c.prefix(), c.content());
    }
  }
}
