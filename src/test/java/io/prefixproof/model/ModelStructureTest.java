package io.prefixproof.model;

import static io.prefixproof.model.TestModels.constant;
import static io.prefixproof.model.TestModels.f;
import static io.prefixproof.model.TestModels.m;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.util.Decimal64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Architectures, weight names and shapes, models, content, prefixes and traces: contracts and messages. */
class ModelStructureTest {

  static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  /** Every option away from its default: 2 layers, 3 heads, k = 2, k_v = 3, d = 4, MLP 7, V = 5, context 6. */
  static final Architecture FULL = Architecture.builder(4).vocab(5).layers(2).heads(3).dHead(2).dValue(3)
      .mlp(7, Architecture.Activation.GELU).norm(Architecture.NormKind.LAYER, true).postNorm(true).attnBiases(true)
      .mask(Architecture.Mask.BIDIRECTIONAL).positions(Architecture.PositionKind.LEARNED).maxContext(6)
      .scale(ScoreScale.fixed(f(1, 2))).residual(false).build();

  @Nested
  @DisplayName("architecture")
  class Architectures {
    @Test
    @DisplayName("every non-positive size, negative vocabulary or MLP width, odd RoPE head, bad ε and null field is refused")
    void validation() {
      assertMessage("dModel must be positive, got 0", () -> Architecture.builder(0).build());
      assertMessage("layers must be positive, got 0", () -> Architecture.builder(1).layers(0).build());
      assertMessage("heads must be positive, got 0", () -> Architecture.builder(1).heads(0).build());
      assertMessage("dHead must be positive, got 0", () -> Architecture.builder(1).dHead(0).build());
      assertMessage("dValue must be positive, got 0", () -> Architecture.builder(1).dValue(0).build());
      assertMessage("maxContext must be positive, got 0", () -> Architecture.builder(1).maxContext(0).build());
      assertMessage("vocab and mlpHidden must be non-negative, got -1 and 0", () -> Architecture.builder(1).vocab(-1).build());
      assertMessage("vocab and mlpHidden must be non-negative, got 0 and -1",
          () -> Architecture.builder(1).mlp(-1, Architecture.Activation.RELU).build());
      assertMessage("RoPE needs an even head dimension, got dHead=3",
          () -> Architecture.builder(3).positions(Architecture.PositionKind.ROPE).build());
      assertMessage("normEps must be non-negative, got -1 / 100", () -> Architecture.builder(1).normEps(f(-1, 100)).build());
      assertMessage("normEps must be non-negative, got null", () -> Architecture.builder(1).normEps(null).build());
      assertMessage("architecture fields must not be null", () -> Architecture.builder(1).mask(null).build());
      assertMessage("architecture fields must not be null", () -> Architecture.builder(1).scale(null).build());
      assertMessage("architecture fields must not be null", () -> Architecture.builder(1).positions(null).build());
      assertMessage("architecture fields must not be null",
          () -> Architecture.builder(1).mlp(0, null).build());
      assertMessage("architecture fields must not be null", () -> Architecture.builder(1).norm(null, false).build());
      assertMessage("skipping the attention norm needs pre-norm blocks with a norm, got norm=NONE",
          () -> Architecture.builder(1).attentionNorm(false).build());
      assertMessage("skipping the attention norm needs pre-norm blocks with a norm, got norm=RMS post-norm",
          () -> Architecture.builder(1).norm(Architecture.NormKind.RMS, false).postNorm(true).attentionNorm(false).build());
      // the smallest legal values
      Architecture small = Architecture.builder(2).normEps(BigFraction.ZERO).positions(Architecture.PositionKind.ROPE).build();
      assertEquals(2, small.dHead());
      assertEquals(BigFraction.ZERO, small.normEps());
    }

    @Test
    @DisplayName("the summary line names every field; post- only with a norm")
    void summary() {
      assertEquals("L2 H3 d4 k2 kv3 mlp7/GELU V5 bidirectional pos=LEARNED norm=post-LAYER+final biases scale=1/2"
          + " no-residual ctx=6", FULL.summary());
      assertEquals("L1 H1 d2 k2 kv2 mlp0 V0 causal pos=NONE norm=NONE scale=1 residual ctx=64",
          Architecture.builder(2).postNorm(true).build().summary());
      Architecture skip = Architecture.builder(2).norm(Architecture.NormKind.LAYER, false).attentionNorm(false).build();
      assertEquals("L1 H1 d2 k2 kv2 mlp0 V0 causal pos=NONE norm=LAYER scale=1 residual ctx=64 no-attention-norm",
          skip.summary());
      assertFalse(skip.normsAttentionInput());
      assertTrue(skip.toBuilder().attentionNorm(true).build().normsAttentionInput());
    }

    @Test
    @DisplayName("toBuilder keeps every field")
    void toBuilderRoundTrip() {
      assertEquals(FULL, FULL.toBuilder().build());
      assertEquals(f(1, 100000), Architecture.builder(1).build().normEps());
      assertEquals(f(1, 1000), FULL.toBuilder().normEps(f(1, 1000)).build().normEps());
    }

    @Test
    @DisplayName("LayerNorm and its rational stand-in carry a bias, RMS kinds do not")
    void normBiases() {
      assertTrue(Architecture.NormKind.LAYER.hasBias());
      assertTrue(Architecture.NormKind.RATIONAL_LAYER.hasBias());
      assertFalse(Architecture.NormKind.RMS.hasBias());
      assertFalse(Architecture.NormKind.RATIONAL_RMS.hasBias());
      assertFalse(Architecture.NormKind.NONE.hasBias());
    }
  }

  @Test
  @DisplayName("weight names: per head, per layer and global")
  void names() {
    assertEquals(List.of("L1.h2.Wq", "L1.h2.Wk", "L1.h2.Wv", "L1.h2.bq", "L1.h2.bk", "L1.h2.bv"),
        List.of(Names.wq(1, 2), Names.wk(1, 2), Names.wv(1, 2), Names.bq(1, 2), Names.bk(1, 2), Names.bv(1, 2)));
    assertEquals(List.of("L3.Wo", "L3.bo", "L3.ln1.g", "L3.ln1.b", "L3.ln2.g", "L3.ln2.b", "L3.mlp.W1", "L3.mlp.c1",
        "L3.mlp.W2", "L3.mlp.c2"), List.of(Names.wo(3), Names.bo(3), Names.ln1g(3), Names.ln1b(3), Names.ln2g(3),
        Names.ln2b(3), Names.w1(3), Names.c1(3), Names.w2(3), Names.c2(3)));
  }

  @Nested
  @DisplayName("weights of a model")
  class Weights {
    @Test
    @DisplayName("the fully featured architecture has 528 weights, counted by hand per tensor")
    void parameterCount() {
      // embed 5·4 + pos 6·4 + per layer [ln1 4+4, per head (Wq 2·4, Wk 2·4, Wv 3·4, bq 2, bk 2, bv 3) · 3, Wo 4·9,
      // bo 4, ln2 4+4, W1 7·4, c1 7, W2 4·7, c2 4] · 2 + lnf 4+4 + unembed 5·4 = 20 + 24 + 228·2 + 8 + 20
      Model<BigFraction> model = TestModels.ones(FULL);
      assertEquals(528, model.parameterCount());
      assertArrayEquals(new int[] {4, 9}, Model.shapes(FULL).get("L1.Wo"));
      assertArrayEquals(new int[] {7, 4}, Model.shapes(FULL).get("L0.mlp.W1"));
      assertArrayEquals(new int[] {4, 7}, Model.shapes(FULL).get("L0.mlp.W2"));
      assertArrayEquals(new int[] {1, 3}, Model.shapes(FULL).get("L1.h2.bv"));
      assertArrayEquals(new int[] {6, 4}, Model.shapes(FULL).get(Names.POS));
    }

    @Test
    @DisplayName("names in order for RoPE, RMS norms (no biases) with a final norm, and an MLP")
    void ropeRmsNames() {
      Architecture a = Architecture.builder(2).dHead(4).positions(Architecture.PositionKind.ROPE)
          .norm(Architecture.NormKind.RMS, true).mlp(3, Architecture.Activation.RELU).build();
      Map<String, int[]> s = Model.shapes(a);
      assertEquals(List.of("rope.cos", "rope.sin", "L0.ln1.g", "L0.h0.Wq", "L0.h0.Wk", "L0.h0.Wv", "L0.Wo", "L0.ln2.g",
          "L0.mlp.W1", "L0.mlp.c1", "L0.mlp.W2", "L0.mlp.c2", "lnf.g"), new ArrayList<>(s.keySet()));
      assertArrayEquals(new int[] {1, 2}, s.get(Names.ROPE_SIN));
      assertArrayEquals(new int[] {4, 2}, s.get("L0.h0.Wq"));
      assertArrayEquals(new int[] {3, 2}, s.get("L0.mlp.W1"));
      assertArrayEquals(new int[] {1, 3},
          Model.shapes(Architecture.builder(1).heads(3).positions(Architecture.PositionKind.ALIBI).build()).get(Names.ALIBI));
      // a final norm needs a norm kind; an MLP-free layer has no second norm
      assertEquals(List.of("L0.h0.Wq", "L0.h0.Wk", "L0.h0.Wv", "L0.Wo"),
          new ArrayList<>(Model.shapes(Architecture.builder(1).norm(Architecture.NormKind.NONE, true).build()).keySet()));
      assertEquals(List.of("L0.ln1.g", "L0.ln1.b", "L0.h0.Wq", "L0.h0.Wk", "L0.h0.Wv", "L0.Wo"), new ArrayList<>(
          Model.shapes(Architecture.builder(1).norm(Architecture.NormKind.RATIONAL_LAYER, false).build()).keySet()));
    }

    Architecture small = Architecture.builder(2).build();

    @Test
    @DisplayName("a missing, extra or unknown weight is named with the architecture")
    void missingAndUnexpected() {
      Map<String, Mat<BigFraction>> p = new LinkedHashMap<>(TestModels.ones(small).params());
      p.remove("L0.Wo");
      assertMessage("missing weight L0.Wo (expected shape 2x2) for " + small.summary(),
          () -> new Model<>(small, Arith.exact(), p));
      p.put("L0.Wo", constant(2, 2, BigFraction.ONE));
      p.put("L0.h1.Wq", constant(2, 2, BigFraction.ONE));
      assertMessage("unexpected weight L0.h1.Wq for " + small.summary(), () -> new Model<>(small, Arith.exact(), p));
      Model<BigFraction> model = TestModels.ones(small);
      assertMessage("model has no weight named alibi (" + small.summary() + ")", () -> model.param(Names.ALIBI));
      assertMessage("model has no weight named alibi (" + small.summary() + ")",
          () -> model.with(Names.ALIBI, constant(1, 1, BigFraction.ONE)));
      assertTrue(model.has("L0.Wo"));
      assertFalse(model.has(Names.ALIBI));
    }

    @Test
    @DisplayName("weights are kept in shape order; equality, hash, printing and conversion")
    void modelValue() {
      Map<String, Mat<BigFraction>> reversed = new LinkedHashMap<>();
      List<String> names = new ArrayList<>(Model.shapes(small).keySet());
      for (int i = names.size() - 1; i >= 0; i--) {
        reversed.put(names.get(i), constant(2, 2, BigFraction.ONE));
      }
      Model<BigFraction> a = new Model<>(small, Arith.exact(), reversed);
      Model<BigFraction> b = TestModels.ones(small);
      assertEquals(names, new ArrayList<>(a.params().keySet()));
      assertEquals(b, a);
      assertEquals(b.hashCode(), a.hashCode());
      assertNotEquals(b, b.with("L0.Wo", constant(2, 2, f(1, 2))));
      assertNotEquals(b, TestModels.ones(small.toBuilder().maxContext(5).build()));
      assertNotEquals(b, "a model");
      assertEquals(f(1, 2), b.with("L0.Wo", constant(2, 2, f(1, 2))).param("L0.Wo").get(1, 1));
      Model<BigFraction> one = TestModels.ones(Architecture.builder(1).build());
      assertEquals("L1 H1 d1 k1 kv1 mlp0 V0 causal pos=NONE norm=NONE scale=1 residual ctx=64 (exact)\n"
          + "  L0.h0.Wq 1x1 = [[1]]\n  L0.h0.Wk 1x1 = [[1]]\n  L0.h0.Wv 1x1 = [[1]]\n  L0.Wo 1x1 = [[1]]\n", one.toString());
      Model<Decimal64> d = one.with("L0.Wo", m(4, new int[] {3})).toArith(Arith.decimal64());
      assertEquals(0.75, d.param("L0.Wo").get(0, 0).doubleValue());
      assertEquals(Arith.decimal64(), d.arith());
      Model<BigFraction> doubled = one.convert(Arith.exact(), v -> v.multiply(2));
      assertEquals(m(1, new int[] {2}), doubled.param("L0.h0.Wk"));
    }
  }

  @Nested
  @DisplayName("content")
  class Contents {
    Model<BigFraction> model = TestModels.exact(Architecture.builder(2).vocab(3).build(),
        name -> name.equals(Names.EMBED) ? m(1, new int[] {1, 2}, new int[] {3, 4}, new int[] {5, 6}) : null);

    @Test
    @DisplayName("tokens are embedded by row, copied on the way in and out")
    void tokens() {
      int[] ts = {2, 0};
      Content<BigFraction> c = Content.tokens(ts);
      ts[0] = 1;
      assertEquals(m(1, new int[] {5, 6}, new int[] {1, 2}), c.embed(model));
      assertEquals(2, c.length());
      assertTrue(c.isTokens());
      c.tokenArray()[0] = 1;
      assertArrayEquals(new int[] {2, 0}, c.tokenArray());
      assertEquals("tokens [2, 0]", c.toString());
    }

    @Test
    @DisplayName("vectors are used as given; their width, and token range and vocabulary, are checked")
    void vectorsAndErrors() {
      Content<BigFraction> v = Content.vectors(m(1, new int[] {7, 8}));
      assertEquals(1, v.length());
      assertFalse(v.isTokens());
      assertEquals(m(1, new int[] {7, 8}), v.embed(model));
      assertEquals("vectors [[7, 8]]", v.toString());
      assertMessage("token 3 outside the vocabulary [0, 3)", () -> Content.<BigFraction>tokens(0, 3).embed(model));
      assertMessage("token -1 outside the vocabulary [0, 3)", () -> Content.<BigFraction>tokens(-1).embed(model));
      assertMessage("model has no vocabulary; give content as vectors",
          () -> Content.<BigFraction>tokens(0).embed(TestModels.ones(Architecture.builder(2).build())));
      assertMessage("content vectors have shape 1x3, expected n x 2",
          () -> Content.vectors(m(1, new int[] {1, 2, 3})).embed(model));
    }
  }

  @Nested
  @DisplayName("prefix shapes")
  class Prefixes {
    /** d = 1, k = 2, k_v = 3, two layers, two heads, context 3. */
    Architecture a = Architecture.builder(1).layers(2).heads(2).dHead(2).dValue(3).maxContext(3).build();

    List<List<Mat<BigFraction>>> perHead(int cols) {
      List<Mat<BigFraction>> heads = List.of(constant(1, cols, f(1, 2)), constant(1, cols, f(1, 3)));
      return List.of(heads, heads);
    }

    @Test
    @DisplayName("prefix plus content may fill the context but not exceed it")
    void context() {
      Prefix<BigFraction> p = Prefix.stream(constant(2, 1, BigFraction.ONE));
      p.validate(a, 1);
      assertMessage("prefix of 2 positions plus 2 content positions exceeds the context of 3 positions",
          () -> p.validate(a, 2));
    }

    @Test
    @DisplayName("every wrong count and shape is named")
    void shapes() {
      assertMessage("prompt rows has shape 1x2, expected 1x1", () -> Prefix.stream(constant(1, 2, BigFraction.ONE)).validate(a, 0));
      assertMessage("residual prefix has 1 layers, model has 2",
          () -> Prefix.residual(List.of(constant(1, 1, BigFraction.ONE))).validate(a, 0));
      assertMessage("residual prefix layer 1 has shape 1x2, expected 1x1", () -> Prefix.residual(
          List.of(constant(1, 1, BigFraction.ONE), constant(1, 2, BigFraction.ONE))).validate(a, 0));
      Prefix.keyValue(perHead(2), perHead(3)).validate(a, 2);
      assertMessage("key/value prefix has 2 key layers and 1 value layers, model has 2",
          () -> Prefix.keyValue(perHead(2), perHead(3).subList(0, 1)).validate(a, 0));
      assertMessage("key/value prefix has 1 key layers and 2 value layers, model has 2",
          () -> Prefix.keyValue(perHead(2).subList(0, 1), perHead(3)).validate(a, 0));
      List<List<Mat<BigFraction>>> oneHead = List.of(perHead(3).get(0), perHead(3).get(0).subList(0, 1));
      assertMessage("key/value prefix layer 1 has 2 key heads and 1 value heads, model has 2",
          () -> Prefix.keyValue(perHead(2), oneHead).validate(a, 0));
      assertMessage("key/value prefix layer 1 has 1 key heads and 2 value heads, model has 2",
          () -> Prefix.keyValue(List.of(perHead(2).get(0), perHead(2).get(0).subList(0, 1)), perHead(3)).validate(a, 0));
      assertMessage("prefix keys L0.h0 has shape 1x3, expected 1x2", () -> Prefix.keyValue(perHead(3), perHead(3)).validate(a, 0));
      assertMessage("prefix values L0.h0 has shape 1x2, expected 1x3", () -> Prefix.keyValue(perHead(2), perHead(2)).validate(a, 0));
      assertMessage("a residual prefix needs one p x d matrix per layer, got none", () -> Prefix.residual(List.of()));
      assertMessage("a key/value prefix needs keys for every layer and head, got none",
          () -> Prefix.keyValue(List.of(), List.of()));
      assertMessage("a key/value prefix needs keys for every layer and head, got none",
          () -> Prefix.keyValue(List.of(List.of()), List.of(List.of())));
    }

    @Test
    @DisplayName("kinds, lengths and printing")
    void kinds() {
      Prefix<BigFraction> none = Prefix.none();
      assertEquals(Prefix.Kind.NONE, none.kind());
      assertEquals(0, none.length());
      assertEquals(0, none.streamLength());
      assertEquals("no prefix", none.toString());
      Prefix<BigFraction> stream = Prefix.stream(m(1, new int[] {1}, new int[] {2}));
      assertEquals(2, stream.streamLength());
      assertEquals("prompt p=2 rows=[[1]; [2]]", stream.toString());
      Prefix<BigFraction> residual = Prefix.residual(List.of(m(1, new int[] {5})));
      assertEquals(1, residual.streamLength());
      assertEquals("residual prefix p=1 per layer=[[[5]]]", residual.toString());
      Prefix<BigFraction> kv = Prefix.keyValue(List.of(List.of(m(1, new int[] {0}))), List.of(List.of(m(1, new int[] {2}))));
      assertEquals(1, kv.length());
      assertEquals(0, kv.streamLength());
      assertEquals("key/value prefix p=1 keys=[[[[0]]]] values=[[[[2]]]]", kv.toString());
    }
  }

  @Test
  @DisplayName("trace views: a prompt row [1] before content [1], [2] in the all-ones model (κ(2) = 5, κ(4) = 13)")
  void traceViews() {
    Model<BigFraction> model = TestModels.ones(Architecture.builder(1).build());
    Trace<BigFraction> t = Forward.run(model, Prefix.stream(m(1, new int[] {1})), Content.vectors(m(1, new int[] {1}, new int[] {2})));
    assertEquals(2, t.contentLength());
    assertArrayEquals(new int[] {1, 2}, t.contentPositions());
    // query x = 1 sees (1, 1): equal weights; query x = 2 sees scores (2, 2, 4): (5, 5, 13)/23
    assertEquals(m(46, new int[] {23, 0}, new int[] {10, 26}), t.contentWeights(0, 0));
    assertEquals(m(46, new int[] {23}, new int[] {10}), t.prefixWeights(0, 0));
    // outputs 1/2 + 1/2 and (5 + 5 + 26)/23
    assertEquals(m(23, new int[] {23}, new int[] {36}), t.contentHeadOut(0, 0));
    assertEquals(m(1, new int[] {1}, new int[] {2}), t.contentInput(0));
  }
}
