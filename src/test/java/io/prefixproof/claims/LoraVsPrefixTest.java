package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** FT-2's search, its strict-reversal test and its budget count, each against a planted defect or a hand value. */
class LoraVsPrefixTest {

  static final Arith<BigFraction> EXACT = Arith.exact();

  @ParameterizedTest
  @EnumSource(LoraVsPrefix.Target.class)
  @DisplayName("planted defect: a LoRA that is not applied (B = 0) never yields a witness")
  void noOpLoraHasNoWitness(LoraVsPrefix.Target t) {
    Result<LoraVsPrefix.LoraCase> r = Property.of("noop-" + t, LoraVsPrefix.cases(t).map(c ->
        new LoraVsPrefix.LoraCase(c.model(), c.content(), t, c.a(), c.b().scale(BigFraction.ZERO)))).tries(400)
        .seed(1).run(LoraVsPrefix::noWitness);
    assertFalse(r.failed(), () -> "a no-op LoRA was certified beyond every prefix:\n" + r.counterexample());
  }

  /** d = 1, W_Q = W_V = W_O = 1, W_K = wk, causal, no biases, no MLP, up to 10 positions. */
  static Model<BigFraction> model(int wk) {
    Architecture a = Architecture.builder(1).dHead(1).dValue(1).mask(Architecture.Mask.CAUSAL)
        .scale(ScoreScale.fixed(BigFraction.ONE)).maxContext(10).build();
    Mat<BigFraction> one = Mat.ofInts(1, new int[][] {{1}});
    return new Model<>(a, EXACT, Map.of(Names.wq(0, 0), one, Names.wk(0, 0), Mat.ofInts(1, new int[][] {{wk}}),
        Names.wv(0, 0), one, Names.wo(0), one));
  }

  static Trace<BigFraction> run(Model<BigFraction> m) {
    return Forward.run(m, Prefix.none(), Content.vectors(Mat.ofInts(1, new int[][] {{1}, {0}, {1}})));
  }

  @Test
  @DisplayName("the W_Q search's flip negates the last row's query, bias included (B = -8, by hand)")
  void flipNegatesTheLastQuery() {
    // d = 2, d_head = 1: W_Q = (1, 2), b_Q = 1, last row x = (1, 1), so q = 1 + 2 + 1 = 4; A = (1, 0) gives
    // A x = 1 and B = -2 * 4 / 1 = -8; then W_Q + B A = (-7, 2) and the query is -7 + 2 + 1 = -4
    Architecture a = Architecture.builder(2).dHead(1).dValue(1).attnBiases(true).mask(Architecture.Mask.CAUSAL)
        .scale(ScoreScale.fixed(BigFraction.ONE)).maxContext(4).build();
    Mat<BigFraction> zero = Mat.ofInts(1, new int[][] {{0}});
    Model<BigFraction> m = new Model<>(a, EXACT, Map.of(Names.wq(0, 0), Mat.ofInts(1, new int[][] {{1, 2}}),
        Names.bq(0, 0), Mat.ofInts(1, new int[][] {{1}}), Names.wk(0, 0), Mat.ofInts(1, new int[][] {{1, 0}}),
        Names.bk(0, 0), zero, Names.wv(0, 0), Mat.ofInts(1, new int[][] {{1, 0}}), Names.bv(0, 0), zero,
        Names.wo(0), Mat.ofInts(1, new int[][] {{1}, {1}}), Names.bo(0), Mat.ofInts(1, new int[][] {{0, 0}})));
    Mat<BigFraction> content = Mat.ofInts(1, new int[][] {{0, 1}, {1, 1}});
    Mat<BigFraction> drawn = Mat.ofInts(1, new int[][] {{3}});
    assertEquals(Mat.ofInts(1, new int[][] {{-8}}),
        LoraVsPrefix.flipLastQuery(m, content, Mat.ofInts(1, new int[][] {{1, 0}}), drawn));
    // A x = 0: no B negates the query, the drawn one stays
    assertEquals(drawn, LoraVsPrefix.flipLastQuery(m, content, Mat.ofInts(1, new int[][] {{1, -1}}), drawn));
  }

  @Test
  @DisplayName("the W_Q search finds a witness under seed 18, where the search without the flip found none in 3,000 cases")
  void queriesWitnessUnderSeed18() {
    Claim.Result r = LoraVsPrefix.claim(LoraVsPrefix.Target.QUERIES).run(new Claim.Settings(3000, 18, null));
    assertEquals(Claim.Status.COUNTEREXAMPLE, r.status(), r::detail);
  }

  @Test
  @DisplayName("a tie that becomes an order is not a reversal; a flipped strict order is")
  void strictReversalOnly() {
    // W_K = 0: every score is 0, all weights tie; W_K = 1 orders query 2's keys by x_j (1 > 0)
    assertFalse(LoraVsPrefix.strictReversal(run(model(0)), run(model(1))));
    // W_K = 1 -> -1 (rank-1 LoRA A = 1, B = -2): query 2's scores (1, 0, 1) become (-1, 0, -1), so key 1
    // goes from below keys 0, 2 to above them: κ is increasing, so the weights flip strictly
    LoraVsPrefix.LoraCase c = new LoraVsPrefix.LoraCase(model(1), Mat.ofInts(1, new int[][] {{1}, {0}, {1}}),
        LoraVsPrefix.Target.KEYS, Mat.ofInts(1, new int[][] {{1}}), Mat.ofInts(1, new int[][] {{-2}}));
    assertTrue(LoraVsPrefix.strictReversal(run(c.model()), run(c.tuned())));
    assertFalse(LoraVsPrefix.strictReversal(run(c.model()), run(c.model())), "a run against itself");
  }

  @Test
  @DisplayName("budget: rank-1 LoRA on an out x in matrix has out + in parameters; the paper's 12,288 = 12 * 4 * 256")
  void budgetCount() {
    // paper §6: rank-1 LoRA on W_O (256x256), MLP-in (1024x256) and MLP-out (256x1024) at each of 4 layers of
    // width 256 against a 12-position prefix: (512 + 1280 + 1280) * 4 = 12,288 = 12 * 4 * 256
    Architecture a = Architecture.builder(256).layers(4).dHead(64).dValue(256).mlp(1024, Architecture.Activation.RELU)
        .build();
    Map<String, Mat<BigFraction>> zeros = new java.util.HashMap<>();
    Model.shapes(a).forEach((name, sh) -> zeros.put(name, Mat.zeros(BigFractionField.getInstance(), sh[0], sh[1])));
    Model<BigFraction> m = new Model<>(a, EXACT, zeros);
    long total = 0;
    for (LoraVsPrefix.Target t : new LoraVsPrefix.Target[] {LoraVsPrefix.Target.OUT, LoraVsPrefix.Target.MLP_IN,
        LoraVsPrefix.Target.MLP_OUT}) {
      Mat<BigFraction> w = m.param(t.weight());
      total += new LoraVsPrefix.LoraCase(m, Mat.zeros(BigFractionField.getInstance(), 1, 256), t,
          Mat.zeros(BigFractionField.getInstance(), 1, w.cols()), Mat.zeros(BigFractionField.getInstance(), w.rows(), 1))
          .loraParameters() * a.layers();
    }
    assertEquals(12_288, total);
    assertEquals(12, total / ((long) a.layers() * a.dModel()), "prefix positions within the same budget");
    LoraVsPrefix.LoraCase out = new LoraVsPrefix.LoraCase(m, Mat.zeros(BigFractionField.getInstance(), 1, 256),
        LoraVsPrefix.Target.OUT, Mat.zeros(BigFractionField.getInstance(), 1, 256),
        Mat.zeros(BigFractionField.getInstance(), 256, 1));
    assertEquals(0, out.sameBudgetPrefixLength(), "one layer's W_O LoRA (512) buys no 4-layer prefix row (1024)");
  }
}
