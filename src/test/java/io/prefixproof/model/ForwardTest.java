package io.prefixproof.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.adapt.FullFineTune;
import io.prefixproof.adapt.HardPrompt;
import io.prefixproof.adapt.KeyValuePrefix;
import io.prefixproof.adapt.Lora;
import io.prefixproof.adapt.ResidualPrefix;
import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.util.Decimal64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Examples small enough to check by pencil, in exact fractions (kernel κ(s) = 1 + s + s²/2 for s ≥ 0). */
class ForwardTest {

  static final Arith<BigFraction> EX = Arith.exact();

  static Mat<BigFraction> m(int den, int[]... rows) {
    return Mat.ofInts(den, rows);
  }

  static BigFraction f(int n, int d) {
    return new BigFraction(n, d);
  }

  /** d = 1, one head with W_Q = W_K = W_V = [1], W_O = [1], optional vocab 2 (E = [[1],[2]], U = [[1],[-1]]). */
  static Model<BigFraction> scalarModel(Architecture.Builder b) {
    Architecture a = b.build();
    Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : Model.shapes(a).entrySet()) {
      int[] s = e.getValue();
      p.put(e.getKey(), Mat.of(EX.field(), s[0], s[1], (i, j) -> BigFraction.ONE));
    }
    if (a.vocab() > 0) {
      p.put(Names.EMBED, m(1, new int[] {1}, new int[] {2}));
      p.put(Names.UNEMBED, m(1, new int[] {1}, new int[] {-1}));
    }
    return new Model<>(a, EX, p);
  }

  @Nested
  @DisplayName("one head")
  class OneHead {
    Model<BigFraction> model = scalarModel(Architecture.builder(1).maxContext(8));

    @Test
    @DisplayName("causal: query 1 weighs keys with κ(2) = 5 and κ(4) = 13")
    void causalHead() {
      Trace<BigFraction> t = Forward.run(model, Prefix.none(), Content.vectors(m(1, new int[] {1}, new int[] {2})));
      // scores q_i k_j = x_i x_j: row 0 sees only key 0; row 1: s = (2, 4) -> (5, 13)/18
      assertEquals(m(18, new int[] {18, 0}, new int[] {5, 13}), t.head(0, 0).weights());
      // t_1 = 5/18 * 1 + 13/18 * 2 = 31/18; residual adds x
      assertEquals(m(18, new int[] {18}, new int[] {31}), t.head(0, 0).out());
      assertEquals(m(18, new int[] {36}, new int[] {67}), t.layers().get(0).output());
    }

    @Test
    @DisplayName("bidirectional: query 0 also sees key 1, κ(1) = 5/2 and κ(2) = 5")
    void bidirectionalMask() {
      Model<BigFraction> bi = scalarModel(Architecture.builder(1).mask(Architecture.Mask.BIDIRECTIONAL));
      Trace<BigFraction> t = Forward.run(bi, Prefix.none(), Content.vectors(m(1, new int[] {1}, new int[] {2})));
      assertEquals(m(3, new int[] {1, 2}, new int[] {0, 0}).rows(0, 1), t.head(0, 0).weights().rows(0, 1));
    }

    @Test
    @DisplayName("key/value prefix with key 0 and value 5: weights (2/7, 5/7), output 15/7")
    void keyValuePrefix() {
      KeyValuePrefix<BigFraction> kv = new KeyValuePrefix<>(List.of(List.of(m(1, new int[] {0}))),
          List.of(List.of(m(1, new int[] {5}))));
      Trace<BigFraction> t = kv.run(model, Content.vectors(m(1, new int[] {1})));
      // prefix score 0 -> κ = 1; content score 1 -> κ = 5/2; weights 1/(7/2) and (5/2)/(7/2)
      assertEquals(m(7, new int[] {2, 5}), t.head(0, 0).weights());
      assertEquals(m(7, new int[] {15}), t.head(0, 0).out());
      assertEquals(2, kv.freeParameters());
    }

    @Test
    @DisplayName("residual prefix row s = 1 at layer 0 behaves like a content row 1 seen by every query")
    void residualPrefix() {
      ResidualPrefix<BigFraction> rp = new ResidualPrefix<>(List.of(m(1, new int[] {1})));
      Trace<BigFraction> t = rp.run(model, Content.vectors(m(1, new int[] {1})));
      // the content query sees the prefix key 1 and itself: equal scores, weights 1/2 each
      assertEquals(m(2, new int[] {1, 1}), t.head(0, 0).weights().rows(1, 2));
      assertEquals(1, rp.freeParameters());
    }
  }

  @Test
  @DisplayName("two heads are concatenated and mixed by W_O = [1, 1]")
  void multiHead() {
    Model<BigFraction> two = scalarModel(Architecture.builder(1).heads(2).residual(false));
    Trace<BigFraction> t = Forward.run(two, Prefix.none(), Content.vectors(m(1, new int[] {3})));
    // each head outputs its only value 3; W_O sums them
    assertEquals(m(1, new int[] {6}), t.layers().get(0).output());
  }

  @Test
  @DisplayName("RoPE with the (3, 4, 5) rotation turns [1, 0] at position 1 into [3/5, 4/5]")
  void ropeRotation() {
    Architecture a = Architecture.builder(2).positions(Architecture.PositionKind.ROPE).build();
    Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
    Model.shapes(a).forEach((k, s) -> p.put(k, Mat.identity(EX.field(), 2).rows(0, s[0]).cols(0, s[1])));
    p.put(Names.ROPE_COS, m(5, new int[] {3}));
    p.put(Names.ROPE_SIN, m(5, new int[] {4}));
    Model<BigFraction> model = new Model<>(a, EX, p);
    Mat<BigFraction> r = Forward.rope(model, m(1, new int[] {1, 0}, new int[] {1, 0}), new int[] {1, 2});
    assertEquals(m(25, new int[] {15, 20}, new int[] {-7, 24}), r);
  }

  @Test
  @DisplayName("hard prompt, soft prompt of its embedding rows, and greedy decoding")
  void promptsAndDecoding() {
    Model<BigFraction> model = scalarModel(Architecture.builder(1).vocab(2).maxContext(8));
    Trace<BigFraction> hard = new HardPrompt<BigFraction>(new int[] {1}).run(model, Content.tokens(0));
    Trace<BigFraction> soft = new SoftPrompt<>(m(1, new int[] {2})).run(model, Content.tokens(0));
    assertEquals(hard.logits(), soft.logits());
    // stream [2, 1]: token-1 row gives weights over keys (2, 1) with scores (2, 1): κ = 5, 5/2 -> (2/3, 1/3)
    assertEquals(m(3, new int[] {2, 1}), hard.head(0, 0).weights().rows(1, 2));
    // hidden = 1 + 2/3*2 + 1/3*1 = 8/3 > 0, so logits (8/3, -8/3) pick token 0 (ties go to the lowest index)
    assertArrayEquals(new int[] {0}, Forward.generate(model, Prefix.none(), new int[] {1, 0}, 1));
  }

  @Test
  @DisplayName("LoRA adds (alpha/r) B A; full fine-tuning adds deltas")
  void weightAdaptations() {
    Model<BigFraction> model = scalarModel(Architecture.builder(1));
    Lora<BigFraction> lora = new Lora<>(Names.wk(0, 0), m(1, new int[] {2}), m(1, new int[] {3}), f(1, 2));
    assertEquals(m(1, new int[] {4}), lora.apply(model).param(Names.wk(0, 0)));
    assertEquals(2, lora.freeParameters());
    FullFineTune<BigFraction> ft = new FullFineTune<>(Map.of(Names.wv(0, 0), m(1, new int[] {-1})));
    assertEquals(m(1, new int[] {0}), ft.apply(model).param(Names.wv(0, 0)));
    assertEquals(1, ft.freeParameters());
    // W_Q, W_K, W_V and W_O, one entry each
    assertEquals(4, model.parameterCount());
  }

  @Test
  @DisplayName("the double softmax is max-shifted: scores of ±1e300 give finite weights, no NaN")
  void softmaxNeverNaN() {
    Arith<Decimal64> d = Arith.decimal64();
    Mat<Decimal64> scores = Mat.of(d.field(), 1, 3, (i, j) -> new Decimal64(new double[] {1e300, -1e300, 1e300}[j]));
    Mat<Decimal64> w = Forward.softmaxRows(d, scores, new boolean[][] {{true, true, true}});
    assertEquals(0.5, w.get(0, 0).doubleValue());
    assertEquals(0.0, w.get(0, 1).doubleValue());
    assertEquals(0.5, w.get(0, 2).doubleValue());
    io.prefixproof.fast.FastModel fast = io.prefixproof.fast.FastModel.of(
        scalarModel(Architecture.builder(1)).toArith(d).with(Names.wq(0, 0),
            Mat.of(d.field(), 1, 1, (i, j) -> new Decimal64(1e150))));
    io.prefixproof.fast.FastModel.Trace t = fast.run(d, Prefix.none(),
        Content.vectors(Mat.of(d.field(), 2, 1, (i, j) -> new Decimal64(i == 0 ? 1 : -1))));
    // scores ±1e150: exp(s - max) is exp(0) or exp(-2e150) = 0, never NaN
    for (double v : t.layers().get(0).heads().get(0).weights().data) {
      assertTrue(Double.isFinite(v), "weight " + v);
    }
    // a score that overflows is an error naming where, not a NaN
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> fast.run(d, Prefix.none(),
        Content.vectors(Mat.of(d.field(), 1, 1, (i, j) -> new Decimal64(1e200)))));
    assertTrue(e.getMessage().contains("head 0, query 0, key 0"), e.getMessage());
  }

  @Nested
  @DisplayName("bad input names the offending object")
  class BadInput {
    Model<BigFraction> model = scalarModel(Architecture.builder(1).maxContext(2));

    @Test
    void misshapenWeight() {
      Map<String, Mat<BigFraction>> p = new LinkedHashMap<>(model.params());
      p.put(Names.wq(0, 0), m(1, new int[] {1, 2}));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Model<>(model.arch(), EX, p));
      assertTrue(e.getMessage().contains("L0.h0.Wq has shape 1x2, expected 1x1"), e.getMessage());
    }

    @Test
    void prefixLongerThanContext() {
      ResidualPrefix<BigFraction> rp = new ResidualPrefix<>(List.of(m(1, new int[] {1}, new int[] {1})));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> rp.run(model, Content.vectors(m(1, new int[] {1}))));
      assertTrue(e.getMessage().contains("exceeds the context of 2 positions"), e.getMessage());
    }

    @Test
    void loraRankTooLarge() {
      Lora<BigFraction> lora = new Lora<>(Names.wk(0, 0), m(1, new int[] {1}, new int[] {1}),
          m(1, new int[] {1, 1}), BigFraction.ONE);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lora.apply(model));
      assertTrue(e.getMessage().contains("LoRA rank 2 exceeds min(rows, cols) = 1 of L0.h0.Wk"), e.getMessage());
    }

    @Test
    void nonFiniteWeights() {
      Model<Decimal64> dbl = model.toArith(Arith.decimal64());
      Mat<Decimal64> nan = Mat.of(Arith.decimal64().field(), 1, 1, (i, j) -> new Decimal64(Double.NaN));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dbl.with(Names.wv(0, 0), nan));
      assertTrue(e.getMessage().contains("L0.h0.Wv has the non-finite value NaN at (0, 0)"), e.getMessage());
      Mat<Decimal64> inf = Mat.of(Arith.decimal64().field(), 1, 1, (i, j) -> new Decimal64(Double.NEGATIVE_INFINITY));
      e = assertThrows(IllegalArgumentException.class, () -> dbl.with(Names.wo(0), inf));
      assertTrue(e.getMessage().contains("L0.Wo has the non-finite value -Infinity"), e.getMessage());
    }

    @Test
    void mismatchedContent() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Forward.run(model, Prefix.none(), Content.vectors(m(1, new int[] {1, 2}))));
      assertTrue(e.getMessage().contains("content vectors have shape 1x2, expected n x 1"), e.getMessage());
    }
  }
}
