package io.prefixproof.fast;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.RopeScaling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.util.Decimal64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The fast double engine: the same forward pass as {@link io.prefixproof.model.Forward} on EJML
 * {@link DMatrixRMaj}, with the true {@code exp} kernel (max-shifted, so no NaN for finite scores),
 * real LayerNorm/RMSNorm and tanh-GELU. The rational norm stand-ins and rational kernels are exact-mode
 * only and are rejected here.
 */
public final class FastModel {
  private final Architecture arch;
  private final Map<String, DMatrixRMaj> params;
  /**
   * Transposes of the weights that are small enough to keep ({@link #TRANSPOSE_CACHE_ENTRIES}), or of all
   * weights of a decoded block ({@link #ofDecodedBlock}), by name.
   */
  private final Map<String, DMatrixRMaj> transposed = new ConcurrentHashMap<>();

  /**
   * Weights of at most this many entries keep their transpose after the first product. A larger weight is
   * transposed again for each product: keeping it would double the memory of big checkpoints, and the
   * product with it costs at least (rows × entries) multiply-adds against the transpose's entries copies.
   */
  static final int TRANSPOSE_CACHE_ENTRIES = 1 << 20;

  /** A fixed score scale as a double, converted once (NaN when the scale depends on the lengths). */
  private final double fixedSigma;

  /** Whether every weight keeps its transpose after the first product, whatever its size. */
  private final boolean keepTransposes;

  /** Weights by name, validated against {@link Model#shapes} (shape and finiteness). */
  public FastModel(Architecture arch, Map<String, DMatrixRMaj> params) {
    this(arch, params, true, false);
  }

  /**
   * One block of a checkpoint read block by block, its weights checked finite where they were decoded: shapes
   * are validated, finiteness is not scanned again, and every weight keeps its transpose after its first product
   * (several runs use the block; both layouts of one block's weights are held, not of the model's).
   */
  public static FastModel ofDecodedBlock(Architecture arch, Map<String, DMatrixRMaj> params) {
    return new FastModel(arch, params, false, true);
  }

  private FastModel(Architecture arch, Map<String, DMatrixRMaj> params, boolean scanFinite, boolean keepTransposes) {
    this.keepTransposes = keepTransposes;
    if (arch.norm() == Architecture.NormKind.RATIONAL_LAYER || arch.norm() == Architecture.NormKind.RATIONAL_RMS) {
      throw new IllegalArgumentException("the double engine has no rational norm stand-in (" + arch.norm() + ")");
    }
    if (!arch.ropeScaling().usesRotationWeights() && arch.ropeScaling().kind() != RopeScaling.Kind.DYNAMIC_NTK) {
      throw new IllegalArgumentException("the double engine has no length-dependent RoPE of kind "
          + arch.ropeScaling() + " (dynamic NTK only); the generic engine runs it in Dfp or double");
    }
    this.arch = arch;
    Map<String, int[]> shapes = Model.shapes(arch);
    Map<String, DMatrixRMaj> p = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      DMatrixRMaj m = params.get(e.getKey());
      int[] s = e.getValue();
      if (m == null) {
        throw new IllegalArgumentException("missing weight " + e.getKey() + " (expected " + s[0] + "x" + s[1] + ")");
      }
      if (m.numRows != s[0] || m.numCols != s[1]) {
        throw new IllegalArgumentException(
            "weight " + e.getKey() + " has shape " + m.numRows + "x" + m.numCols + ", expected " + s[0] + "x" + s[1]);
      }
      for (int i = 0; i < m.getNumElements() && scanFinite; i++) {
        if (!Double.isFinite(m.data[i])) {
          throw new IllegalArgumentException(
              "weight " + e.getKey() + " has the non-finite value " + m.data[i] + " at (" + i / m.numCols + ", "
                  + i % m.numCols + ")");
        }
      }
      p.put(e.getKey(), m);
    }
    for (String k : params.keySet()) {
      if (!shapes.containsKey(k)) {
        throw new IllegalArgumentException("unexpected weight " + k + " for " + arch.summary());
      }
    }
    this.params = p;
    this.fixedSigma = arch.scale() instanceof ScoreScale.Fixed f ? f.sigma(Arith.decimal64(), 1, 1).doubleValue()
        : Double.NaN;
  }

  /** The model's weights converted to doubles. */
  public static <T extends FieldElement<T>> FastModel of(Model<T> m) {
    Map<String, DMatrixRMaj> p = new LinkedHashMap<>();
    m.params().forEach((k, v) -> p.put(k, toDense(m.arith(), v)));
    return new FastModel(m.arch(), p);
  }

  public static <T extends FieldElement<T>> DMatrixRMaj toDense(Arith<T> ar, Mat<T> m) {
    return new DMatrixRMaj(m.toDoubles(ar));
  }

  public Architecture arch() {
    return arch;
  }

  /** The same weights under another architecture of the same shapes (another mask, norm placement). */
  public FastModel withArchitecture(Architecture other) {
    return new FastModel(other, params, false, keepTransposes);
  }

  public DMatrixRMaj param(String name) {
    DMatrixRMaj m = params.get(name);
    if (m == null) {
      throw new IllegalArgumentException("model has no weight named " + name);
    }
    return m;
  }

  /**
   * One head's intermediates: queries, values (prefix rows first), scaled scores, weights, outputs, mask
   * (shared by the heads of a layer: read only), per query the spread max − min of the scaled scores it
   * sees, and the keys (prefix rows first).
   */
  public record Head(DMatrixRMaj queries, DMatrixRMaj values, DMatrixRMaj scores, DMatrixRMaj weights,
      DMatrixRMaj out, Mask mask, double[] spread, DMatrixRMaj keys) {

    /** Which keys each query may attend ({@link Mask#allowed}). */
    public boolean[][] allowed() {
      return mask.allowed();
    }
  }

  /** One block's intermediates. */
  public record Layer(DMatrixRMaj input, List<Head> heads, DMatrixRMaj attentionOut, DMatrixRMaj output) {}

  /** A forward pass: stream prefix rows, key prefix columns, layers, logits (null without vocabulary). */
  public record Trace(int streamPrefix, int keyPrefix, int[] positions, List<Layer> layers, DMatrixRMaj logits) {}

  /** Runs with a prefix and content given in any arithmetic (converted to doubles). */
  public <T extends FieldElement<T>> Trace run(Arith<T> ar, Prefix<T> prefix, Content<T> content) {
    prefix.validate(arch, content.length());
    Prefix.Kind kind = prefix.kind();
    DMatrixRMaj rows = content.isTokens() ? embed(content.tokenArray()) : toDense(ar, content.vectors());
    DMatrixRMaj first = kind == Prefix.Kind.STREAM ? toDense(ar, prefix.streamRows()) : null;
    List<DMatrixRMaj> perLayer = null;
    List<List<DMatrixRMaj>> kvK = null;
    List<List<DMatrixRMaj>> kvV = null;
    if (kind == Prefix.Kind.RESIDUAL) {
      perLayer = prefix.layerRows().stream().map(x -> toDense(ar, x)).toList();
    } else if (kind == Prefix.Kind.KEY_VALUE) {
      kvK = prefix.keys().stream().map(l -> l.stream().map(x -> toDense(ar, x)).toList()).toList();
      kvV = prefix.values().stream().map(l -> l.stream().map(x -> toDense(ar, x)).toList()).toList();
    }
    return run(kind, prefix.length(), rows, first, perLayer, kvK, kvV);
  }

  /** Rows {@code E[t]} of the embedding for the given tokens. */
  public DMatrixRMaj embed(int[] tokens) {
    DMatrixRMaj e = param(Names.EMBED);
    DMatrixRMaj rows = new DMatrixRMaj(tokens.length, arch.dModel());
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= arch.vocab()) {
        throw new IllegalArgumentException("token " + tokens[i] + " outside the vocabulary [0, " + arch.vocab() + ")");
      }
      CommonOps_DDRM.extract(e, tokens[i], tokens[i] + 1, 0, arch.dModel(), rows, i, 0);
    }
    return rows;
  }

  /**
   * Runs on content rows (layer-1 input before positions). Exactly one of {@code promptRows}
   * ({@code STREAM}), {@code perLayer} ({@code RESIDUAL}), {@code kvKeys/kvValues} ({@code KEY_VALUE}) is
   * used according to {@code kind}.
   */
  public Trace run(
      Prefix.Kind kind, int p, DMatrixRMaj content, DMatrixRMaj promptRows, List<DMatrixRMaj> perLayer,
      List<List<DMatrixRMaj>> kvKeys, List<List<DMatrixRMaj>> kvValues) {
    int n = content.numRows;
    int d = arch.dModel();
    if (content.numCols != d) {
      throw new IllegalArgumentException("content has shape " + n + "x" + content.numCols + ", expected n x " + d);
    }
    if (p + n > arch.maxContext()) {
      throw new IllegalArgumentException(
          "prefix of " + p + " positions plus " + n + " content positions exceeds the context of " + arch.maxContext()
              + " positions");
    }
    int sp = kind == Prefix.Kind.KEY_VALUE || kind == Prefix.Kind.NONE ? 0 : p;
    int[] positions = new int[sp + n];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = (kind == Prefix.Kind.KEY_VALUE ? p : 0) + i;
    }
    DMatrixRMaj x = new DMatrixRMaj(sp + n, d);
    if (kind == Prefix.Kind.STREAM) {
      CommonOps_DDRM.insert(promptRows, x, 0, 0);
    } else if (kind == Prefix.Kind.RESIDUAL) {
      CommonOps_DDRM.insert(perLayer.get(0), x, 0, 0);
    }
    CommonOps_DDRM.insert(content, x, sp, 0);
    if (arch.positions() == Architecture.PositionKind.LEARNED) {
      DMatrixRMaj pos = param(Names.POS);
      for (int i = kind == Prefix.Kind.RESIDUAL ? sp : 0; i < x.numRows; i++) {
        for (int j = 0; j < d; j++) {
          x.add(i, j, pos.get(positions[i], j));
        }
      }
    }
    int[] kvPositions = new int[kind == Prefix.Kind.KEY_VALUE ? p : 0];
    for (int i = 0; i < kvPositions.length; i++) {
      kvPositions[i] = i;
    }
    List<Layer> layers = new ArrayList<>();
    for (int l = 0; l < arch.layers(); l++) {
      if (kind == Prefix.Kind.RESIDUAL) {
        x = x.copy();
        CommonOps_DDRM.insert(perLayer.get(l), x, 0, 0);
      }
      Layer layer = layer(l, x, positions, kvKeys == null ? null : kvKeys.get(l),
          kvValues == null ? null : kvValues.get(l), kvPositions, p + n);
      layers.add(layer);
      x = layer.output();
    }
    DMatrixRMaj hidden = arch.finalNorm() ? norm(x, Names.LNF_G, Names.LNF_B) : x;
    DMatrixRMaj logits = null;
    if (arch.vocab() > 0) {
      logits = new DMatrixRMaj(hidden.numRows, arch.vocab());
      timesTransposed(hidden, Names.UNEMBED, logits);
    }
    return new Trace(sp, p, positions, List.copyOf(layers), logits);
  }

  /** One block, as {@link io.prefixproof.model.Forward#layer}. */
  public Layer layer(
      int l, DMatrixRMaj x, int[] positions, List<DMatrixRMaj> kvK, List<DMatrixRMaj> kvV, int[] kvPositions,
      int sequenceLength) {
    return layer(l, x, heads(l, x, positions, kvK, kvV, kvPositions, sequenceLength));
  }

  /**
   * Block l after its heads: {@code heads} (computed on the input x) through the output projection, the
   * residual connection and the MLP, as {@link #layer(int, DMatrixRMaj, int[], List, List, int[], int)}.
   */
  public Layer layer(int l, DMatrixRMaj x, List<Head> heads) {
    boolean post = arch.norm() != Architecture.NormKind.NONE && arch.postNorm();
    boolean pre = arch.norm() != Architecture.NormKind.NONE && !post;
    int rows = x.numRows;
    DMatrixRMaj o = attentionOut(l, heads);
    DMatrixRMaj after = arch.residual() ? plus(x, o) : o;
    if (post) {
      after = norm(after, Names.ln1g(l), Names.ln1b(l));
    }
    DMatrixRMaj out = after;
    if (arch.mlpHidden() > 0) {
      DMatrixRMaj h2 = pre ? norm(after, Names.ln2g(l), Names.ln2b(l)) : after;
      DMatrixRMaj hid = new DMatrixRMaj(rows, arch.mlpHidden());
      timesTransposed(h2, Names.w1(l), hid);
      addRow(hid, param(Names.c1(l)));
      DMatrixRMaj gate = null;
      if (arch.activation() == Architecture.Activation.SWIGLU) {
        gate = new DMatrixRMaj(rows, arch.mlpHidden());
        timesTransposed(h2, Names.wg(l), gate);
      }
      for (int i = 0; i < hid.getNumElements(); i++) {
        double u = hid.data[i];
        hid.data[i] = switch (arch.activation()) {
          case RELU -> Math.max(0, u);
          case GELU -> gelu(u);
          case GELU_ERF -> 0.5 * u * (1 + org.apache.commons.math3.special.Erf.erf(u / Math.sqrt(2)));
          case SWIGLU -> gate.data[i] / (1 + Math.exp(-gate.data[i])) * u;
        };
      }
      DMatrixRMaj mo = new DMatrixRMaj(rows, arch.dModel());
      timesTransposed(hid, Names.w2(l), mo);
      addRow(mo, param(Names.c2(l)));
      out = arch.residual() ? plus(after, mo) : mo;
      if (post) {
        out = norm(out, Names.ln2g(l), Names.ln2b(l));
      }
    }
    return new Layer(x, heads, o, out);
  }

  /**
   * The heads of block l on the block input x (its first norm applied here, as in {@link #layer}), without
   * the output projection and the MLP: what a prefix-free reference of the limitation checks needs.
   */
  public List<Head> heads(
      int l, DMatrixRMaj x, int[] positions, List<DMatrixRMaj> kvK, List<DMatrixRMaj> kvV, int[] kvPositions,
      int sequenceLength) {
    return heads(projections(l, x), positions, kvK, kvV, kvPositions, sequenceLength);
  }

  /** One head's queries, keys and values of some rows, before any rotation. */
  public record Projection(DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v) {}

  /**
   * Per head of block l, {@code q = x̂ W_Qᵀ + b_Q}, {@code k = x̂ W_Kᵀ + b_K}, {@code v = x̂ W_Vᵀ + b_V} on
   * the rows x̂ of x after the block's first norm (if it comes first), not rotated. Each row's entries
   * depend on that row of x only ({@link Gemm}), so the projections of stacked rows are the stacked
   * projections.
   */
  public List<Projection> projections(int l, DMatrixRMaj x) {
    DMatrixRMaj normed = arch.normsAttentionInput() ? norm(x, Names.ln1g(l), Names.ln1b(l)) : x;
    List<Projection> out = new ArrayList<>();
    for (int h = 0; h < arch.heads(); h++) {
      out.add(new Projection(affine(normed, Names.wq(l, h), Names.bq(l, h)), affine(normed, Names.wk(l, h),
          Names.bk(l, h)), affine(normed, Names.wv(l, h), Names.bv(l, h))));
    }
    return out;
  }

  /**
   * The heads on projections of rows at {@code positions} ({@link #projections}; left unchanged: RoPE
   * rotates copies), a key/value prefix (when {@code kvK} is given) before the rows' keys.
   */
  public List<Head> heads(List<Projection> projections, int[] positions, List<DMatrixRMaj> kvK,
      List<DMatrixRMaj> kvV, int[] kvPositions, int sequenceLength) {
    int rows = positions.length;
    int[] keyPositions = new int[(kvK == null ? 0 : kvPositions.length) + rows];
    if (kvK != null) {
      System.arraycopy(kvPositions, 0, keyPositions, 0, kvPositions.length);
    }
    System.arraycopy(positions, 0, keyPositions, keyPositions.length - rows, rows);
    List<Head> heads = new ArrayList<>();
    Mask mask = mask(arch.mask(), positions, keyPositions);
    DMatrixRMaj[] rotation = arch.positions() == Architecture.PositionKind.ROPE ? rotation(positions) : null;
    for (int h = 0; h < arch.heads(); h++) {
      Projection ph = projections.get(h);
      DMatrixRMaj q = ph.q();
      DMatrixRMaj k = ph.k();
      DMatrixRMaj v = ph.v();
      if (rotation != null) {
        q = q.copy();
        k = k.copy();
        rope(q, positions, rotation[0], rotation[1]);
        rope(k, positions, rotation[0], rotation[1]);
      }
      if (kvK != null) {
        k = CommonOps_DDRM.concatRowsMulti(kvK.get(h), k);
        v = CommonOps_DDRM.concatRowsMulti(kvV.get(h), v);
      }
      heads.add(head(h, q, k, v, mask, positions, keyPositions, sequenceLength));
    }
    return List.copyOf(heads);
  }

  /** The attention output of block l: {@code [out_0 … out_{H−1}] W_Oᵀ + b_O} over the heads' outputs. */
  public DMatrixRMaj attentionOut(int l, List<Head> heads) {
    int rows = heads.get(0).out().numRows;
    int kv = arch.dValue();
    DMatrixRMaj concat = new DMatrixRMaj(rows, arch.heads() * kv);
    for (int h = 0; h < arch.heads(); h++) {
      CommonOps_DDRM.insert(heads.get(h).out(), concat, 0, h * kv);
    }
    DMatrixRMaj o = new DMatrixRMaj(rows, arch.dModel());
    timesTransposed(concat, Names.wo(l), o);
    if (arch.attnBiases()) {
      addRow(o, param(Names.bo(l)));
    }
    return o;
  }

  /**
   * cos θ_m and sin θ_m of each pair: the rotation weights, or with dynamic NTK the frequencies at the
   * sequence length {@code max position + 1} (as HF's dynamic RoPE update takes it from the position ids).
   */
  private DMatrixRMaj[] rotation(int[] positions) {
    if (arch.ropeScaling().usesRotationWeights()) {
      return new DMatrixRMaj[] {param(Names.ROPE_COS), param(Names.ROPE_SIN)};
    }
    double[] theta = arch.ropeScaling().frequencies(arch.dHead(), Arrays.stream(positions).max().orElse(0) + 1);
    DMatrixRMaj cos = new DMatrixRMaj(1, theta.length);
    DMatrixRMaj sin = new DMatrixRMaj(1, theta.length);
    for (int m = 0; m < theta.length; m++) {
      cos.set(0, m, Math.cos(theta[m]));
      sin.set(0, m, Math.sin(theta[m]));
    }
    return new DMatrixRMaj[] {cos, sin};
  }

  /**
   * Which keys each query may attend: {@code allowed[i][j]}, their number {@code attended[i]}, and, under a
   * causal mask with keys in position order, {@code reach[i]}: query i attends exactly keys [0, reach[i]),
   * and the score and output products need only that part (null otherwise). It depends on the mask kind
   * and the positions only, so the heads of a layer share one.
   */
  public record Mask(boolean[][] allowed, int[] attended, int[] reach) {}

  /** The {@link Mask} of queries at positions {@code qPos} over keys at {@code kPos}. */
  public static Mask mask(Architecture.Mask kind, int[] qPos, int[] kPos) {
    int nq = qPos.length;
    int nk = kPos.length;
    boolean[][] allowed = new boolean[nq][nk];
    int[] attended = new int[nq];
    boolean ordered = kind == Architecture.Mask.CAUSAL;
    for (int j = 1; j < nk && ordered; j++) {
      ordered = kPos[j - 1] <= kPos[j];
    }
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        allowed[i][j] = kind == Architecture.Mask.BIDIRECTIONAL || kPos[j] <= qPos[i];
        attended[i] += allowed[i][j] ? 1 : 0;
      }
    }
    return new Mask(allowed, attended, ordered ? attended.clone() : null);
  }

  /** Scores, max-shifted softmax and outputs of one head. */
  public Head head(int h, DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v, int[] qPos, int[] kPos, int sequenceLength) {
    return head(h, q, k, v, mask(arch.mask(), qPos, kPos), qPos, kPos, sequenceLength);
  }

  /** {@link #head(int, DMatrixRMaj, DMatrixRMaj, DMatrixRMaj, int[], int[], int)} with its mask made already. */
  public Head head(int h, DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v, Mask mask, int[] qPos, int[] kPos,
      int sequenceLength) {
    return head(h, q, k, v, mask, qPos, kPos, sequenceLength, HeadBuffers.of(q.numRows, k.numRows, v.numCols));
  }

  /**
   * The matrices a head writes: scores and weights (queries × keys), outputs (queries × value width) and the
   * spread per query. Reused by a caller that checks one head at a time: a head written into them overwrites
   * every entry and is valid until they are written again.
   */
  public record HeadBuffers(DMatrixRMaj scores, DMatrixRMaj weights, DMatrixRMaj out, double[] spread) {
    /** Buffers for {@code queries} queries over {@code keys} keys with values {@code valueWidth} wide. */
    public static HeadBuffers of(int queries, int keys, int valueWidth) {
      return new HeadBuffers(new DMatrixRMaj(queries, keys), new DMatrixRMaj(queries, keys),
          new DMatrixRMaj(queries, valueWidth), new double[queries]);
    }
  }

  /**
   * {@link #head(int, DMatrixRMaj, DMatrixRMaj, DMatrixRMaj, Mask, int[], int[], int)} written into
   * {@code into} (of the head's shape), which the returned head holds.
   */
  public Head head(int h, DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v, Mask mask, int[] qPos, int[] kPos,
      int sequenceLength, HeadBuffers into) {
    checkShapes(q, k, v, mask, into);
    Gemm.multTransB(q, k, into.scores(), mask.reach());
    return softmax(h, q, k, v, mask, qPos, kPos, sequenceLength, into, false);
  }

  /**
   * The head whose scaled scores are in {@code into.scores()} already (those of another head on the same
   * queries and keys, with the same scale and positions: a score is then the same double), softmax and
   * outputs computed as in {@link #head(int, DMatrixRMaj, DMatrixRMaj, DMatrixRMaj, Mask, int[], int[], int,
   * HeadBuffers)}.
   */
  public Head headOfScaledScores(int h, DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v, Mask mask, int[] qPos,
      int[] kPos, HeadBuffers into) {
    checkShapes(q, k, v, mask, into);
    return softmax(h, q, k, v, mask, qPos, kPos, 0, into, true);
  }

  /** Throws unless the mask and the buffers fit queries q, keys k and values v. */
  private static void checkShapes(DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v, Mask mask, HeadBuffers into) {
    int nq = q.numRows;
    int nk = k.numRows;
    if (mask.allowed().length != nq || (nq > 0 && mask.allowed()[0].length != nk)) {
      throw new IllegalArgumentException("mask of " + mask.allowed().length + " queries for " + nq + " queries and "
          + nk + " keys");
    }
    DMatrixRMaj s = into.scores();
    DMatrixRMaj w = into.weights();
    DMatrixRMaj out = into.out();
    double[] spread = into.spread();
    if (s.numRows != nq || s.numCols != nk || w.numRows != nq || w.numCols != nk || out.numRows != nq
        || out.numCols != v.numCols || spread.length != nq) {
      throw new IllegalArgumentException("head buffers of " + s.numRows + "x" + s.numCols + " scores and "
          + out.numRows + "x" + out.numCols + " outputs for " + nq + " queries, " + nk + " keys and values "
          + v.numCols + " wide");
    }
  }

  /**
   * Scaling (unless {@code scaled}: then σ = 1 and no ALiBi term, the multiplications by 1 exact), max-shifted
   * softmax and outputs of the scores in {@code into.scores()}.
   */
  private Head softmax(int h, DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v, Mask mask, int[] qPos, int[] kPos,
      int sequenceLength, HeadBuffers into, boolean scaled) {
    int nq = q.numRows;
    int nk = k.numRows;
    DMatrixRMaj s = into.scores();
    DMatrixRMaj w = into.weights();
    DMatrixRMaj out = into.out();
    double[] spread = into.spread();
    boolean[][] allowed = mask.allowed();
    int[] attended = mask.attended();
    int[] reach = mask.reach();
    double slope = arch.positions() == Architecture.PositionKind.ALIBI && !scaled ? param(Names.ALIBI).get(0, h) : 0;
    Arith<Decimal64> dbl = Arith.decimal64();
    // a fixed scale is converted once per model, a per-sequence one once per head, a per-query one per row
    boolean perQuery = arch.scale() instanceof ScoreScale.PerAttended && !scaled;
    double headSigma = scaled ? 1 : !Double.isNaN(fixedSigma) || perQuery ? fixedSigma
        : arch.scale().sigma(dbl, sequenceLength, nk).doubleValue();
    // every key in [0, end) of a row allowed: the scaling and the normalisation can run in vectors
    boolean contiguous = reach != null || arch.mask() == Architecture.Mask.BIDIRECTIONAL;
    boolean vector = contiguous && slope == 0 && Gemm.vectorNow();
    double[] range = new double[2];
    for (int i = 0; i < nq; i++) {
      double sigma = perQuery ? arch.scale().sigma(dbl, sequenceLength, attended[i]).doubleValue() : headSigma;
      int row = i * nk;
      int end = reach == null ? nk : reach[i];
      boolean[] on = allowed[i];
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      if (vector) {
        Vectorised.scaleRow(s.data, row, row + end, sigma, range);
        max = range[0];
        min = range[1];
        for (int j = 0; j < end && !(Double.isFinite(max) && Double.isFinite(min)); j++) {
          requireFinite(s.data[row + j], h, i, j);
        }
      } else {
        for (int j = 0; j < end; j++) {
          if (on[j]) {
            double sc = sigma * s.data[row + j];
            if (slope != 0) {
              sc -= slope * Math.abs(qPos[i] - kPos[j]);
            }
            requireFinite(sc, h, i, j);
            s.data[row + j] = sc;
            max = sc > max ? sc : max;
            min = sc < min ? sc : min;
          }
        }
      }
      spread[i] = max - min;
      double sum;
      if (contiguous) {
        sum = Gemm.expShifted(s.data, w.data, row, row + end, max);
      } else {
        sum = 0;
        for (int j = 0; j < end; j++) {
          double e = on[j] ? Math.exp(s.data[row + j] - max) : 0;
          w.data[row + j] = e;
          sum += e;
        }
      }
      if (vector) {
        Vectorised.divide(w.data, row, row + end, sum);
      } else {
        for (int j = 0; j < end; j++) {
          w.data[row + j] /= sum;
        }
      }
      Arrays.fill(w.data, row + end, row + nk, 0.0);
    }
    Gemm.mult(w, v, out, reach);
    return new Head(q, v, s, w, out, mask, spread, k);
  }

  /** Throws when the scaled score {@code sc} of head h, query i, key j is not finite. */
  private static void requireFinite(double sc, int h, int i, int j) {
    if (!Double.isFinite(sc)) {
      throw new ArithmeticException("attention score " + sc + " at head " + h + ", query " + i + ", key " + j
          + " is not finite: the inputs or weights are too large for double precision");
    }
  }

  private DMatrixRMaj affine(DMatrixRMaj x, String w, String b) {
    DMatrixRMaj y = new DMatrixRMaj(x.numRows, param(w).numRows);
    timesTransposed(x, w, y);
    if (arch.attnBiases()) {
      addRow(y, param(b));
    }
    return y;
  }

  /**
   * Rotates pair m of row i of {@code x} in place by {@code positions[i]·θ_m}, where
   * {@code (cos θ_m, sin θ_m) = (c1[0, m], s1[0, m])}; the angles of a position come from those of the one
   * before by one complex multiplication.
   */
  public static void rope(DMatrixRMaj x, int[] positions, DMatrixRMaj c1, DMatrixRMaj s1) {
    int maxPos = Arrays.stream(positions).max().orElse(0);
    for (int m = 0; m < c1.numCols; m++) {
      double[] c = new double[maxPos + 1];
      double[] s = new double[maxPos + 1];
      c[0] = 1;
      for (int pos = 1; pos <= maxPos; pos++) {
        c[pos] = c[pos - 1] * c1.get(0, m) - s[pos - 1] * s1.get(0, m);
        s[pos] = c[pos - 1] * s1.get(0, m) + s[pos - 1] * c1.get(0, m);
      }
      for (int i = 0; i < x.numRows; i++) {
        double x0 = x.get(i, 2 * m);
        double x1 = x.get(i, 2 * m + 1);
        int pos = positions[i];
        x.set(i, 2 * m, c[pos] * x0 - s[pos] * x1);
        x.set(i, 2 * m + 1, s[pos] * x0 + c[pos] * x1);
      }
    }
  }

  private DMatrixRMaj norm(DMatrixRMaj x, String gName, String bName) {
    boolean layerNorm = arch.norm() == Architecture.NormKind.LAYER;
    return layerNorm(x, param(gName), layerNorm ? param(bName) : null, arch.normEps().doubleValue());
  }

  /**
   * Each row normalised: {@code g ⊙ (x − μ)/√(var + ε) + b} (LayerNorm), or with {@code b == null}
   * {@code g ⊙ x/√(mean(x²) + ε)} (RMSNorm, no centring).
   */
  public static DMatrixRMaj layerNorm(DMatrixRMaj x, DMatrixRMaj g, DMatrixRMaj b, double eps) {
    int d = x.numCols;
    DMatrixRMaj y = new DMatrixRMaj(x.numRows, d);
    for (int i = 0; i < x.numRows; i++) {
      double mean = 0;
      if (b != null) {
        for (int j = 0; j < d; j++) {
          mean += x.get(i, j);
        }
        mean /= d;
      }
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double c = x.get(i, j) - mean;
        sq += c * c;
      }
      double denom = Math.sqrt(sq / d + eps);
      for (int j = 0; j < d; j++) {
        double v = (x.get(i, j) - mean) / denom * g.get(0, j);
        y.set(i, j, b == null ? v : v + b.get(0, j));
      }
    }
    return y;
  }

  /** tanh-approximated GELU, as {@link io.prefixproof.algebra.Arith#gelu}. */
  static double gelu(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  /**
   * {@code y = x Wᵀ} for the weight named {@code name}: the same doubles as {@link Gemm#multTransB}, with
   * the transpose of a small weight made once per model.
   */
  public void timesTransposed(DMatrixRMaj x, String name, DMatrixRMaj y) {
    DMatrixRMaj w = param(name);
    if (w.getNumElements() > TRANSPOSE_CACHE_ENTRIES && !keepTransposes) {
      Gemm.multTransB(x, w, y);
    } else {
      Gemm.mult(x, transposed.computeIfAbsent(name, k -> CommonOps_DDRM.transpose(w, null)), y);
    }
  }

  private static void addRow(DMatrixRMaj m, DMatrixRMaj row) {
    for (int i = 0; i < m.numRows; i++) {
      for (int j = 0; j < m.numCols; j++) {
        m.add(i, j, row.get(0, j));
      }
    }
  }

  private static DMatrixRMaj plus(DMatrixRMaj a, DMatrixRMaj b) {
    DMatrixRMaj c = new DMatrixRMaj(a.numRows, a.numCols);
    CommonOps_DDRM.add(a, b, c);
    return c;
  }
}
