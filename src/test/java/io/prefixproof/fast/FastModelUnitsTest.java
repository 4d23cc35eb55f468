package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import io.prefixproof.model.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.util.Decimal64;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The EJML engine's parts: small models of every option against the generic reference pass run in
 * {@link Decimal64} (a second implementation: plain multiply-add loops, its own softmax and norms, checked
 * by hand in {@code ForwardUnitsTest}), and hand values where every double operation is exact.
 */
class FastModelUnitsTest {

  static final Arith<Decimal64> DBL = Arith.decimal64();
  static final double U = Math.ulp(1.0) / 2;

  static void assertRefused(String message, Executable call) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  /** Small architectures covering every position scheme, norm placement, activation, mask, scale and prefix. */
  enum Variant {
    ALIBI_LAYER_NORM_GELU(Prefix.Kind.KEY_VALUE, Architecture.builder(4).heads(2).dHead(2).dValue(2).layers(2).vocab(5)
        .positions(Architecture.PositionKind.ALIBI).norm(Architecture.NormKind.LAYER, true)
        .mlp(6, Architecture.Activation.GELU)),
    ROPE_POST_RMS_ERF_BIASES(Prefix.Kind.STREAM, Architecture.builder(4).heads(2).dHead(4).dValue(2).layers(2)
        .positions(Architecture.PositionKind.ROPE).norm(Architecture.NormKind.RMS, true).postNorm(true)
        .mlp(5, Architecture.Activation.GELU_ERF).attnBiases(true).mask(Architecture.Mask.BIDIRECTIONAL)),
    LEARNED_NO_RESIDUAL_RELU_PER_ATTENDED(Prefix.Kind.RESIDUAL, Architecture.builder(4).heads(1).layers(2).vocab(3)
        .positions(Architecture.PositionKind.LEARNED).residual(false).mlp(3, Architecture.Activation.RELU)
        .scale(new ScoreScale.PerAttended(new BigFraction(1, 2)))),
    PER_SEQUENCE_POST_LAYER_BIDIRECTIONAL(Prefix.Kind.KEY_VALUE, Architecture.builder(4).heads(2).dHead(3).dValue(1)
        .layers(2).norm(Architecture.NormKind.LAYER, false).postNorm(true).mask(Architecture.Mask.BIDIRECTIONAL)
        .positions(Architecture.PositionKind.ALIBI).scale(new ScoreScale.PerSequence(new BigFraction(3)))),
    NO_PREFIX_PRE_RMS(Prefix.Kind.NONE, Architecture.builder(4).heads(2).dHead(2).dValue(3).layers(2)
        .norm(Architecture.NormKind.RMS, false).mlp(4, Architecture.Activation.RELU)),
    LEARNED_PROMPT(Prefix.Kind.STREAM, Architecture.builder(4).heads(2).dHead(2).dValue(2).layers(1).vocab(3)
        .positions(Architecture.PositionKind.LEARNED)),
    GATED_MLP_PRE_RMS(Prefix.Kind.KEY_VALUE, Architecture.builder(4).heads(2).dHead(2).dValue(2).layers(2)
        .norm(Architecture.NormKind.RMS, false).mlp(5, Architecture.Activation.SWIGLU));

    final Prefix.Kind kind;
    final Architecture arch;

    Variant(Prefix.Kind kind, Architecture.Builder b) {
      this.kind = kind;
      this.arch = b.maxContext(8).build();
    }
  }

  /** Entries k/8 for k in [−8, 8] (gains 1 + k/16, ALiBi slopes in (0, 1], rational RoPE angles): exact in doubles. */
  static Model<Decimal64> model(Architecture a, SplittableRandom r) {
    Model<BigFraction> exact = TestModels.exact(a, name -> {
      int[] s = Model.shapes(a).get(name);
      return switch (name) {
        case Names.ROPE_COS -> Mat.of(Arith.exact().field(), 1, s[1], (i, j) -> new BigFraction(j % 2 == 0 ? 3 : 5, j % 2 == 0 ? 5 : 13));
        case Names.ROPE_SIN -> Mat.of(Arith.exact().field(), 1, s[1], (i, j) -> new BigFraction(j % 2 == 0 ? 4 : 12, j % 2 == 0 ? 5 : 13));
        case Names.ALIBI -> Mat.of(Arith.exact().field(), 1, s[1], (i, j) -> new BigFraction(1 + r.nextInt(8), 8));
        default -> Mat.of(Arith.exact().field(), s[0], s[1], (i, j) -> name.endsWith(".g")
            ? new BigFraction(16 + r.nextInt(-8, 9), 16) : new BigFraction(r.nextInt(-8, 9), 8));
      };
    });
    return exact.toArith(DBL);
  }

  static Mat<Decimal64> random(SplittableRandom r, int rows, int cols) {
    return Mat.of(DBL.field(), rows, cols, (i, j) -> new Decimal64(r.nextInt(-8, 9) / 8.0));
  }

  static Prefix<Decimal64> prefix(Prefix.Kind kind, Architecture a, SplittableRandom r, int p) {
    return TestModels.prefix(a, kind, p, (rows, cols) -> random(r, rows, cols));
  }

  /**
   * The tolerance of {@code DifferentialTest}'s error model: a block evaluates dot products of length at most
   * m, a max-shifted softmax and norms, so its absolute error is at most (4m + 50)·u·S for activations of size
   * S, and a block at most doubles the error it receives: {@code tol = 2^L · L · (4m + 50) · u · S}. Logits
   * count as one more block.
   */
  static double tolerance(Architecture a, int keys, double scale) {
    int m = Math.max(Math.max(a.dModel(), keys), Math.max(a.heads() * a.dValue(), Math.max(4 * a.dModel(), a.mlpHidden())));
    int blocks = a.layers() + 1;
    return Math.pow(2, blocks) * blocks * (4 * m + 50) * U * scale;
  }

  /** The largest |reference − fast| over every layer output, head weight and logit, and the largest |reference|. */
  static double[] compare(Trace<Decimal64> ref, FastModel.Trace got) {
    double err = 0;
    double scale = 1;
    List<Mat<Decimal64>> want = new ArrayList<>();
    List<DMatrixRMaj> have = new ArrayList<>();
    for (int l = 0; l < ref.layers().size(); l++) {
      want.add(ref.layers().get(l).output());
      have.add(got.layers().get(l).output());
      want.add(ref.layers().get(l).attention().out());
      have.add(got.layers().get(l).attentionOut());
      for (int h = 0; h < ref.layers().get(l).attention().heads().size(); h++) {
        want.add(ref.head(l, h).weights());
        have.add(got.layers().get(l).heads().get(h).weights());
        want.add(ref.head(l, h).out());
        have.add(got.layers().get(l).heads().get(h).out());
      }
    }
    if (ref.logits() != null) {
      want.add(ref.logits());
      have.add(got.logits());
    }
    for (int k = 0; k < want.size(); k++) {
      Mat<Decimal64> w = want.get(k);
      DMatrixRMaj g = have.get(k);
      assertEquals(w.rows(), g.numRows, "rows of intermediate " + k);
      assertEquals(w.cols(), g.numCols, "columns of intermediate " + k);
      for (int i = 0; i < w.rows(); i++) {
        for (int j = 0; j < w.cols(); j++) {
          double x = w.get(i, j).doubleValue();
          err = Math.max(err, Math.abs(x - g.get(i, j)));
          scale = Math.max(scale, Math.abs(x));
        }
      }
    }
    return new double[] {err, scale};
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("every intermediate of the EJML engine agrees with the reference pass in doubles within the error model")
  void agreesWithReference(Variant v) {
    SplittableRandom r = new SplittableRandom(v.ordinal() + 40);
    Model<Decimal64> model = model(v.arch, r);
    Prefix<Decimal64> prefix = prefix(v.kind, v.arch, r, 2);
    Content<Decimal64> content = v.arch.vocab() > 0 ? Content.tokens(1, 4 % v.arch.vocab(), 0)
        : Content.vectors(random(r, 3, v.arch.dModel()));
    Trace<Decimal64> ref = Forward.run(model, prefix, content);
    FastModel.Trace got = FastModel.of(model).run(DBL, prefix, content);
    assertEquals(ref.streamPrefix(), got.streamPrefix());
    assertEquals(ref.keyPrefix(), got.keyPrefix());
    assertArrayEquals(ref.positions(), got.positions());
    double[] es = compare(ref, got);
    double tol = tolerance(v.arch, ref.head(0, 0).keys().rows(), es[1]);
    assertTrue(es[0] <= tol, v + ": |fast − reference| = " + es[0] + " > " + tol);
  }

  @Test
  @DisplayName("the tolerance rejects a planted error of 1.5 times itself in one attention weight")
  void toleranceCatchesAPlantedError() {
    Variant v = Variant.ALIBI_LAYER_NORM_GELU;
    SplittableRandom r = new SplittableRandom(v.ordinal() + 40);
    Model<Decimal64> model = model(v.arch, r);
    Prefix<Decimal64> prefix = prefix(v.kind, v.arch, r, 2);
    Content<Decimal64> content = Content.tokens(1, 4, 0);
    Trace<Decimal64> ref = Forward.run(model, prefix, content);
    FastModel.Trace got = FastModel.of(model).run(DBL, prefix, content);
    double tol = tolerance(v.arch, ref.head(0, 0).keys().rows(), compare(ref, got)[1]);
    got.layers().get(1).heads().get(1).weights().add(2, 1, 1.5 * tol);
    assertTrue(compare(ref, got)[0] > tol);
  }

  /** The d = 1 all-ones model in doubles (one head, σ = 1) with the given mask. */
  static FastModel scalar(Architecture.Mask mask) {
    return FastModel.of(TestModels.ones(Architecture.builder(1).mask(mask).build()).toArith(DBL));
  }

  static DMatrixRMaj column(double... v) {
    return new DMatrixRMaj(v.length, 1, true, v);
  }

  @Test
  @DisplayName("a head with keys out of position order: zero queries weigh the keys they may see equally")
  void unorderedKeys() {
    // query at position 1 sees the keys at positions 0 and 1 (indices 1, 2): weights (0, 1/2, 1/2), output (4 + 8)/2
    FastModel.Head h = scalar(Architecture.Mask.CAUSAL).head(0, column(0), column(5, 6, 7), column(2, 4, 8),
        new int[] {1}, new int[] {2, 0, 1}, 3);
    assertArrayEquals(new double[] {0, 0.5, 0.5}, h.weights().data);
    assertArrayEquals(new double[] {6}, h.out().data);
    assertArrayEquals(new boolean[] {false, true, true}, h.allowed()[0]);
    // scores 800 stay finite only when shifted by the row maximum before exp
    FastModel.Head big = scalar(Architecture.Mask.CAUSAL).head(0, column(1), column(0, 800, 800), column(2, 4, 8),
        new int[] {1}, new int[] {2, 0, 1}, 3);
    assertArrayEquals(new double[] {0, 0.5, 0.5}, big.weights().data);
    FastModel.Head all = scalar(Architecture.Mask.BIDIRECTIONAL).head(0, column(0), column(5, 6, 7), column(2, 4, 8),
        new int[] {1}, new int[] {2, 0, 1}, 3);
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, all.weights().data);
  }

  @Test
  @DisplayName("scores σ·q·k and their spread max − min over the keys each query sees")
  void scoresAndSpread() {
    FastModel.Head h = scalar(Architecture.Mask.CAUSAL).head(0, column(1, 2), column(1, 3, -2), column(0, 0, 0),
        new int[] {1, 2}, new int[] {0, 1, 2}, 3);
    // query 0 (position 1) sees scores 1, 3; query 1 (position 2) sees 2, 6, −4
    assertArrayEquals(new double[] {1, 3, 0, 2, 6, -4}, h.scores().data);
    assertArrayEquals(new double[] {2, 10}, h.spread());
    assertArrayEquals(new double[] {0, 0}, h.out().data);
  }

  @Test
  @DisplayName("LayerNorm and RMSNorm of rows (1, 3) and (2, 2) with gain (1, 2): ε = 3 and ε = 11 make every step exact")
  void norms() {
    DMatrixRMaj x = new DMatrixRMaj(new double[][] {{1, 3}, {2, 2}});
    DMatrixRMaj g = new DMatrixRMaj(new double[][] {{1, 2}});
    DMatrixRMaj b = new DMatrixRMaj(new double[][] {{0.5, 0}});
    // (x − μ)/√(1 + 3) ⊙ g + b = (−1/2, 1) + b; the constant row gives b
    assertArrayEquals(new double[] {0, 1, 0.5, 0}, FastModel.layerNorm(x, g, b, 3).data);
    // x/√(mean x² + 11) ⊙ g: (1, 3)/4 ⊙ g = (1/4, 3/2); (2, 2)/√15 ⊙ g
    DMatrixRMaj rms = FastModel.layerNorm(x, g, null, 11);
    assertArrayEquals(new double[] {0.25, 1.5, 2 / Math.sqrt(15), 2 / Math.sqrt(15) * 2}, rms.data);
  }

  @Test
  @DisplayName("tanh-GELU at 0, 1 and −1 against 50-digit values, within 1e-14 (ten roundings and a tanh within 2 ulp)")
  void gelu() {
    assertEquals(0.0, FastModel.gelu(0));
    assertTrue(Math.abs(FastModel.gelu(1) - 0.84119199060827670478) <= 1e-14);
    assertTrue(Math.abs(FastModel.gelu(-1) + 0.15880800939172329522) <= 1e-14);
    assertFalse(Math.abs(FastModel.gelu(1) + 1.5e-14 - 0.84119199060827670478) <= 1e-14, "planted 1.5e-14 passes");
  }

  @Test
  @DisplayName("weights, tokens and content are checked with the offending name, shape or value")
  void badInput() {
    Architecture a = Architecture.builder(2).vocab(3).maxContext(2).build();
    Model<Decimal64> ones = TestModels.ones(a).toArith(DBL);
    Map<String, DMatrixRMaj> p = new LinkedHashMap<>();
    ones.params().forEach((k, v) -> p.put(k, FastModel.toDense(DBL, v)));
    FastModel fm = new FastModel(a, p);
    assertRefused("the double engine has no rational norm stand-in (RATIONAL_RMS)", () -> new FastModel(
        a.toBuilder().norm(Architecture.NormKind.RATIONAL_RMS, false).build(), p));
    assertRefused("the double engine has no rational norm stand-in (RATIONAL_LAYER)", () -> new FastModel(
        a.toBuilder().norm(Architecture.NormKind.RATIONAL_LAYER, false).build(), p));
    Map<String, DMatrixRMaj> missing = new LinkedHashMap<>(p);
    missing.remove(Names.UNEMBED);
    assertRefused("missing weight unembed (expected 3x2)", () -> new FastModel(a, missing));
    Map<String, DMatrixRMaj> wrong = new LinkedHashMap<>(p);
    wrong.put(Names.EMBED, new DMatrixRMaj(3, 3));
    assertRefused("weight embed has shape 3x3, expected 3x2", () -> new FastModel(a, wrong));
    wrong.put(Names.EMBED, new DMatrixRMaj(2, 2));
    assertRefused("weight embed has shape 2x2, expected 3x2", () -> new FastModel(a, wrong));
    Map<String, DMatrixRMaj> nan = new LinkedHashMap<>(p);
    DMatrixRMaj e = new DMatrixRMaj(3, 2);
    e.set(2, 1, Double.NaN);
    nan.put(Names.EMBED, e);
    assertRefused("weight embed has the non-finite value NaN at (2, 1)", () -> new FastModel(a, nan));
    Map<String, DMatrixRMaj> extra = new LinkedHashMap<>(p);
    extra.put(Names.POS, new DMatrixRMaj(2, 2));
    assertRefused("unexpected weight pos for " + a.summary(), () -> new FastModel(a, extra));
    assertRefused("model has no weight named pos", () -> fm.param(Names.POS));
    assertRefused("token 3 outside the vocabulary [0, 3)", () -> fm.embed(new int[] {0, 3}));
    assertRefused("token -1 outside the vocabulary [0, 3)", () -> fm.embed(new int[] {-1}));
    assertRefused("content has shape 1x3, expected n x 2",
        () -> fm.run(Prefix.Kind.NONE, 0, new DMatrixRMaj(1, 3), null, null, null, null));
    assertRefused("prefix of 1 positions plus 2 content positions exceeds the context of 2 positions",
        () -> fm.run(Prefix.Kind.STREAM, 1, new DMatrixRMaj(2, 2), new DMatrixRMaj(1, 2), null, null, null));
    fm.run(Prefix.Kind.STREAM, 1, new DMatrixRMaj(1, 2), new DMatrixRMaj(1, 2), null, null, null);
  }

  @Test
  @DisplayName("a prefix that does not fit the model is refused before the run, naming the part")
  void prefixChecked() {
    FastModel fm = scalar(Architecture.Mask.CAUSAL);
    Mat<Decimal64> one = Mat.of(DBL.field(), 1, 1, (i, j) -> DBL.one());
    assertRefused("key/value prefix layer 0 has 2 key heads and 2 value heads, model has 1", () -> fm.run(DBL,
        Prefix.keyValue(List.of(List.of(one, one)), List.of(List.of(one, one))), Content.vectors(one)));
  }

  @Test
  @DisplayName("a product split over threads with a row count not divisible by 4 covers every row")
  void parallelRowsNotMultipleOfFour() {
    SplittableRandom r = new SplittableRandom(3);
    DMatrixRMaj x = io.prefixproof.cases.DoubleCases.gaussian(r, 301, 200, 0, 1);
    DMatrixRMaj w = io.prefixproof.cases.DoubleCases.gaussian(r, 64, 200, 0, 1);
    DMatrixRMaj parallel = new DMatrixRMaj(301, 64);
    Gemm.multTransB(x, w, parallel);
    DMatrixRMaj serial = new DMatrixRMaj(301, 64);
    Gemm.rows(x, org.ejml.dense.row.CommonOps_DDRM.transpose(w, null), serial, 0, 301, false, null, null);
    assertArrayEquals(serial.data, parallel.data);
    // a zero column limit is legal: the row is all zeros
    DMatrixRMaj none = new DMatrixRMaj(1, 1);
    none.set(0, 0, Double.NaN);
    Gemm.multTransB(column(1), column(1), none, new int[] {0});
    assertArrayEquals(new double[] {0}, none.data);
    assertRefused("depth limit 3 of row 0 outside [0, 2]",
        () -> Gemm.mult(new DMatrixRMaj(1, 2), new DMatrixRMaj(2, 1), new DMatrixRMaj(1, 1), new int[] {3}));
  }

  @Test
  @DisplayName("token rows come from the embedding; another architecture of the same shapes reuses the weights")
  void embedAndArchitecture() {
    Architecture a = Architecture.builder(2).vocab(3).build();
    Model<Decimal64> model = TestModels.exact(a, name -> name.equals(Names.EMBED)
        ? TestModels.m(1, new int[] {1, 2}, new int[] {3, 4}, new int[] {5, 6}) : null).toArith(DBL);
    FastModel fm = FastModel.of(model);
    assertArrayEquals(new double[] {5, 6, 1, 2}, fm.embed(new int[] {2, 0}).data);
    FastModel bi = fm.withArchitecture(a.toBuilder().mask(Architecture.Mask.BIDIRECTIONAL).build());
    assertEquals(Architecture.Mask.BIDIRECTIONAL, bi.arch().mask());
    assertEquals(Architecture.Mask.CAUSAL, fm.arch().mask());
    assertArrayEquals(fm.param(Names.EMBED).data, bi.param(Names.EMBED).data);
  }
}
