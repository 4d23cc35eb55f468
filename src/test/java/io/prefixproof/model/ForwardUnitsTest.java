package io.prefixproof.model;

import static io.prefixproof.model.TestModels.constant;
import static io.prefixproof.model.TestModels.f;
import static io.prefixproof.model.TestModels.m;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.util.Decimal64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each part of the reference forward pass against values worked by hand from its definition, in exact
 * fractions with the kernel κ(s) = 1 + s + s²/2 (s ≥ 0), 1/κ(−s) (s &lt; 0): κ(1/2) = 13/8, κ(1) = 5/2,
 * κ(2) = 5, κ(3) = 17/2. Shapes are non-square or have two heads wherever a swapped index would otherwise
 * go unnoticed.
 */
class ForwardUnitsTest {

  static final Arith<BigFraction> EX = Arith.exact();

  static Mat<BigFraction> row(BigFraction... v) {
    return Mat.of(EX.field(), 1, v.length, (i, j) -> v[j]);
  }

  static Mat<BigFraction> rows(BigFraction[]... v) {
    return Mat.of(EX.field(), v.length, v[0].length, (i, j) -> v[i][j]);
  }

  static BigFraction[] r(BigFraction... v) {
    return v;
  }

  static BigFraction n(int v) {
    return new BigFraction(v);
  }

  static <T extends org.apache.commons.math3.FieldElement<T>> Prefix<T> kv(Mat<T> key, Mat<T> value, int heads) {
    List<Mat<T>> ks = java.util.Collections.nCopies(heads, key);
    List<Mat<T>> vs = java.util.Collections.nCopies(heads, value);
    return Prefix.keyValue(List.of(ks), List.of(vs));
  }

  @Nested
  @DisplayName("ALiBi")
  class Alibi {
    /** d = 1, two heads with slopes 1/2 and 1, W_Q = 0 so that scores are the ALiBi terms alone. */
    Model<BigFraction> model = TestModels.exact(
        Architecture.builder(1).heads(2).positions(Architecture.PositionKind.ALIBI).build(),
        name -> name.equals(Names.ALIBI) ? m(2, new int[] {1, 2})
            : name.startsWith("L0.h") && name.endsWith("Wq") ? m(1, new int[] {0}) : null);

    @Test
    @DisplayName("scores are −slope_h·|i − j| over prefix key positions 0 and content positions 1, 2 (causal)")
    void scoresAndWeights() {
      Trace<BigFraction> t = Forward.run(model, kv(m(1, new int[] {0}), m(1, new int[] {2}), 2),
          Content.vectors(m(1, new int[] {1}, new int[] {3})));
      assertArrayEquals(new int[] {1, 2}, t.positions());
      // head 0, slope 1/2: query at 1 sees distances (1, 0); query at 2 sees (2, 1, 0)
      assertEquals(rows(r(f(-1, 2), n(0), n(0)), r(n(-1), f(-1, 2), n(0))), t.head(0, 0).scores());
      // κ: (8/13, 1) over 21/13; (2/5, 8/13, 1) over 131/65
      assertEquals(rows(r(f(8, 21), f(13, 21), n(0)), r(f(26, 131), f(40, 131), f(65, 131))), t.head(0, 0).weights());
      // values: prefix 2, content W_V x = (1, 3): 8/21·2 + 13/21·1; 26/131·2 + 40/131·1 + 65/131·3
      assertEquals(rows(r(f(29, 21)), r(f(287, 131))), t.head(0, 0).out());
      // head 1, slope 1: (κ(−1), κ(0)) = (2/5, 1); (κ(−2), κ(−1), κ(0)) = (1/5, 2/5, 1)
      assertEquals(rows(r(f(2, 7), f(5, 7), n(0)), r(f(1, 8), f(1, 4), f(5, 8))), t.head(0, 1).weights());
    }
  }

  @Nested
  @DisplayName("RoPE at d_head = 4")
  class Rope {
    /** Pair 0 turns by the (3, 4, 5) angle, pair 1 by the (5, 12, 13) angle per position. */
    Model<BigFraction> model = TestModels.exact(
        Architecture.builder(4).positions(Architecture.PositionKind.ROPE).build(),
        name -> switch (name) {
          case Names.ROPE_COS -> row(f(3, 5), f(5, 13));
          case Names.ROPE_SIN -> row(f(4, 5), f(12, 13));
          case "L0.h0.Wq", "L0.h0.Wk", "L0.h0.Wv", "L0.Wo" -> Mat.identity(EX.field(), 4);
          default -> null;
        });

    /** Position 0 unchanged; (3+4i)²/25 = (−7+24i)/25, (3+4i)³/125 = (−117+44i)/125; (5+12i)²/169 = (−119+120i)/169, (5+12i)³/2197 = (−2035−828i)/2197. */
    static final Mat<BigFraction> ROTATED = rows(
        r(n(1), n(2), n(3), n(4)),
        r(f(-7, 25), f(24, 25), f(-120, 169), f(-119, 169)),
        r(f(-117, 125), f(44, 125), f(-2035, 2197), f(-828, 2197)));

    @Test
    @DisplayName("each pair m of a row at position p is turned by p·θ_m (positions 0, 2, 3)")
    void rotation() {
      Mat<BigFraction> x = m(1, new int[] {1, 2, 3, 4}, new int[] {1, 0, 0, 1}, new int[] {1, 0, 1, 0});
      assertEquals(ROTATED, Forward.rope(model, x, new int[] {0, 2, 3}));
    }

    @Test
    @DisplayName("in a run queries and content keys are rotated at positions p.., prefix keys and all values are not")
    void inTheForwardPass() {
      Mat<BigFraction> key = m(1, new int[] {1, 1, 0, 0}, new int[] {0, 0, 1, 1});
      Mat<BigFraction> value = m(1, new int[] {2, 0, 0, 0}, new int[] {0, 0, 0, 2});
      Mat<BigFraction> x = m(1, new int[] {1, 0, 0, 1}, new int[] {1, 0, 1, 0});
      Trace<BigFraction> t = Forward.run(model, kv(key, value, 1), Content.vectors(x));
      Mat<BigFraction> rotated = ROTATED.rows(1, 3);
      assertEquals(rotated, t.head(0, 0).queries());
      assertEquals(key.vstack(rotated), t.head(0, 0).keys());
      assertEquals(value.vstack(x), t.head(0, 0).values());
    }
  }

  @Nested
  @DisplayName("score scales")
  class Scales {
    Architecture.Builder base = Architecture.builder(1).maxContext(8);

    @Test
    @DisplayName("per-sequence σ = T/√n counts prefix positions: T = 4 with p = 2, n = 2 gives σ = 2")
    void perSequenceCountsThePrefix() {
      Model<BigFraction> model = TestModels.ones(base.scale(new ScoreScale.PerSequence(n(4))).build());
      Trace<BigFraction> t = Forward.run(model, kv(m(1, new int[] {1}, new int[] {3}), m(1, new int[] {0}, new int[] {0}), 1),
          Content.vectors(m(1, new int[] {1}, new int[] {2})));
      // dots q_i k_j: query 1 → keys (1, 3, 1), query 2 → (2, 6, 2, 4); σ = 2 on every allowed entry
      assertEquals(rows(r(n(2), n(6), n(2), n(0)), r(n(4), n(12), n(4), n(8))), t.head(0, 0).scores());
    }

    @Test
    @DisplayName("per-attended σ_i = T/√|M(i)|: query i of a causal run attends i + 1 keys")
    void perAttendedCountsEachQuery() {
      Arith<Decimal64> d = Arith.decimal64();
      Model<Decimal64> model = TestModels.ones(base.scale(new ScoreScale.PerAttended(n(3))).build()).toArith(d);
      Trace<Decimal64> t = Forward.run(model, Prefix.none(),
          Content.vectors(Mat.of(d.field(), 4, 1, (i, j) -> d.one())));
      for (int i = 0; i < 4; i++) {
        // every dot is 1·1 = 1: the score is σ_i, one IEEE square root and one quotient, as written here
        assertEquals(3 / Math.sqrt(i + 1), t.head(0, 0).scores().get(i, 0).doubleValue(), 0.0, "query " + i);
      }
    }
  }

  @Nested
  @DisplayName("norms, MLP and block wiring on d = 1 with the rational RMS stand-in N(x) = g·x/(1 + |x|)")
  class Blocks {
    /** W_1 = [1; −1], c_1 = (−1/5, 0), W_2 = (1, 1), c_2 = 1/10, final gain 3, U = [1; −1]; other weights 1. */
    Model<BigFraction> model(boolean post, boolean residual) {
      return model(Architecture.builder(1).postNorm(post).residual(residual));
    }

    Model<BigFraction> model(Architecture.Builder b) {
      Architecture a = b.vocab(2).mlp(2, Architecture.Activation.RELU).norm(Architecture.NormKind.RATIONAL_RMS, true)
          .build();
      return TestModels.exact(a, name -> switch (name) {
        case "L0.mlp.W1", Names.UNEMBED -> m(1, new int[] {1}, new int[] {-1});
        case "L0.mlp.c1" -> m(5, new int[] {-1, 0});
        case "L0.mlp.W2" -> m(1, new int[] {1, 1});
        case "L0.mlp.c2" -> m(10, new int[] {1});
        case Names.LNF_G -> m(1, new int[] {3});
        default -> null;
      });
    }

    Trace<BigFraction> run(boolean post, boolean residual) {
      return Forward.run(model(post, residual), Prefix.none(), Content.vectors(m(1, new int[] {1})));
    }

    @Test
    @DisplayName("pre-norm: N1(1) = 1/2, x + Attn = 3/2, N2 = 3/5, MLP = relu(2/5, −3/5)·(1, 1) + 1/10 = 1/2, out 2")
    void preNorm() {
      Trace<BigFraction> t = run(false, true);
      Trace.Layer<BigFraction> l = t.layers().get(0);
      assertEquals(m(2, new int[] {1}), l.normed());
      assertEquals(m(2, new int[] {3}), l.afterAttention());
      assertEquals(m(2, new int[] {1}), l.mlpOut());
      assertEquals(m(1, new int[] {2}), l.output());
      // final norm 3·2/(1 + 2) = 2, logits (2, −2)
      assertEquals(m(1, new int[] {2}), t.hidden());
      assertEquals(m(1, new int[] {2, -2}), t.logits());
    }

    @Test
    @DisplayName("post-norm: N1(1 + 1) = 2/3, MLP(2/3) = 7/15 + 1/10 = 17/30, N2(37/30) = 37/67")
    void postNorm() {
      Trace.Layer<BigFraction> l = run(true, true).layers().get(0);
      assertEquals(m(1, new int[] {1}), l.normed());
      assertEquals(m(3, new int[] {2}), l.afterAttention());
      assertEquals(m(30, new int[] {17}), l.mlpOut());
      assertEquals(m(67, new int[] {37}), l.output());
    }

    @Test
    @DisplayName("without residual: Attn = 1/2, N2 = 1/3, out = MLP(1/3) = 2/15 + 1/10 = 7/30")
    void noResidual() {
      Trace.Layer<BigFraction> l = run(false, false).layers().get(0);
      assertEquals(m(2, new int[] {1}), l.afterAttention());
      assertEquals(m(30, new int[] {7}), l.output());
    }

    @Test
    @DisplayName("pre-norm without the attention norm: Attn(1) = 1, N2(2) = 2/3, MLP = 7/15 + 1/10 = 17/30, out 77/30")
    void skippedAttentionNorm() {
      Model<BigFraction> skip = model(Architecture.builder(1).attentionNorm(false));
      assertFalse(skip.has(Names.ln1g(0)));
      assertTrue(skip.has(Names.ln2g(0)));
      Trace<BigFraction> t = Forward.run(skip, Prefix.none(), Content.vectors(m(1, new int[] {1})));
      Trace.Layer<BigFraction> l = t.layers().get(0);
      assertEquals(m(1, new int[] {1}), l.normed());
      assertEquals(m(1, new int[] {2}), l.afterAttention());
      assertEquals(m(30, new int[] {17}), l.mlpOut());
      assertEquals(m(30, new int[] {77}), l.output());
      // final norm 3·(77/30)/(1 + 77/30) = 231/107
      assertEquals(m(107, new int[] {231, -231}), t.logits());
    }

    @Test
    @DisplayName("attention input is N1(x) pre-norm and x post-norm or without norm")
    void attentionInput() {
      Mat<BigFraction> x = m(1, new int[] {3});
      assertEquals(m(4, new int[] {3}), Forward.attentionInput(model(false, true), 0, x));
      assertEquals(x, Forward.attentionInput(model(true, true), 0, x));
      assertEquals(x, Forward.attentionInput(TestModels.ones(Architecture.builder(1).build()), 0, x));
    }
  }

  @Nested
  @DisplayName("norm formulas on rows (1, 3), (2, 2), (−2, 0) with gain (1, 2)")
  class Norms {
    Mat<BigFraction> x = m(1, new int[] {1, 3}, new int[] {2, 2}, new int[] {-2, 0});

    Model<BigFraction> model(Architecture.NormKind kind, BigFraction eps) {
      Architecture a = Architecture.builder(2).norm(kind, false).normEps(eps).build();
      return TestModels.exact(a, name -> switch (name) {
        case "L0.ln1.g" -> m(1, new int[] {1, 2});
        case "L0.ln1.b" -> m(2, new int[] {1, 0});
        default -> null;
      });
    }

    @Test
    @DisplayName("rational LayerNorm g⊙(x − μ)/(1 + mean|x − μ|) + b with b = (1/2, 0)")
    void rationalLayer() {
      // (1, 3): μ 2, (−1, 1)/2 → (−1/2, 1) + b; (2, 2): 0 + b; (−2, 0): μ −1, (−1, 1)/2 → (−1/2, 1) + b
      Mat<BigFraction> want = m(2, new int[] {0, 2}, new int[] {1, 0}, new int[] {0, 2});
      assertEquals(want, Forward.norm(model(Architecture.NormKind.RATIONAL_LAYER, BigFraction.ZERO), x, "L0.ln1.g", "L0.ln1.b"));
    }

    @Test
    @DisplayName("rational RMS g⊙x/(1 + mean|x|): (1, 3)/3, (2, 2)/3, (−2, 0)/2")
    void rationalRms() {
      Mat<BigFraction> want = m(3, new int[] {1, 6}, new int[] {2, 4}, new int[] {-3, 0});
      assertEquals(want, Forward.norm(model(Architecture.NormKind.RATIONAL_RMS, BigFraction.ZERO), x, "L0.ln1.g", "L0.ln1.b"));
    }

    @Test
    @DisplayName("LayerNorm with ε = 3 and RMSNorm with ε = 11 in doubles, on rows where the steps are exact")
    void realNorms() {
      Arith<Decimal64> d = Arith.decimal64();
      Mat<Decimal64> xd = x.convert(d.field(), v -> d.ofDouble(v.doubleValue()));
      // LayerNorm of (1, 3): (−1, 1)/√(1 + 3) ⊙ g + b = (0, 1); of (2, 2): b; of (−2, 0): (0, 1)
      Mat<Decimal64> ln = Forward.norm(model(Architecture.NormKind.LAYER, n(3)).toArith(d), xd, "L0.ln1.g", "L0.ln1.b");
      assertEquals(m(2, new int[] {0, 2}, new int[] {1, 0}, new int[] {0, 2}).convert(d.field(), v -> d.ofDouble(v.doubleValue())), ln);
      // RMSNorm with ε = 11: (1, 3)/√(5 + 11) ⊙ g = (1/4, 3/2); (2, 2)/√15; (−2, 0)/√(2 + 11)
      Mat<Decimal64> rms = Forward.norm(model(Architecture.NormKind.RMS, n(11)).toArith(d), xd, "L0.ln1.g", "L0.ln1.b");
      assertEquals(0.25, rms.get(0, 0).doubleValue(), 0.0);
      assertEquals(1.5, rms.get(0, 1).doubleValue(), 0.0);
      assertEquals(-2 / Math.sqrt(13), rms.get(2, 0).doubleValue(), 0.0);
    }
  }

  @Test
  @DisplayName("the MLP W_2 relu(W_1 x + c_1) + c_2 on a 2-wide input with 3 hidden units")
  void mlp() {
    Architecture a = Architecture.builder(2).mlp(3, Architecture.Activation.RELU).build();
    Model<BigFraction> model = TestModels.exact(a, name -> switch (name) {
      case "L0.mlp.W1" -> m(1, new int[] {1, 0}, new int[] {0, 1}, new int[] {1, -1});
      case "L0.mlp.c1" -> m(1, new int[] {0, -5, 1});
      case "L0.mlp.W2" -> m(1, new int[] {1, 2, 3}, new int[] {0, 1, -1});
      case "L0.mlp.c2" -> m(2, new int[] {1, -1});
      default -> null;
    });
    // x = (2, 3): W_1 x + c_1 = (2, −2, 0) → relu (2, 0, 0); W_2 (2, 0, 0) + c_2 = (2 + 1/2, 0 − 1/2)
    assertEquals(m(2, new int[] {5, -1}), Forward.mlp(model, 0, m(1, new int[] {2, 3})));
  }

  @Test
  @DisplayName("the gated MLP W_2 (silu(W_g x) ⊙ (W_1 x + c_1)) + c_2 with the exact silu(u) = u/(1 + κ(−u))")
  void gatedMlp() {
    Architecture a = Architecture.builder(2).mlp(2, Architecture.Activation.SWIGLU).build();
    Model<BigFraction> model = TestModels.exact(a, name -> switch (name) {
      case "L0.mlp.W1" -> m(1, new int[] {1, 0}, new int[] {0, 1});
      case "L0.mlp.c1" -> m(1, new int[] {0, 1});
      case "L0.mlp.Wg" -> m(1, new int[] {1, 0}, new int[] {0, -1});
      case "L0.mlp.W2" -> m(1, new int[] {1, 0}, new int[] {1, 1});
      case "L0.mlp.c2" -> m(1, new int[] {1, 0});
      default -> null;
    });
    // x = (2, 3): gate (2, −3); silu(2) = 2/(1 + 1/κ(2)) = 2/(6/5) = 5/3, silu(−3) = −3/(1 + κ(3)) = −3/(19/2) = −6/19;
    // up = (2, 4), hidden (10/3, −24/19); out = (10/3 + 1, 10/3 − 24/19) = (13/3, 118/57)
    assertEquals(row(new BigFraction(13, 3), new BigFraction(118, 57)), Forward.mlp(model, 0, m(1, new int[] {2, 3})));
  }

  @Test
  @DisplayName("biases: q = x + 1, k = x − 1, v = x + 2, o = t + 3 on x = (1, 2)")
  void attentionBiases() {
    Model<BigFraction> model = TestModels.exact(Architecture.builder(1).attnBiases(true).build(), name -> switch (name) {
      case "L0.h0.bk" -> m(1, new int[] {-1});
      case "L0.h0.bv" -> m(1, new int[] {2});
      case "L0.bo" -> m(1, new int[] {3});
      default -> null;
    });
    Trace<BigFraction> t = Forward.run(model, Prefix.none(), Content.vectors(m(1, new int[] {1}, new int[] {2})));
    assertEquals(m(1, new int[] {2}, new int[] {3}), t.head(0, 0).queries());
    assertEquals(m(1, new int[] {0}, new int[] {1}), t.head(0, 0).keys());
    // query 1: scores (0, 3) → κ (1, 17/2) → (2/19, 17/19); t = 2/19·3 + 17/19·4 = 74/19
    assertEquals(m(19, new int[] {19, 0}, new int[] {2, 17}), t.head(0, 0).weights());
    assertEquals(m(19, new int[] {57}, new int[] {74}), t.head(0, 0).out());
    assertEquals(m(19, new int[] {114}, new int[] {131}), t.layers().get(0).attention().out());
  }

  @Test
  @DisplayName("heads are concatenated in order: W_V = 1 and 2, W_O = (1, 10) give o = t¹ + 10·t² = 21")
  void headOrder() {
    Model<BigFraction> model = TestModels.exact(Architecture.builder(1).heads(2).build(), name -> switch (name) {
      case "L0.h1.Wv" -> m(1, new int[] {2});
      case "L0.Wo" -> m(1, new int[] {1, 10});
      default -> null;
    });
    Trace<BigFraction> t = Forward.run(model, Prefix.none(), Content.vectors(m(1, new int[] {1})));
    assertEquals(m(1, new int[] {21}), t.layers().get(0).attention().out());
    assertEquals(m(1, new int[] {22}), t.layers().get(0).output());
  }

  @Nested
  @DisplayName("learned positions and prefix kinds")
  class Positions {
    /** d = 1, P = (10, 20, 30, 40), two layers. */
    Model<BigFraction> model = TestModels.exact(
        Architecture.builder(1).layers(2).positions(Architecture.PositionKind.LEARNED).maxContext(4).build(),
        name -> name.equals(Names.POS) ? m(1, new int[] {10}, new int[] {20}, new int[] {30}, new int[] {40}) : null);
    Content<BigFraction> one = Content.vectors(m(1, new int[] {1}));

    @Test
    @DisplayName("no prefix: P[0] is added; a prompt row gets P[0] and the content P[1]")
    void streamRowsGetPositions() {
      assertEquals(m(1, new int[] {11}), Forward.run(model, Prefix.none(), one).embeddings());
      Trace<BigFraction> t = Forward.run(model, Prefix.stream(m(1, new int[] {5})), one);
      assertEquals(m(1, new int[] {15}, new int[] {21}), t.embeddings());
      assertArrayEquals(new int[] {0, 1}, t.positions());
    }

    @Test
    @DisplayName("residual prefix: its free row gets no position, the content P[1]; each layer's row replaces the stream")
    void residualRowsAreFree() {
      Trace<BigFraction> t = Forward.run(model, Prefix.residual(List.of(m(1, new int[] {5}), m(1, new int[] {7}))), one);
      assertEquals(m(1, new int[] {5}, new int[] {21}), t.embeddings());
      assertEquals(m(1, new int[] {5}, new int[] {21}), t.layers().get(0).input());
      Mat<BigFraction> in1 = t.layers().get(1).input();
      assertEquals(n(7), in1.get(0, 0));
      assertEquals(t.layers().get(0).output().get(1, 0), in1.get(1, 0));
    }

    @Test
    @DisplayName("key/value prefix of p = 2: the content sits at position 2 and gets P[2]")
    void keyValueShiftsContent() {
      Trace<BigFraction> t = Forward.run(model,
          Prefix.keyValue(List.of(List.of(constant(2, 1, n(0))), List.of(constant(2, 1, n(0)))),
              List.of(List.of(constant(2, 1, n(0))), List.of(constant(2, 1, n(0))))), one);
      assertEquals(m(1, new int[] {31}), t.embeddings());
      assertArrayEquals(new int[] {2}, t.positions());
      assertEquals(2, t.keyPrefix());
      assertEquals(0, t.streamPrefix());
    }
  }

  @Nested
  @DisplayName("greedy decoding")
  class Greedy {
    /** Vocabulary 3, E = I, W_V = 0 so the last position's logits are the column U[·][t] of its token t. */
    Model<BigFraction> model = TestModels.exact(Architecture.builder(3).vocab(3).maxContext(8).build(),
        name -> switch (name) {
          case Names.EMBED -> Mat.identity(EX.field(), 3);
          case "L0.h0.Wv" -> constant(3, 3, n(0));
          // logits after token 0: (0, 1, 1) tie → 1; after 1: (1, 0, 1) tie → 0; after 2: (2, 2, 2) → 0
          case Names.UNEMBED -> m(1, new int[] {0, 1, 2}, new int[] {1, 0, 2}, new int[] {1, 1, 2});
          default -> null;
        });

    @Test
    @DisplayName("ties go to the lowest index at every step, and each step reads the token generated before it")
    void tiesAndSteps() {
      assertArrayEquals(new int[] {0, 1, 0, 1}, Forward.generate(model, Prefix.none(), new int[] {2}, 4));
      assertArrayEquals(new int[] {1, 0, 1}, Forward.generate(model, Prefix.none(), new int[] {1, 0}, 3));
      assertArrayEquals(new int[] {}, Forward.generate(model, Prefix.none(), new int[] {1}, 0));
    }

    @Test
    @DisplayName("argmax: the first of the largest entries")
    void argmax() {
      assertEquals(1, Forward.argmax(EX, m(1, new int[] {1, 3, 3, 2})));
      assertEquals(0, Forward.argmax(EX, m(1, new int[] {-1, -2})));
      assertEquals(0, Forward.argmax(EX, m(1, new int[] {5})));
      assertEquals(2, Forward.argmax(EX, m(1, new int[] {0, 0, 7})));
    }

    @Test
    @DisplayName("a model without vocabulary cannot decode")
    void needsVocabulary() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Forward.generate(TestModels.ones(Architecture.builder(1).build()), Prefix.none(), new int[] {0}, 1));
      assertEquals("greedy decoding needs a vocabulary; model has vocab 0", e.getMessage());
    }
  }

  @Test
  @DisplayName("a query that attends no key is an error, not a division by zero")
  void emptyMaskRow() {
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> Forward.kernels(EX, m(1, new int[] {1, 2}), new boolean[][] {{false, false}}));
    assertEquals("query 0 attends no key (empty mask row)", e.getMessage());
  }

  @Test
  @DisplayName("kernels: κ of allowed scores (no shift in exact mode) and 0 elsewhere, with row sums")
  void kernels() {
    Forward.Kernels<BigFraction> k = Forward.kernels(EX, m(2, new int[] {2, 4, 0}, new int[] {-2, 0, 2}),
        new boolean[][] {{true, true, false}, {true, true, true}});
    // row 0: κ(1) = 5/2, κ(2) = 5; row 1: κ(−1) = 2/5, κ(0) = 1, κ(1) = 5/2
    assertEquals(m(10, new int[] {25, 50, 0}, new int[] {4, 10, 25}), k.values());
    assertEquals(List.of(f(15, 2), f(39, 10)), k.sums());
    assertEquals(m(39, new int[] {13, 26, 0}, new int[] {4, 10, 25}), k.normalised(EX.field()));
  }

  @Test
  @DisplayName("in doubles the kernel is shifted by the allowed row maximum only: a masked huge score is ignored")
  void shiftUsesAllowedScoresOnly() {
    Arith<Decimal64> d = Arith.decimal64();
    Mat<Decimal64> scores = Mat.of(d.field(), 1, 3, (i, j) -> new Decimal64(new double[] {0, 1, 1e6}[j]));
    Forward.Kernels<Decimal64> k = Forward.kernels(d, scores, new boolean[][] {{true, true, false}});
    // shift by the allowed maximum 1: (exp(0 − 1), exp(1 − 1), 0); Decimal64's own exp of −1 is the oracle
    Decimal64 e1 = new Decimal64(-1.0).exp();
    assertEquals(Mat.of(d.field(), 1, 3, (i, j) -> new Decimal64(new double[] {e1.doubleValue(), 1, 0}[j])), k.values());
    assertEquals(List.of(e1.add(1.0)), k.sums());
  }
}
