package io.prefixproof.oracles;

import io.prefixproof.adapt.Lora;
import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.claims.AllOf;
import io.prefixproof.claims.Catalogue;
import io.prefixproof.claims.Claim;
import io.prefixproof.claims.PropertyClaim;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.TestModels;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.ejml.data.DMatrixRMaj;

/**
 * Absolute oracles, each a method that takes the implementation it checks, so that the same check runs on
 * the real code ({@code AbsoluteOraclesTest}: must pass) and on a planted-wrong variant
 * ({@code PlantedSemanticDefectsTest}: must fail). Every oracle compares with something the code under
 * test did not compute: values derived by hand (written as literals), the closed form of a definition, or
 * {@link ReferenceTransformer}. A violation is an {@link AssertionError} naming what differs.
 */
final class Oracles {
  private Oracles() {}

  static final double U = Math.ulp(1.0) / 2;

  /** An exact engine: what it computed for one run. */
  interface Engine {
    ReferenceTransformer.Observed run(Model<BigFraction> m, Prefix<BigFraction> p, Content<BigFraction> c);
  }

  /** The engine under test, {@code Forward}. */
  static final Engine FORWARD = (m, p, c) -> observe(Forward.run(m, p, c));

  static ReferenceTransformer.Observed observe(Trace<BigFraction> t) {
    List<List<Mat<BigFraction>>> w = new ArrayList<>();
    List<List<Mat<BigFraction>>> o = new ArrayList<>();
    List<Mat<BigFraction>> out = new ArrayList<>();
    for (Trace.Layer<BigFraction> layer : t.layers()) {
      w.add(layer.attention().heads().stream().map(Trace.Head::weights).toList());
      o.add(layer.attention().heads().stream().map(Trace.Head::out).toList());
      out.add(layer.output());
    }
    return new ReferenceTransformer.Observed(w, o, out, t.hidden());
  }

  static BigFraction f(long n, long d) {
    return new BigFraction(n, d);
  }

  static Mat<BigFraction> mat(int rows, int cols, BigFraction... entries) {
    return Mat.of(BigFractionField.getInstance(), rows, cols, (i, j) -> entries[i * cols + j]);
  }

  /** A model of the architecture with the weights in {@code given} and zeros for every other weight. */
  static Model<BigFraction> model(Architecture a, Map<String, Mat<BigFraction>> given) {
    Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
    Model.shapes(a).forEach((k, s) -> p.put(k, given.getOrDefault(k,
        Mat.of(BigFractionField.getInstance(), s[0], s[1], (i, j) -> BigFraction.ZERO))));
    return new Model<>(a, Arith.exact(), p);
  }

  // ---- the whole forward pass against the second implementation ----------------------------------

  /** Every layer's and head's weights and outputs, the block outputs and the hidden rows equal the reference's. */
  static void agreesWithReference(Engine engine, Model<BigFraction> m, Prefix<BigFraction> p, Content<BigFraction> c) {
    ReferenceTransformer.Observed want = ReferenceTransformer.run(m, p, c);
    ReferenceTransformer.Observed got = engine.run(m, p, c);
    for (int l = 0; l < want.weights().size(); l++) {
      for (int h = 0; h < want.weights().get(l).size(); h++) {
        same(want.weights().get(l).get(h), got.weights().get(l).get(h), "attention weights, layer " + l + " head " + h);
        same(want.outs().get(l).get(h), got.outs().get(l).get(h), "head output, layer " + l + " head " + h);
      }
      same(want.layerOutputs().get(l), got.layerOutputs().get(l), "block output, layer " + l);
    }
    same(want.hidden(), got.hidden(), "hidden rows");
  }

  private static void same(Mat<BigFraction> want, Mat<BigFraction> got, String what) {
    if (!want.equals(got)) {
      throw new AssertionError(what + ": engine " + got + ", reference " + want);
    }
  }

  /** A deterministic case: model, prefix, content. */
  record FixedCase(String name, Model<BigFraction> model, Prefix<BigFraction> prefix, Content<BigFraction> content) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Small cases with entries drawn from a fixed seed (numerators −2..2, denominators 1..2), one per
   * prefix kind and semantic option the random claim cases may miss: key/value prefix with two heads and
   * k = k_v (so keys can stand in for values); residual prefix with RoPE, pre-norm, MLP and biases at two
   * layers; soft prompt with ALiBi (the paper's slopes), post-norm RMS and a bidirectional mask; key/value
   * prefix with ALiBi and the per-sequence scale T/√(p + n) at p + n = 4.
   */
  static List<FixedCase> fixedCases() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(23);
    List<FixedCase> cases = new ArrayList<>();
    Architecture kv = Architecture.builder(2).heads(2).dHead(2).dValue(2).maxContext(8).build();
    cases.add(new FixedCase("key/value, 2 heads", random(kv, r), kvPrefix(kv, 2, r), content(3, 2, r)));
    Architecture rope = Architecture.builder(4).layers(2).dHead(4).dValue(2).mlp(3, Architecture.Activation.RELU)
        .norm(Architecture.NormKind.RATIONAL_LAYER, false).attnBiases(true)
        .positions(Architecture.PositionKind.ROPE).maxContext(8).build();
    Model<BigFraction> ropeModel = random(rope, r).with(Names.ROPE_COS, mat(1, 2, f(3, 5), f(5, 13)))
        .with(Names.ROPE_SIN, mat(1, 2, f(4, 5), f(12, 13)));
    cases.add(new FixedCase("residual, RoPE, pre-norm, MLP", ropeModel,
        Prefix.residual(List.of(randomMat(2, 4, r), randomMat(2, 4, r))), content(3, 4, r)));
    Architecture alibi = Architecture.builder(3).heads(2).dHead(2).dValue(2).mlp(2, Architecture.Activation.RELU)
        .norm(Architecture.NormKind.RATIONAL_RMS, true).postNorm(true).mask(Architecture.Mask.BIDIRECTIONAL)
        .positions(Architecture.PositionKind.ALIBI).maxContext(8).build();
    cases.add(new FixedCase("prompt, ALiBi, post-norm RMS, bidirectional",
        random(alibi, r).with(Names.ALIBI, paperSlopes(2)), Prefix.stream(randomMat(2, 3, r)), content(2, 3, r)));
    Architecture scaled = Architecture.builder(2).layers(2).dHead(2).dValue(2).attnBiases(true)
        .positions(Architecture.PositionKind.ALIBI).scale(new ScoreScale.PerSequence(f(3, 1))).maxContext(8).build();
    cases.add(new FixedCase("key/value, ALiBi, per-sequence scale", random(scaled, r).with(Names.ALIBI, paperSlopes(1)),
        kvPrefix(scaled, 2, r), content(2, 2, r)));
    return cases;
  }

  private static Model<BigFraction> random(Architecture a, java.util.SplittableRandom r) {
    Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
    Model.shapes(a).forEach((k, s) -> p.put(k, randomMat(s[0], s[1], r)));
    return model(a, p);
  }

  private static Mat<BigFraction> randomMat(int rows, int cols, java.util.SplittableRandom r) {
    BigFraction[] e = new BigFraction[rows * cols];
    for (int i = 0; i < e.length; i++) {
      e[i] = f(r.nextInt(-2, 3), r.nextInt(1, 3));
    }
    return mat(rows, cols, e);
  }

  private static Content<BigFraction> content(int n, int d, java.util.SplittableRandom r) {
    return Content.vectors(randomMat(n, d, r));
  }

  private static Prefix<BigFraction> kvPrefix(Architecture a, int p, java.util.SplittableRandom r) {
    return TestModels.prefix(a, Prefix.Kind.KEY_VALUE, p, (rows, cols) -> randomMat(rows, cols, r));
  }

  /** The exact case generator of a limitation claim of the catalogue (its first, exact part). */
  @SuppressWarnings("unchecked")
  static Gen<PrefixCase<BigFraction>> claimCases(String id) {
    Claim c = Catalogue.byId(id);
    Claim exact = c instanceof AllOf all ? all.parts().get(0) : c;
    return (Gen<PrefixCase<BigFraction>>) ((PropertyClaim<?>) exact).gen();
  }

  /**
   * On the claim's own random cases the prefixed run of {@code engine} (the side of the identity the
   * claim's checker reads) equals the reference at every layer: the limitation claims compare two runs of
   * one engine, so this is their absolute anchor.
   */
  static void claimCasesAgreeWithReference(String id, Engine engine, int tries) {
    Property.of(id + ": engine = reference", claimCases(id)).seed(17).tries(tries).shrinkBudget(50, 5_000)
        .check(c -> {
          agreesWithReference(engine, c.model(), c.prefix(), c.contentInput());
          return true;
        });
  }

  // ---- the kernel --------------------------------------------------------------------------------

  /** κ(s) &gt; 0 and κ(s) &lt; κ(t) for rationals s &lt; t (both signs, large and tiny gaps). */
  static void exactKernelPositiveAndIncreasing(UnaryOperator<BigFraction> kappa) {
    Gen<BigFraction> r = Gen.rationals(-40, 40, 12);
    Property.of("exact kernel positive and increasing", Gen.pairs(r, r)).seed(3).tries(500).check(st -> {
      boolean firstSmaller = st.first().compareTo(st.second()) < 0;
      BigFraction s = firstSmaller ? st.first() : st.second();
      BigFraction t = firstSmaller ? st.second() : st.first();
      Property.assume(s.compareTo(t) < 0, "distinct");
      BigFraction ks = kappa.apply(s);
      BigFraction kt = kappa.apply(t);
      if (ks.compareTo(BigFraction.ZERO) <= 0 || ks.compareTo(kt) >= 0) {
        throw new AssertionError("kappa(" + s + ") = " + ks + ", kappa(" + t + ") = " + kt);
      }
      return true;
    });
  }

  /**
   * exp in double: positive and strictly increasing for s &lt; t in [−700, 700] with t − s ≥ 1e-6. Error
   * model: a correctly rounded (or 1-ulp) exp has relative error ≤ 2u = 2.2e-16, while
   * exp(t)/exp(s) − 1 ≥ t − s ≥ 1e-6, so rounding cannot tie or reverse the pair; exp(−700) ≈ 1e-304 is a
   * normal double, so no value underflows to 0.
   */
  static void doubleKernelPositiveAndIncreasing(DoubleUnaryOperator kappa) {
    Gen<Double> s = Gen.doubles(-700, 699);
    Gen<Double> gap = Gen.doubles(1e-6, 1);
    Property.of("double kernel positive and increasing", Gen.pairs(s, gap)).seed(5).tries(2000).check(x -> {
      double a = x.first();
      double b = a + x.second();
      double ka = kappa.applyAsDouble(a);
      double kb = kappa.applyAsDouble(b);
      if (!(ka > 0) || !(ka < kb)) {
        throw new AssertionError("kappa(" + a + ") = " + ka + ", kappa(" + b + ") = " + kb);
      }
      return true;
    });
  }

  /**
   * Through an engine's softmax: for one query with scores {@code s}, every weight is positive and the
   * weights are ordered as the scores (equal scores, equal weights). {@code weights} maps a row of scores
   * to the engine's row of attention weights.
   */
  static void weightsFollowScores(Function<BigFraction[], double[]> weights) {
    Gen<List<BigFraction>> rows = Gen.lists(Gen.rationals(-30, 30, 4), 2, 8);
    Property.of("attention weights follow the scores", rows).seed(7).tries(300).check(row -> {
      BigFraction[] s = row.toArray(new BigFraction[0]);
      double[] w = weights.apply(s);
      for (int j = 0; j < s.length; j++) {
        if (!(w[j] > 0)) {
          throw new AssertionError("weight " + w[j] + " of score " + s[j]);
        }
        for (int k = 0; k < s.length; k++) {
          int bySc = s[j].compareTo(s[k]);
          int byW = Double.compare(w[j], w[k]);
          // distinct scores differ by at least 1/12 here (denominators up to 4), so the weights differ by a
          // factor of at least exp(1/12) (or κ's), far beyond a few u of rounding; equal scores give the same
          // kernel value and the same quotient in every engine, so ties are exact
          if (Integer.signum(bySc) != Integer.signum(byW)) {
            throw new AssertionError("scores " + s[j] + ", " + s[k] + " got weights " + w[j] + ", " + w[k]);
          }
        }
      }
      return true;
    });
  }

  /** The exact engine's weights for one query with scores {@code s}, under arithmetic {@code ar}. */
  static double[] exactWeights(Arith<BigFraction> ar, BigFraction[] s) {
    Mat<BigFraction> scores = Mat.of(ar.field(), 1, s.length, (i, j) -> s[j]);
    boolean[][] all = {new boolean[s.length]};
    java.util.Arrays.fill(all[0], true);
    return Forward.softmaxRows(ar, scores, all).toDoubles(ar)[0];
  }

  /** The double engine's weights for one query with scores {@code s}: q = [1], keys = the scores, σ = 1. */
  static double[] doubleWeights(BigFraction[] s) {
    Architecture a = Architecture.builder(1).mask(Architecture.Mask.BIDIRECTIONAL).maxContext(16).build();
    FastModel fm = FastModel.of(model(a, Map.of()));
    DMatrixRMaj k = new DMatrixRMaj(s.length, 1);
    for (int j = 0; j < s.length; j++) {
      k.set(j, 0, s[j].doubleValue());
    }
    int[] kPos = new int[s.length];
    DMatrixRMaj q = new DMatrixRMaj(new double[][] {{1}});
    return fm.head(0, q, k, new DMatrixRMaj(s.length, 1), new int[] {0}, kPos, s.length).weights().data;
  }

  // ---- ALiBi ---------------------------------------------------------------------------------------

  /**
   * The slopes of Press et al. (2022, ALiBi) for H heads, H a power of two: the geometric sequence that
   * starts at 2^(−8/H) with that ratio, m_h = 2^(−8(h+1)/H); exact rationals when H divides 8.
   */
  static Mat<BigFraction> paperSlopes(int heads) {
    return Mat.of(BigFractionField.getInstance(), 1, heads,
        (i, h) -> new BigFraction(BigInteger.ONE, BigInteger.ONE.shiftLeft(8 * (h + 1) / heads)));
  }

  /** d = 1, W_Q = W_K = W_V = [1], H heads with the paper's slopes, causal, σ = 1. */
  static Model<BigFraction> alibiModel(int heads) {
    Architecture a = Architecture.builder(1).heads(heads).dHead(1).dValue(1).positions(Architecture.PositionKind.ALIBI)
        .maxContext(8).build();
    Map<String, Mat<BigFraction>> w = new LinkedHashMap<>();
    for (int h = 0; h < heads; h++) {
      w.put(Names.wq(0, h), mat(1, 1, BigFraction.ONE));
      w.put(Names.wk(0, h), mat(1, 1, BigFraction.ONE));
      w.put(Names.wv(0, h), mat(1, 1, BigFraction.ONE));
    }
    w.put(Names.ALIBI, paperSlopes(heads));
    return model(a, w);
  }

  /**
   * ALiBi scores {@code s_ij = x_i x_j − m_h (i − j)} on content x = (1, 2, 3), derived by hand for H = 4
   * (m = 1/4, 1/16, 1/64, 1/256) and H = 8 (m = 1/2, …, 1/256); {@code scores(model, content)} gives the
   * engine's scores per head (queries × keys, masked entries ignored).
   */
  static void alibiScores(BiFunction<Model<BigFraction>, Mat<BigFraction>, List<double[][]>> scores) {
    Mat<BigFraction> x = mat(3, 1, f(1, 1), f(2, 1), f(3, 1));
    // H = 4; query 2 (x = 3) against keys 0, 1, 2 at distances 2, 1, 0: 3 − 2m, 6 − m, 9
    double[][] h4 = {
        {3 - 2 / 4.0, 6 - 1 / 4.0, 9}, {3 - 2 / 16.0, 6 - 1 / 16.0, 9}, {3 - 2 / 64.0, 6 - 1 / 64.0, 9},
        {3 - 2 / 256.0, 6 - 1 / 256.0, 9}};
    List<double[][]> got4 = scores.apply(alibiModel(4), x);
    for (int h = 0; h < 4; h++) {
      for (int j = 0; j < 3; j++) {
        expectScore(h4[h][j], got4.get(h)[2][j], "H=4 head " + h + " query 2 key " + j);
      }
      // query 1 (x = 2), key 0 at distance 1: 2 − m_h
      expectScore(2 - 1.0 / (1 << 2 * (h + 1)), got4.get(h)[1][0], "H=4 head " + h + " query 1 key 0");
    }
    List<double[][]> got8 = scores.apply(alibiModel(8), x);
    // H = 8: m_0 = 1/2, so query 2, key 0 scores 3 − 2/2 = 2; m_7 = 1/256: 3 − 2/256 = 2.9921875
    expectScore(2, got8.get(0)[2][0], "H=8 head 0 query 2 key 0");
    expectScore(5.5, got8.get(0)[2][1], "H=8 head 0 query 2 key 1");
    expectScore(2.9921875, got8.get(7)[2][0], "H=8 head 7 query 2 key 0");
    expectScore(1.99609375, got8.get(7)[1][0], "H=8 head 7 query 1 key 0");
  }

  /** Exact comparison: every value here is a small dyadic rational, exact in double and in every engine step. */
  private static void expectScore(double want, double got, String where) {
    if (want != got) {
      throw new AssertionError("ALiBi score " + where + ": engine " + got + ", hand-derived " + want);
    }
  }

  /** Scores per head of the exact engine. */
  static List<double[][]> exactScores(Model<BigFraction> m, Mat<BigFraction> x) {
    Trace<BigFraction> t = Forward.run(m, Prefix.none(), Content.vectors(x));
    return t.layers().get(0).attention().heads().stream().map(h -> h.scores().toDoubles(m.arith())).toList();
  }

  /** Scores per head of the double engine. */
  static List<double[][]> doubleScores(Model<BigFraction> m, Mat<BigFraction> x) {
    FastModel.Trace t = FastModel.of(m).run(m.arith(), Prefix.none(), Content.vectors(x));
    List<double[][]> out = new ArrayList<>();
    for (FastModel.Head h : t.layers().get(0).heads()) {
      double[][] s = new double[h.scores().numRows][h.scores().numCols];
      for (int i = 0; i < s.length; i++) {
        for (int j = 0; j < s[i].length; j++) {
          s[i][j] = h.scores().get(i, j);
        }
      }
      out.add(s);
    }
    return out;
  }

  // ---- RoPE ----------------------------------------------------------------------------------------

  /**
   * Exact RoPE at d_head = 4 with rotations (3/5, 4/5) and (5/13, 12/13), row [1, 0, 0, 1] at positions
   * 0..3: pair 0 becomes (cos pθ, sin pθ), pair 1 (−sin pφ, cos pφ), with (3 + 4i)² = −7 + 24i,
   * (3 + 4i)³ = −117 + 44i, (5 + 12i)² = −119 + 120i, (5 + 12i)³ = −2035 − 828i (hand-expanded).
   */
  static void exactRope(BiFunction<Model<BigFraction>, int[], Mat<BigFraction>> rotate) {
    Architecture a = Architecture.builder(4).dHead(4).positions(Architecture.PositionKind.ROPE).build();
    Model<BigFraction> m = model(a, Map.of(Names.ROPE_COS, mat(1, 2, f(3, 5), f(5, 13)),
        Names.ROPE_SIN, mat(1, 2, f(4, 5), f(12, 13))));
    Mat<BigFraction> want = mat(4, 4,
        f(1, 1), f(0, 1), f(0, 1), f(1, 1),
        f(3, 5), f(4, 5), f(-12, 13), f(5, 13),
        f(-7, 25), f(24, 25), f(-120, 169), f(-119, 169),
        f(-117, 125), f(44, 125), f(828, 2197), f(-2035, 2197));
    Mat<BigFraction> got = rotate.apply(m, new int[] {0, 1, 2, 3});
    if (!want.equals(got)) {
      throw new AssertionError("RoPE rows at positions 0..3: engine " + got + ", hand-derived " + want);
    }
  }

  /** The rows [1, 0, 0, 1] rotated by the exact engine at the given positions. */
  static Mat<BigFraction> exactRopeRows(Model<BigFraction> m, int[] positions) {
    Mat<BigFraction> x = Mat.of(BigFractionField.getInstance(), positions.length, 4,
        (i, j) -> j == 0 || j == 3 ? BigFraction.ONE : BigFraction.ZERO);
    return Forward.rope(m, x, positions);
  }

  /** A double RoPE: rotates rows of x in place by position·θ per pair, given cos θ and sin θ per pair. */
  interface DoubleRope {
    void rotate(DMatrixRMaj x, int[] positions, DMatrixRMaj cos1, DMatrixRMaj sin1);
  }

  /**
   * Double RoPE at d_head = 8 (4 pairs, angles 0.1, 1, 2.5, 3) for positions 0..48 against the closed form
   * (cos pθ x0 − sin pθ x1, sin pθ x0 + cos pθ x1) with {@code Math.cos/sin(p·θ)}.
   *
   * <p>Error model, per component, for |x0| + |x1| = X: cos θ and sin θ are rounded (≤ u each, an angle
   * error ≤ 2u carried p times), each of the p complex multiplications adds ≤ 4u, the closed form's p·θ
   * and cos/sin add ≤ (2πp + 2)u, and the final rotation ≤ 3u; so
   * {@code tol = ((6 + 2π)·p + 5)·u·X}. Returns the largest error/tolerance ratio seen.
   */
  static double doubleRope(DoubleRope rope) {
    double[] theta = {0.1, 1, 2.5, 3};
    int maxPos = 48;
    int[] positions = new int[maxPos + 1];
    DMatrixRMaj x = new DMatrixRMaj(maxPos + 1, 2 * theta.length);
    java.util.SplittableRandom r = new java.util.SplittableRandom(9);
    for (int i = 0; i <= maxPos; i++) {
      positions[i] = i;
      for (int j = 0; j < x.numCols; j++) {
        x.set(i, j, r.nextDouble(-2, 2));
      }
    }
    DMatrixRMaj c1 = new DMatrixRMaj(1, theta.length);
    DMatrixRMaj s1 = new DMatrixRMaj(1, theta.length);
    for (int m = 0; m < theta.length; m++) {
      c1.set(0, m, Math.cos(theta[m]));
      s1.set(0, m, Math.sin(theta[m]));
    }
    DMatrixRMaj got = x.copy();
    rope.rotate(got, positions, c1, s1);
    double worst = 0;
    for (int i = 0; i <= maxPos; i++) {
      for (int m = 0; m < theta.length; m++) {
        double x0 = x.get(i, 2 * m);
        double x1 = x.get(i, 2 * m + 1);
        double c = Math.cos(i * theta[m]);
        double s = Math.sin(i * theta[m]);
        double tol = ropeTolerance(i, Math.abs(x0) + Math.abs(x1));
        double err = Math.max(Math.abs(got.get(i, 2 * m) - (c * x0 - s * x1)),
            Math.abs(got.get(i, 2 * m + 1) - (s * x0 + c * x1)));
        if (err > tol) {
          throw new AssertionError("RoPE position " + i + " pair " + m + ": error " + err + " > tolerance " + tol);
        }
        worst = Math.max(worst, err / tol);
      }
    }
    return worst;
  }

  /** The double RoPE error bound at position {@code pos} for a pair of size |x0| + |x1| (see {@link #doubleRope}). */
  static double ropeTolerance(int pos, double size) {
    return ((6 + 2 * Math.PI) * pos + 5) * U * size;
  }

  // ---- LoRA, counts, decoding, scale ---------------------------------------------------------------

  /** Vocab 11, d = 3, 2 layers, 2 heads, k = 4, k_v = 5, MLP 7, LayerNorm with final norm, biases, context 13. */
  static final Architecture COUNTED = Architecture.builder(3).vocab(11).layers(2).heads(2).dHead(4).dValue(5)
      .mlp(7, Architecture.Activation.GELU).norm(Architecture.NormKind.LAYER, true).attnBiases(true)
      .positions(Architecture.PositionKind.LEARNED).maxContext(13).build();

  /**
   * Parameter counts of {@link #COUNTED}, counted by hand: E and U 11·3 each, positions 13·3; per layer
   * two norms 2·(3 + 3), per head W_Q, W_K 4·3, W_V 5·3 and biases 4 + 4 + 5 (52, two heads 104), W_O 3·10
   * and b_O 3, W_1 7·3, c_1 7, W_2 3·7, c_2 3: 201 per layer; final norm 6. Total 33 + 33 + 39 + 402 + 6 =
   * 513. Shapes: W_Q 4×3, W_V 5×3, W_O 3×10, W_1 7×3, W_2 3×7 (rows × cols, applied as x Wᵀ).
   */
  static void parameterCounts(Function<Architecture, Map<String, int[]>> shapes) {
    Map<String, int[]> s = shapes.apply(COUNTED);
    long total = s.values().stream().mapToLong(x -> (long) x[0] * x[1]).sum();
    if (total != 513) {
      throw new AssertionError("parameter count " + total + ", hand-counted 513");
    }
    int[][] want = {{4, 3}, {5, 3}, {3, 10}, {7, 3}, {3, 7}};
    String[] names = {Names.wq(1, 1), Names.wv(1, 1), Names.wo(1), Names.w1(1), Names.w2(1)};
    for (int i = 0; i < names.length; i++) {
      if (!java.util.Arrays.equals(want[i], s.get(names[i]))) {
        throw new AssertionError(names[i] + " has shape " + java.util.Arrays.toString(s.get(names[i]))
            + ", hand-derived " + java.util.Arrays.toString(want[i]));
      }
    }
  }

  /**
   * Rank-2 LoRA on a non-square 3×4 W_K of ones with α = 5: W + (α/r) B A, B A derived by hand:
   * A = [[1, 0, 2, 0], [0, 1, 0, −1]], B = [[1, 0], [2, 1], [0, 3]], B A = [[1, 0, 2, 0], [2, 1, 4, −1],
   * [0, 3, 0, −3]], so W' = 1 + (5/2) B A.
   */
  static void loraRankTwo(BiFunction<Lora<BigFraction>, Model<BigFraction>, Model<BigFraction>> apply) {
    Architecture a = Architecture.builder(4).dHead(3).build();
    Map<String, Mat<BigFraction>> w = new LinkedHashMap<>();
    w.put(Names.wk(0, 0), Mat.of(BigFractionField.getInstance(), 3, 4, (i, j) -> BigFraction.ONE));
    Model<BigFraction> m = model(a, w);
    Lora<BigFraction> lora = new Lora<>(Names.wk(0, 0),
        mat(2, 4, f(1, 1), f(0, 1), f(2, 1), f(0, 1), f(0, 1), f(1, 1), f(0, 1), f(-1, 1)),
        mat(3, 2, f(1, 1), f(0, 1), f(2, 1), f(1, 1), f(0, 1), f(3, 1)), f(5, 1));
    Mat<BigFraction> want = mat(3, 4,
        f(7, 2), f(1, 1), f(6, 1), f(1, 1),
        f(6, 1), f(7, 2), f(11, 1), f(-3, 2),
        f(1, 1), f(17, 2), f(1, 1), f(-13, 2));
    Mat<BigFraction> got = apply.apply(lora, m).param(Names.wk(0, 0));
    if (!want.equals(got)) {
      throw new AssertionError("rank-2 LoRA with alpha = 5: engine " + got + ", hand-derived " + want);
    }
    if (lora.freeParameters() != 2 * 4 + 3 * 2) {
      throw new AssertionError("LoRA free parameters " + lora.freeParameters() + ", hand-counted 14");
    }
  }

  /**
   * Greedy decoding with ties over several steps. Attention is zero, so the hidden row of a position is
   * its token's embedding and the next token is f(last token): with E = [[1, 0], [0, 1], [1, 1]] and
   * U = [[0, 1], [1, 1], [2, 0]] the logits are f(0): (0, 1, 2) → 2; f(1): (1, 1, 0) → tie of 0 and 1 → 0;
   * f(2): (1, 2, 2) → tie of 1 and 2 → 1. From [0]: 2, 1, 0, 2, 1; from [2, 1]: 0, 2, 1.
   */
  static void greedyDecoding(Function<int[], int[]> decodeFiveFrom) {
    expectTokens(new int[] {2, 1, 0, 2, 1}, decodeFiveFrom.apply(new int[] {0}), "from [0]");
    expectTokens(new int[] {0, 2, 1, 0, 2}, decodeFiveFrom.apply(new int[] {2, 1}), "from [2, 1]");
  }

  private static void expectTokens(int[] want, int[] got, String what) {
    if (!java.util.Arrays.equals(want, got)) {
      throw new AssertionError("greedy decoding " + what + ": engine " + java.util.Arrays.toString(got)
          + ", hand-derived " + java.util.Arrays.toString(want));
    }
  }

  static Model<BigFraction> decodingModel() {
    Architecture a = Architecture.builder(2).vocab(3).maxContext(16).build();
    return model(a, Map.of(Names.EMBED, mat(3, 2, f(1, 1), f(0, 1), f(0, 1), f(1, 1), f(1, 1), f(1, 1)),
        Names.UNEMBED, mat(3, 2, f(0, 1), f(1, 1), f(1, 1), f(1, 1), f(2, 1), f(0, 1))));
  }

  /**
   * The per-sequence scale σ = T/√(p + n), every position counted, prefix included: T = 6, d = 1,
   * W_Q = W_K = [1], content x = (1, 2, 0, 1). Without prefix σ = 6/√4 = 3, so query 1 scores key 0 with
   * 3·2·1 = 6 and key 1 with 3·2·2 = 12; with a key/value prefix of 5 keys [1], σ = 6/√9 = 2, so query 1
   * scores prefix key 0 with 2·2·1 = 4 and its own key with 2·2·2 = 8. {@code scores(model, prefix)}
   * gives the engine's scores of head 0 at layer 0.
   */
  static void perSequenceScale(BiFunction<Model<BigFraction>, Prefix<BigFraction>, Mat<BigFraction>> scores) {
    Architecture a = Architecture.builder(1).maxContext(16).scale(new ScoreScale.PerSequence(f(6, 1))).build();
    Model<BigFraction> m = model(a, Map.of(Names.wq(0, 0), mat(1, 1, f(1, 1)), Names.wk(0, 0), mat(1, 1, f(1, 1))));
    Mat<BigFraction> plain = scores.apply(m, Prefix.none());
    expectExact(f(6, 1), plain.get(1, 0), "no prefix, query 1 key 0");
    expectExact(f(12, 1), plain.get(1, 1), "no prefix, query 1 key 1");
    Mat<BigFraction> keys = Mat.of(BigFractionField.getInstance(), 5, 1, (i, j) -> BigFraction.ONE);
    Prefix<BigFraction> kv = Prefix.keyValue(List.of(List.of(keys)), List.of(List.of(keys)));
    Mat<BigFraction> prefixed = scores.apply(m, kv);
    expectExact(f(4, 1), prefixed.get(1, 0), "5 prefix keys, query 1 prefix key 0");
    expectExact(f(8, 1), prefixed.get(1, 5 + 1), "5 prefix keys, query 1 key 1");
  }

  static final Mat<BigFraction> SCALE_CONTENT = mat(4, 1, f(1, 1), f(2, 1), f(0, 1), f(1, 1));

  private static void expectExact(BigFraction want, BigFraction got, String where) {
    if (!want.equals(got)) {
      throw new AssertionError("per-sequence scale, " + where + ": engine " + got + ", hand-derived " + want);
    }
  }
}
