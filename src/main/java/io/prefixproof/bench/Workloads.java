package io.prefixproof.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.ExactArith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Modular;
import io.prefixproof.algebra.ModularArith;
import io.prefixproof.algebra.RationalKernel;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.cases.DoubleCases;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.claims.Catalogue;
import io.prefixproof.claims.DoubleLimitations;
import io.prefixproof.claims.Limitations;
import io.prefixproof.claims.ModularCheck;
import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Gemm;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Counterexample;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Source;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.rng.core.source64.SplitMix64;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The benchmark workloads W1–W4: each run repeats "generate a case, check it" from a fixed seed for a
 * time budget (on K threads, each with its own seed stream) and reports checks per second.
 */
public final class Workloads {
  private Workloads() {}

  /**
   * One run's numbers; W4 also counts the largest number of shrink calls of its searches and the non-zero
   * choices of its last shrunk witness (null for the other workloads).
   */
  public record Run(String workload, String size, long checks, double seconds, double maxAbsErr, String note,
      Integer shrinkCalls, Long witnessNonzeroChoices) {

    public Run(String workload, String size, long checks, double seconds, double maxAbsErr, String note) {
      this(workload, size, checks, seconds, maxAbsErr, note, null, null);
    }

    /** The run as JSON, one element of {@code bench --json}'s data (prefixproof/bench/1). */
    public ObjectNode json() {
      ObjectNode m = JsonNodeFactory.instance.objectNode();
      m.put("workload", workload);
      m.put("size", size);
      m.put("checks", checks);
      m.put("seconds", Math.round(seconds * 1000) / 1000.0);
      m.put("checks_per_s", Math.round(checks / seconds * 100) / 100.0);
      m.put("max_abs_err", Double.isNaN(maxAbsErr) ? null : maxAbsErr);
      // when the vectorised kernels took over from the scalar ones (JVM uptime; -1: not yet; null: no vectors)
      m.put("vector_ready_ms", Gemm.VECTOR ? Long.valueOf(Gemm.vectorReadyAtMillis()) : null);
      m.put("note", note);
      m.put("shrink_calls", shrinkCalls);
      m.put("witness_nonzero_choices", witnessNonzeroChoices);
      return m;
    }
  }

  /** One check of a workload: returns its largest absolute error (NaN where none applies) or a note. */
  interface Task {
    double check(SplittableRandom r);
  }

  public static final Map<String, List<String>> SIZES = Map.of(
      "W1", List.of("small", "medium", "large"),
      "W2", List.of("tiny", "small", "medium"),
      "W3", List.of("default"),
      "W4", List.of("default"),
      "gen", List.of("default"),
      "train", TrainBench.SIZES);

  /** Runs {@code workload} at {@code size} for about {@code seconds} on {@code threads} threads. */
  public static Run run(String workload, String size, double seconds, int threads) {
    List<String> sizes = SIZES.get(workload);
    if (sizes == null) {
      throw new IllegalArgumentException("unknown workload '" + workload + "'; available: W1, W2, W3, W4, gen, train, shrink");
    }
    if (!sizes.contains(size)) {
      throw new IllegalArgumentException("workload " + workload + " has no size '" + size + "'; sizes: " + sizes);
    }
    if (workload.equals("train")) {
      return TrainBench.run(size, seconds);
    }
    Task task = switch (workload) {
      case "W1" -> w1(size);
      case "W2" -> w2(size);
      case "W3" -> w3();
      case "gen" -> generation();
      default -> null;
    };
    if (task == null) {
      return w4(seconds);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      long t0 = System.nanoTime();
      List<Future<double[]>> parts = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        final long seed = 1000L + w;
        parts.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          long n = 0;
          double err = Double.NaN;
          do {
            double e = task.check(r.split());
            err = Double.isNaN(err) ? e : Math.max(err, e);
            n++;
          } while (System.nanoTime() < deadline);
          return new double[] {n, err};
        }));
      }
      long checks = 0;
      double err = Double.NaN;
      for (Future<double[]> f : parts) {
        double[] x = f.get();
        checks += (long) x[0];
        err = Double.isNaN(err) ? x[1] : Math.max(err, x[1]);
      }
      boolean products = workload.equals("W1") || workload.equals("W3");
      return new Run(workload, size, checks, (System.nanoTime() - t0) / 1e9, err, products && !Gemm.VECTOR
          ? "scalar products: java was started without --add-modules jdk.incubator.vector" : null);
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("benchmark " + workload + " failed: " + e.getCause(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The W1 shapes (d_model, d_head, n, p) by size name. */
  public static int[] w1Shape(String size) {
    return switch (size) {
      case "small" -> new int[] {16, 8, 8, 2};
      case "medium" -> new int[] {64, 16, 64, 4};
      default -> new int[] {512, 64, 512, 16};
    };
  }

  /** The W2 shapes (d_model, d_head, n, p) by size name. */
  public static int[] w2Shape(String size) {
    return switch (size) {
      case "tiny" -> new int[] {4, 2, 4, 1};
      case "small" -> new int[] {8, 4, 8, 2};
      default -> new int[] {16, 8, 16, 2};
    };
  }

  /** One W1 case: a causal one-head layer (no residual, W_O = [I; 0]), content and one residual prefix. */
  public record W1Case(FastModel model, DMatrixRMaj content, DMatrixRMaj prefix) {
    /**
     * The head with prefix rows S before content X, and without them: queries from X only, keys and
     * values of S and X projected once and shared by both runs (as in
     * {@code src/bench/python/w1_numpy.py}); the content rows are the same doubles either way ({@link
     * io.prefixproof.fast.Gemm}).
     */
    public List<FastModel.Head> heads() {
      return heads(w1Masks(model.arch().mask(), content.numRows, prefix.numRows));
    }

    /**
     * {@link #heads()} with the masks made already ({@link #w1Masks}: they depend on the shape only). Prefix
     * and content rows are projected apart (each weight transposed once) and the prefixed keys and values
     * stacked from them: the content rows are the same doubles as in a product of the stacked rows. The
     * prefix-free head takes its scaled scores from the prefixed head's content columns.
     */
    public List<FastModel.Head> heads(FastModel.Mask[] masks) {
      return heads(masks, new W1Buffers(new int[] {model.arch().dModel(), model.arch().dHead(), content.numRows,
          prefix.numRows}));
    }

    /** {@link #heads(FastModel.Mask[])} written into {@code b} (of this case's shape), which the heads hold. */
    List<FastModel.Head> heads(FastModel.Mask[] masks, W1Buffers b) {
      int n = content.numRows;
      int p = prefix.numRows;
      CommonOps_DDRM.transpose(model.param(WQ), b.wqT);
      CommonOps_DDRM.transpose(model.param(WK), b.wkT);
      CommonOps_DDRM.transpose(model.param(WV), b.wvT);
      Gemm.mult(content, b.wqT, b.q);
      Gemm.mult(content, b.wkT, b.kc);
      Gemm.mult(content, b.wvT, b.vc);
      Gemm.mult(prefix, b.wkT, b.kp);
      Gemm.mult(prefix, b.wvT, b.vp);
      CommonOps_DDRM.insert(b.kp, b.k, 0, 0);
      CommonOps_DDRM.insert(b.kc, b.k, p, 0);
      CommonOps_DDRM.insert(b.vp, b.v, 0, 0);
      CommonOps_DDRM.insert(b.vc, b.v, p, 0);
      FastModel.Head prefixed = model.head(0, b.q, b.k, b.v, masks[0], b.queries, b.keys, p + n, b.prefixed);
      // the prefix-free head's scaled scores are the prefixed head's content columns: the same fma chains over
      // the same query and key rows ({@link Gemm}), times the same scale
      double[] from = prefixed.scores().data;
      double[] to = b.reference.scores().data;
      for (int i = 0; i < n; i++) {
        System.arraycopy(from, i * (p + n) + p, to, i * n, n);
      }
      return List.of(prefixed, model.headOfScaledScores(0, b.q, b.kc, b.vc, masks[1], b.plain, b.plain,
          b.reference));
    }
  }

  /**
   * The matrices of one W1 check, reused by the checks of a thread: the case's model, weights and rows
   * ({@link #w1Case(SplittableRandom, W1Buffers)}), the transposed weights, the projections and the two heads
   * ({@link W1Case#heads(FastModel.Mask[], W1Buffers)}). Each check overwrites every entry it reads, so a
   * case and its heads are valid until the next check on the same buffers; fresh memory for every check cost
   * more than its products. The model is made once over the weight matrices, which each case refills in
   * place (the architecture and its converted score scale are the same for every case, and the draws are
   * finite); W1 takes no product with the model's kept transposes ({@link FastModel#timesTransposed}), which
   * would still be the first case's.
   */
  static final class W1Buffers {
    final FastModel model;
    final DMatrixRMaj wq;
    final DMatrixRMaj wk;
    final DMatrixRMaj wv;
    final DMatrixRMaj content;
    final DMatrixRMaj prefix;
    final DMatrixRMaj wqT;
    final DMatrixRMaj wkT;
    final DMatrixRMaj wvT;
    final DMatrixRMaj q;
    final DMatrixRMaj kc;
    final DMatrixRMaj vc;
    final DMatrixRMaj kp;
    final DMatrixRMaj vp;
    final DMatrixRMaj k;
    final DMatrixRMaj v;
    final FastModel.HeadBuffers prefixed;
    final FastModel.HeadBuffers reference;
    final int[] queries;
    final int[] keys;
    final int[] plain;
    /** The drawn matrices in drawing order, and the standard deviation of each one's entries. */
    final DMatrixRMaj[] drawn;
    final double[] spreads;

    /** Buffers for the W1 shape {@code s} (d_model, d_head, n, p). */
    W1Buffers(int[] s) {
      int d = s[0];
      int kh = s[1];
      int n = s[2];
      int p = s[3];
      wq = new DMatrixRMaj(kh, d);
      wk = new DMatrixRMaj(kh, d);
      wv = new DMatrixRMaj(kh, d);
      model = new FastModel(w1Arch(s), Map.of(WQ, wq, WK, wk, WV, wv, WO, w1Wo(s)));
      content = new DMatrixRMaj(n, d);
      prefix = new DMatrixRMaj(p, d);
      wqT = new DMatrixRMaj(d, kh);
      wkT = new DMatrixRMaj(d, kh);
      wvT = new DMatrixRMaj(d, kh);
      q = new DMatrixRMaj(n, kh);
      kc = new DMatrixRMaj(n, kh);
      vc = new DMatrixRMaj(n, kh);
      kp = new DMatrixRMaj(p, kh);
      vp = new DMatrixRMaj(p, kh);
      k = new DMatrixRMaj(p + n, kh);
      v = new DMatrixRMaj(p + n, kh);
      prefixed = FastModel.HeadBuffers.of(n, p + n, kh);
      reference = FastModel.HeadBuffers.of(n, n, kh);
      queries = positions(p, n);
      keys = positions(0, p + n);
      plain = positions(0, n);
      drawn = new DMatrixRMaj[] {wq, wk, wv, content, prefix};
      double sd = 1 / Math.sqrt(d);
      spreads = new double[] {sd, sd, sd, 1, 1};
    }
  }

  /** Positions {@code from, from + 1, …} ({@code count} of them). */
  private static int[] positions(int from, int count) {
    return java.util.stream.IntStream.range(from, from + count).toArray();
  }

  /** The masks of the W1 heads: n content queries over p prefix and n content keys, and over n content keys. */
  public static FastModel.Mask[] w1Masks(Architecture.Mask kind, int n, int p) {
    return new FastModel.Mask[] {FastModel.mask(kind, positions(p, n), positions(0, p + n)),
        FastModel.mask(kind, positions(0, n), positions(0, n))};
  }

  /** The W1 head's mask. */
  static final Architecture.Mask W1_MASK = Architecture.Mask.CAUSAL;

  /** The names of the one head's weights, made once (every W1 case names them). */
  private static final String WQ = Names.wq(0, 0);

  private static final String WK = Names.wk(0, 0);

  private static final String WV = Names.wv(0, 0);

  private static final String WO = Names.wo(0);

  /** The W1 architecture of shape {@code s}: one causal head, no residual, scale 1/√d_head. */
  static Architecture w1Arch(int[] s) {
    return Architecture.builder(s[0]).dHead(s[1]).dValue(s[1]).maxContext(s[2] + s[3]).residual(false).mask(W1_MASK)
        .scale(ScoreScale.fixed(new BigFraction(1 / Math.sqrt(s[1])))).build();
  }

  /** W_O = [I; 0] (d × d_head), so the head output is the layer output (LIM-4 is not part of W1). */
  static DMatrixRMaj w1Wo(int[] s) {
    DMatrixRMaj wo = new DMatrixRMaj(s[0], s[1]);
    for (int i = 0; i < Math.min(s[0], s[1]); i++) {
      wo.set(i, i, 1);
    }
    return wo;
  }

  /** Draws a W1 case: W_Q, W_K, W_V ~ N(0, 1/d), content and prefix ~ N(0, 1). */
  public static W1Case w1Case(int[] s, SplittableRandom r) {
    return w1Case(r, new W1Buffers(s));
  }

  /** {@link #w1Case(int[], SplittableRandom)} drawn into {@code b} (of the shape wanted). */
  static W1Case w1Case(SplittableRandom r, W1Buffers b) {
    // one call site: the JIT compiles the draw loop once (inlined five times it ran slower, measured)
    for (int m = 0; m < b.drawn.length; m++) {
      fillNormal(r, b.drawn[m].data, 0, b.spreads[m]);
    }
    return new W1Case(b.model, b.content, b.prefix);
  }

  /**
   * Fills {@code out} with {@code mean + sd·z}, z ~ N(0, 1) by Commons RNG's ziggurat sampler (McFarland,
   * "A modified ziggurat algorithm for generating exponentially and normally distributed pseudorandom numbers",
   * J. Stat. Comput. Simul. 86(7), 2016) over a SplitMix64 stream seeded from {@code g}: about 2.5 ns a draw
   * against 3.4-3.6 for {@link SplittableRandom#nextGaussian()} in a hot loop (measured).
   */
  static void fillNormal(SplittableRandom g, double[] out, double mean, double sd) {
    ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(new SplitMix64(g.nextLong()));
    for (int k = 0; k < out.length; k++) {
      out[k] = mean + sd * z.sample();
    }
  }

  /** W1: one causal head in double, LIM-1 and LIM-3 on plain versus prefixed attention. */
  static Task w1(String size) {
    int[] s = w1Shape(size);
    Set<String> ids = Set.of("LIM-1", "LIM-2", "LIM-3");
    FastModel.Mask[] masks = w1Masks(W1_MASK, s[2], s[3]);
    // the threads of a run check cases side by side: one set of buffers each
    ThreadLocal<W1Buffers> buffers = ThreadLocal.withInitial(() -> new W1Buffers(s));
    return r -> {
      W1Buffers b = buffers.get();
      List<FastModel.Head> heads = w1Case(r, b).heads(masks, b);
      DoubleLimitations.Meter meter = new DoubleLimitations.Meter();
      DoubleLimitations.checkHead(heads.get(0), 0, s[3], heads.get(1), 0, 0, meter);
      return meter.maxAbsErr(ids);
    };
  }

  /** One W2 case: an exact one-head layer with the dyadic kernel, a residual prefix and content. */
  public record W2Case(Model<BigFraction> model, Prefix<BigFraction> prefix, Content<BigFraction> content) {
    /**
     * The head with prefix rows S before content X, and without them: queries from X only (the prefix
     * rows' own queries are not part of the identities), keys and values of S and X projected once and
     * shared by both runs, as in {@code src/bench/python/w2_fractions.py}, and so are the content's kernel
     * values (κ of the same scores; the dyadic κ is applied without a max shift), which the prefix-free head
     * only sums anew.
     */
    public List<Trace.Head<BigFraction>> heads() {
      return heads(model, prefix.layerRows().get(0), content.vectors());
    }

    /** The same heads with every entry of the case taken modulo the primes of {@code ar}. */
    public List<Trace.Head<Modular>> heads(ModularArith ar) {
      return heads(model.convert(ar, ar::of), prefix.layerRows().get(0).convert(ar, ar::of),
          content.vectors().convert(ar, ar::of));
    }

    private static <T extends FieldElement<T>> List<Trace.Head<T>> heads(Model<T> model, Mat<T> s, Mat<T> x) {
      Arith<T> ar = model.arith();
      // the exact arithmetics apply κ without a max shift (only a shift-invariant κ is shifted, Forward.kernels), so
      // the same scores give the same values; a σ by length would give the content other scores without the prefix
      if (!(model.arch().scale() instanceof ScoreScale.Fixed)) {
        throw new IllegalArgumentException("W2 shares kernel values between its runs: they need a fixed score scale");
      }
      Mat<T> all = s.vstack(x);
      int n = x.rows();
      int p = all.rows() - n;
      Mat<T> q = x.timesTransposed(model.param(Names.wq(0, 0)));
      Mat<T> k = all.timesTransposed(model.param(Names.wk(0, 0)));
      Mat<T> v = all.timesTransposed(model.param(Names.wv(0, 0)));
      int[] keys = java.util.stream.IntStream.range(0, p + n).toArray();
      int[] queries = java.util.Arrays.copyOfRange(keys, p, p + n);
      Forward.Scores<T> scores = Forward.scores(model, 0, q, k, queries, keys, p + n);
      Forward.Kernels<T> kernels = Forward.kernels(ar, scores.values(), scores.allowed());
      boolean[][] plain = new boolean[n][];
      for (int i = 0; i < n; i++) {
        plain[i] = java.util.Arrays.copyOfRange(scores.allowed()[i], p, p + n);
      }
      // a fixed σ: the content's scores do not depend on the prefix's length
      Forward.Scores<T> contentScores = new Forward.Scores<>(scores.values().cols(p, p + n), plain);
      return List.of(Forward.head(ar, q, k, v, scores, kernels),
          Forward.head(ar, q, k.rows(p, p + n), v.rows(p, p + n), contentScores,
              Forward.kernelsOf(ar, kernels.values().cols(p, p + n), plain)));
    }
  }

  /** W2's entries num/den, num in [−9, 9], den in [1, 9], reduced once: index (num + 9)·9 + den − 1. */
  private static final BigFraction[] W2_ENTRIES = java.util.stream.IntStream.range(0, 19 * 9)
      .mapToObj(i -> new BigFraction(i / 9 - 9, i % 9 + 1)).toArray(BigFraction[]::new);

  /**
   * A W2 matrix: each entry num/den with num uniform in [−9, 9] and den uniform in [1, 9], drawn as {@code
   * src/bench/python/w2_fractions.py} draws them (the property engine's generators would add its bias towards
   * edge values, which the baseline does not have, and its choice record, which no shrink here reads).
   */
  static Mat<BigFraction> w2Matrix(SplittableRandom r, int rows, int cols) {
    return Mat.of(ExactArith.DYADIC.field(), rows, cols, (i, j) -> {
      int num = r.nextInt(19);
      return W2_ENTRIES[num * 9 + r.nextInt(9)];
    });
  }

  /** Draws a W2 case: entries num/den, num in [−9, 9], den in [1, 9]; score scale 1; W_O = [I; 0]. */
  public static W2Case w2Case(int[] s, SplittableRandom r) {
    int d = s[0];
    int k = s[1];
    Architecture a = Architecture.builder(d).dHead(k).dValue(k).maxContext(s[2] + s[3]).residual(false).build();
    Map<String, Mat<BigFraction>> params = new LinkedHashMap<>();
    // W_O = [I; 0] is fixed: only the head's projections are drawn
    Model.shapes(a).forEach((name, sh) -> params.put(name, name.equals(Names.wo(0))
        ? Mat.of(ExactArith.DYADIC.field(), d, k, (i, j) -> i == j ? BigFraction.ONE : BigFraction.ZERO)
        : w2Matrix(r, sh[0], sh[1])));
    Model<BigFraction> m = new Model<>(a, ExactArith.DYADIC, params);
    return new W2Case(m, Prefix.residual(List.of(w2Matrix(r, s[3], d))), Content.vectors(w2Matrix(r, s[2], d)));
  }

  /**
   * W2: the same check in exact arithmetic with κ(s) = 2^⌊s⌋(1 + s − ⌊s⌋), score scale 1, decided modulo
   * {@link ModularCheck#PRIMES} primes (in BigFraction when the residues cannot decide). Each thread draws
   * its primes once, from a source independent of the cases ({@link ModularArith#fresh} says why that keeps
   * the error bound), and every case gets fresh atoms.
   */
  static Task w2(String size) {
    int[] s = w2Shape(size);
    Set<Limitations.Check> checks = EnumSet.of(Limitations.Check.RESCALE, Limitations.Check.OUTPUT);
    ThreadLocal<ModularArith> primes = ThreadLocal.withInitial(
        () -> ModularArith.random(RationalKernel.DYADIC, ModularCheck.PRIMES, new SplittableRandom()));
    return r -> {
      W2Case c = w2Case(s, r);
      ModularArith ar = primes.get().fresh();
      try {
        List<Trace.Head<Modular>> heads = c.heads(ar);
        Limitations.checkHead(ar, 0, 0, heads.get(0), 0, s[3], heads.get(1), checks);
      } catch (ModularArith.Undecided u) {
        List<Trace.Head<BigFraction>> heads = c.heads();
        Limitations.checkHead(c.model().arith(), 0, 0, heads.get(0), 0, s[3], heads.get(1), checks);
      }
      return Double.NaN;
    };
  }

  /** W3: a 4-layer, 4-head pre-LN transformer with a residual prefix, all per-layer LIM-6 checks. */
  static Task w3() {
    Set<String> ids = Set.of("LIM-1", "LIM-2", "LIM-3", "LIM-4");
    return r -> {
      DoubleCases.Case c = DoubleCases.build(4, 4, 64, 64, 4, Prefix.Kind.RESIDUAL, Architecture.Mask.CAUSAL,
          Architecture.NormKind.LAYER, true, true, 1, false, r.nextLong());
      DoubleLimitations.Meter meter = new DoubleLimitations.Meter();
      DoubleLimitations.check(c.model(), c.run(), meter);
      return meter.maxAbsErr(ids);
    };
  }

  /**
   * Plain generation throughput of the property engine: one case is nested lists of exact rationals
   * shaped like a 4-layer model's weights (d = 16, 4 heads of width 4, MLP 64): per layer 12 head
   * matrices 4×16, W_O 16×16, W_1 64×16, W_2 16×64, so 12,288 rationals per case.
   */
  static Task generation() {
    Gen<BigFraction> entry = Gen.rationals(-9, 9, 9);
    Gen<List<List<BigFraction>>> head = Gen.listsOf(Gen.listsOf(entry, 16), 4);
    Gen<List<List<BigFraction>>> wo = Gen.listsOf(Gen.listsOf(entry, 16), 16);
    Gen<List<List<BigFraction>>> w1 = Gen.listsOf(Gen.listsOf(entry, 16), 64);
    Gen<List<List<BigFraction>>> w2 = Gen.listsOf(Gen.listsOf(entry, 64), 16);
    Gen<List<Object>> layer = Gen.tuple(Gen.listsOf(head, 12), wo, w1, w2);
    Gen<List<List<Object>>> model = Gen.listsOf(layer, 4);
    return r -> {
      model.generate(Source.random(r, Integer.MAX_VALUE));
      return Double.NaN;
    };
  }

  /**
   * W4: the CONJ-1 search (find and fully shrink) on 2-layer attention-only key/value-prefixed models; its
   * JSON also carries {@code shrink_calls}, the most property runs any of its searches spent after the
   * first failure, and {@code witness_nonzero_choices}, the non-zero choices of the last shrunk witness.
   */
  static Run w4(double seconds) {
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (seconds * 1e9);
    long searches = 0;
    int shrinkCalls = 0;
    Counterexample<PrefixCase<BigFraction>> c;
    do {
      c = w4Search(searches + 1);
      shrinkCalls = Math.max(shrinkCalls, c.shrinkCalls());
      searches++;
    } while (System.nanoTime() < deadline);
    Architecture a = c.value().model().arch();
    String witness = "L" + a.layers() + " H" + a.heads() + " d" + a.dModel() + " n" + c.value().content().rows() + " p"
        + c.value().prefix().length();
    return new Run("W4", "default", searches, (System.nanoTime() - t0) / 1e9, Double.NaN, "shrunk witness " + witness,
        shrinkCalls, java.util.Arrays.stream(c.choices()).filter(v -> v != 0).count());
  }

  /** One W4 search from {@code seed}: a CONJ-1 counterexample, shrunk. */
  public static Counterexample<PrefixCase<BigFraction>> w4Search(long seed) {
    return Cases.property("W4", w4Cases()).seed(seed).tries(1000).search(x -> Catalogue.rescaleAgainstPlain(x, 1));
  }

  /** The W4 cases: 2 layers, 1 head, d, k, d_v up to 8, n 2–6, key/value prefixes of 1–3, causal, no norm. */
  public static Gen<PrefixCase<BigFraction>> w4Cases() {
    CaseOptions o = CaseOptions.exactDefaults().withLayers(2, 2).withHeads(1, 1)
        .withDims(new int[] {1, 8}, new int[] {1, 8}, new int[] {1, 8})
        .withLengths(new int[] {2, 6}, new int[] {1, 3}).withKinds(List.of(Prefix.Kind.KEY_VALUE))
        .withMasks(List.of(Architecture.Mask.CAUSAL)).withNorms(List.of(Architecture.NormKind.NONE), 0)
        .withEntries(-3, 3, 3);
    return Cases.exact(o, Arith.exact(), false);
  }
}
