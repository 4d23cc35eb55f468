package io.prefixproof.model;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Scalars;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.Field;
import org.apache.commons.math3.FieldElement;

/**
 * The reference forward pass, generic over the arithmetic. Semantics (PAPER.md §2–3):
 * {@code s_ij = σ·⟨W_Q x_i + b_Q, W_K x_j + b_K⟩ (+ ALiBi)}, {@code A_ij = κ(s_ij)/Σ_{r∈M(i)} κ(s_ir)},
 * {@code t_i = Σ_j A_ij (W_V x_j + b_V)}, {@code o_i = W_O [t_i^1; …; t_i^H] + b_O}; pre-norm blocks.
 */
public final class Forward {
  private Forward() {}

  /** Runs the model on {@code prefix} followed by {@code content} and records every intermediate. */
  public static <T extends FieldElement<T>> Trace<T> run(Model<T> m, Prefix<T> prefix, Content<T> content) {
    Architecture a = m.arch();
    Field<T> f = m.arith().field();
    int n = content.length();
    int p = prefix.length();
    prefix.validate(a, n);
    int sp = prefix.streamLength();
    int[] positions = new int[sp + n];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = (prefix.kind() == Prefix.Kind.KEY_VALUE ? p : 0) + i;
    }
    Mat<T> rows = content.embed(m);
    if (prefix.kind() == Prefix.Kind.STREAM) {
      rows = prefix.streamRows().vstack(rows);
    } else if (prefix.kind() == Prefix.Kind.RESIDUAL) {
      rows = prefix.layerRows().get(0).vstack(rows);
    }
    if (a.positions() == Architecture.PositionKind.LEARNED) {
      Mat<T> pos = m.param(Names.POS);
      Mat<T> r = rows;
      boolean freeFirst = prefix.kind() == Prefix.Kind.RESIDUAL;
      rows = Mat.of(f, r.rows(), r.cols(),
          (i, j) -> freeFirst && i < sp ? r.get(i, j) : r.get(i, j).add(pos.get(positions[i], j)));
    }
    Mat<T> x = rows;
    int[] kvPositions = new int[prefix.kind() == Prefix.Kind.KEY_VALUE ? p : 0];
    for (int i = 0; i < kvPositions.length; i++) {
      kvPositions[i] = i;
    }
    List<Trace.Layer<T>> layers = new ArrayList<>();
    for (int l = 0; l < a.layers(); l++) {
      if (prefix.kind() == Prefix.Kind.RESIDUAL) {
        x = prefix.layerRows().get(l).vstack(x.rows(sp, x.rows()));
      }
      List<Mat<T>> kvK = prefix.kind() == Prefix.Kind.KEY_VALUE ? prefix.keys().get(l) : null;
      List<Mat<T>> kvV = prefix.kind() == Prefix.Kind.KEY_VALUE ? prefix.values().get(l) : null;
      layers.add(layer(m, l, x, positions, kvK, kvV, kvPositions, p + n));
      x = layers.get(l).output();
    }
    Mat<T> hidden = a.finalNorm() ? norm(m, x, Names.LNF_G, Names.LNF_B) : x;
    Mat<T> logits = a.vocab() > 0 ? hidden.timesTransposed(m.param(Names.UNEMBED)) : null;
    return new Trace<>(sp, p, positions, rows, List.copyOf(layers), hidden, logits);
  }

  /**
   * One block on stream rows {@code x} at {@code positions}, with optional free keys/values per head at
   * {@code kvPositions}; {@code sequenceLength} counts every position (for the per-sequence scale).
   */
  public static <T extends FieldElement<T>> Trace.Layer<T> layer(
      Model<T> m, int l, Mat<T> x, int[] positions, List<Mat<T>> kvKeys, List<Mat<T>> kvValues,
      int[] kvPositions, int sequenceLength) {
    Architecture a = m.arch();
    boolean pre = a.norm() != Architecture.NormKind.NONE && !a.postNorm();
    boolean post = a.norm() != Architecture.NormKind.NONE && a.postNorm();
    Mat<T> normed = attentionInput(m, l, x);
    Trace.Attention<T> att = attention(m, l, normed, positions, kvKeys, kvValues, kvPositions, sequenceLength);
    Mat<T> afterAtt = a.residual() ? x.plus(att.out()) : att.out();
    if (post) {
      afterAtt = norm(m, afterAtt, Names.ln1g(l), Names.ln1b(l));
    }
    Mat<T> mlpOut = null;
    Mat<T> out = afterAtt;
    if (a.mlpHidden() > 0) {
      Mat<T> h = pre ? norm(m, afterAtt, Names.ln2g(l), Names.ln2b(l)) : afterAtt;
      mlpOut = mlp(m, l, h);
      out = a.residual() ? afterAtt.plus(mlpOut) : mlpOut;
      if (post) {
        out = norm(m, out, Names.ln2g(l), Names.ln2b(l));
      }
    }
    return new Trace.Layer<>(x, normed, att, afterAtt, mlpOut, out);
  }

  /** What the attention sub-block of layer l reads from stream rows x: N1(x) pre-norm, x otherwise (or without N1). */
  public static <T extends FieldElement<T>> Mat<T> attentionInput(Model<T> m, int l, Mat<T> x) {
    Architecture a = m.arch();
    return a.normsAttentionInput() ? norm(m, x, Names.ln1g(l), Names.ln1b(l)) : x;
  }

  /** The attention sub-block of layer {@code l} on already-normed rows. */
  public static <T extends FieldElement<T>> Trace.Attention<T> attention(
      Model<T> m, int l, Mat<T> normed, int[] positions, List<Mat<T>> kvKeys, List<Mat<T>> kvValues,
      int[] kvPositions, int sequenceLength) {
    Architecture a = m.arch();
    List<Trace.Head<T>> heads = new ArrayList<>();
    Mat<T> concat = null;
    int[] keyPositions = concat(kvKeys == null ? new int[0] : kvPositions, positions);
    for (int h = 0; h < a.heads(); h++) {
      Mat<T> q = affine(m, normed, Names.wq(l, h), Names.bq(l, h));
      Mat<T> k = affine(m, normed, Names.wk(l, h), Names.bk(l, h));
      Mat<T> v = affine(m, normed, Names.wv(l, h), Names.bv(l, h));
      if (a.positions() == Architecture.PositionKind.ROPE && a.ropeScaling().usesRotationWeights()) {
        q = rope(m, q, positions);
        k = rope(m, k, positions);
      } else if (a.positions() == Architecture.PositionKind.ROPE) {
        q = a.ropeScaling().apply(m.arith(), q, positions, true);
        k = a.ropeScaling().apply(m.arith(), k, positions, false);
      }
      if (kvKeys != null) {
        k = kvKeys.get(h).vstack(k);
        v = kvValues.get(h).vstack(v);
      }
      Trace.Head<T> head = head(m, h, q, k, v, positions, keyPositions, sequenceLength);
      heads.add(head);
      concat = concat == null ? head.out() : concat.hstack(head.out());
    }
    Mat<T> o = concat.timesTransposed(m.param(Names.wo(l)));
    if (a.attnBiases()) {
      o = o.plusRow(m.param(Names.bo(l)));
    }
    return new Trace.Attention<>(List.copyOf(heads), o);
  }

  /** Scores, kernel-normalised weights and outputs of head {@code h} from its queries, keys, values. */
  public static <T extends FieldElement<T>> Trace.Head<T> head(
      Model<T> m, int h, Mat<T> q, Mat<T> k, Mat<T> v, int[] queryPositions, int[] keyPositions, int sequenceLength) {
    Scores<T> s = scores(m, h, q, k, queryPositions, keyPositions, sequenceLength);
    return head(m.arith(), q, k, v, s, kernels(m.arith(), s.values(), s.allowed()));
  }

  /** A head's scores on the entries its mask allows (0 elsewhere) and that mask. */
  public record Scores<T extends FieldElement<T>>(Mat<T> values, boolean[][] allowed) {}

  /** The scaled (and ALiBi-biased) scores of head {@code h}, computed on the allowed entries only. */
  public static <T extends FieldElement<T>> Scores<T> scores(
      Model<T> m, int h, Mat<T> q, Mat<T> k, int[] queryPositions, int[] keyPositions, int sequenceLength) {
    Architecture a = m.arch();
    Arith<T> ar = m.arith();
    Field<T> f = ar.field();
    int nq = q.rows();
    int nk = k.rows();
    boolean[][] allowed = new boolean[nq][nk];
    int[] attended = new int[nq];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        allowed[i][j] = a.mask() == Architecture.Mask.BIDIRECTIONAL || keyPositions[j] <= queryPositions[i];
        attended[i] += allowed[i][j] ? 1 : 0;
      }
    }
    T slope = a.positions() == Architecture.PositionKind.ALIBI ? m.param(Names.ALIBI).get(0, h) : null;
    Object[] sigma = new Object[nq];
    for (int i = 0; i < nq; i++) {
      sigma[i] = a.scale().sigma(ar, sequenceLength, attended[i]);
    }
    Mat<T> scores = Mat.of(f, nq, nk, (i, j) -> {
      if (!allowed[i][j]) {
        return f.getZero();
      }
      // only the allowed entries' dot products: a causal mask leaves out almost half of them
      T s = Forward.<T>cast(sigma[i]).multiply(q.rowDot(i, k, j));
      if (slope != null) {
        s = s.subtract(slope.multiply(Math.abs(queryPositions[i] - keyPositions[j])));
      }
      return s;
    });
    return new Scores<>(scores, allowed);
  }

  /**
   * The head whose scores {@code s} have the kernel values and row sums {@code kernels}: weights {@code κ_ij/Σ_j
   * κ_ij} and outputs {@code t_i = Σ_j κ_ij v_j / Σ_j κ_ij}, the same value as {@code Σ_j A_ij v_j}; in exact mode
   * the sum's denominators are the kernels' own small ones, where every normalised weight carries the row sum's
   * thousands of bits.
   */
  public static <T extends FieldElement<T>> Trace.Head<T> head(
      Arith<T> ar, Mat<T> q, Mat<T> k, Mat<T> v, Scores<T> s, Kernels<T> kernels) {
    Field<T> f = ar.field();
    Mat<T> unnormalised = kernels.values().times(v);
    Mat<T> out = Mat.of(f, q.rows(), v.cols(), (i, j) -> Scalars.divide(unnormalised.get(i, j), kernels.sums().get(i)));
    return new Trace.Head<>(q, k, v, s.values(), s.allowed(), kernels.normalised(f), out);
  }

  /** {@code A_ij = κ(s_ij)/Σ_{r∈M(i)} κ(s_ir)}, max-shifted when κ allows it; 0 where not allowed. */
  public static <T extends FieldElement<T>> Mat<T> softmaxRows(Arith<T> ar, Mat<T> scores, boolean[][] allowed) {
    return kernels(ar, scores, allowed).normalised(ar.field());
  }

  /** Unnormalised kernel values of the allowed scores (0 elsewhere) and their row sums. */
  public record Kernels<T extends FieldElement<T>>(Mat<T> values, List<T> sums) {
    /** Each row divided by its sum. */
    public Mat<T> normalised(Field<T> f) {
      return Mat.of(f, values.rows(), values.cols(), (i, j) -> Scalars.divide(values.get(i, j), sums.get(i)));
    }
  }

  /** κ(s_ij − shift_i) on allowed entries, shift_i the row maximum when κ allows it (else 0), and row sums. */
  public static <T extends FieldElement<T>> Kernels<T> kernels(Arith<T> ar, Mat<T> scores, boolean[][] allowed) {
    Field<T> f = ar.field();
    int nq = scores.rows();
    int nk = scores.cols();
    Object[][] w = new Object[nq][nk];
    for (int i = 0; i < nq; i++) {
      T shift = null;
      if (ar.kernelShiftInvariant()) {
        for (int j = 0; j < nk; j++) {
          if (allowed[i][j]) {
            shift = shift == null ? scores.get(i, j) : ar.max(shift, scores.get(i, j));
          }
        }
      }
      for (int j = 0; j < nk; j++) {
        if (allowed[i][j]) {
          w[i][j] = ar.kernel(shift == null ? scores.get(i, j) : scores.get(i, j).subtract(shift));
        } else {
          w[i][j] = f.getZero();
        }
      }
    }
    return kernelsOf(ar, Mat.of(f, nq, nk, (i, j) -> cast(w[i][j])), allowed);
  }

  /**
   * Kernel values already computed (0 where not allowed) with their row sums: a head on a subset of another's keys
   * takes that head's values where κ is not shift invariant ({@link Arith#kernelShiftInvariant}), as the same
   * scores give the same values, and only sums them anew.
   */
  public static <T extends FieldElement<T>> Kernels<T> kernelsOf(Arith<T> ar, Mat<T> values, boolean[][] allowed) {
    Field<T> f = ar.field();
    List<T> sums = new ArrayList<>();
    for (int i = 0; i < values.rows(); i++) {
      List<T> row = new ArrayList<>();
      for (int j = 0; j < values.cols(); j++) {
        if (allowed[i][j]) {
          row.add(values.get(i, j));
        }
      }
      T sum = Scalars.sum(f, row);
      if (ar.compare(sum, f.getZero()) == 0) {
        throw new ArithmeticException("query " + i + " attends no key (empty mask row)");
      }
      sums.add(sum);
    }
    // every row sum divides its row's weights and outputs
    ar.willDivideBy(sums);
    return new Kernels<>(values, List.copyOf(sums));
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  /** Rotates pair m of each row by {@code pos·θ_m}, (cos θ_m, sin θ_m) from {@code rope.cos/sin}. */
  public static <T extends FieldElement<T>> Mat<T> rope(Model<T> m, Mat<T> x, int[] positions) {
    Mat<T> c1 = m.param(Names.ROPE_COS);
    Mat<T> s1 = m.param(Names.ROPE_SIN);
    Field<T> f = m.arith().field();
    int pairs = c1.cols();
    int maxPos = Arrays.stream(positions).max().orElse(0);
    // (c_pos + i s_pos) = (c_1 + i s_1)^pos by repeated complex multiplication: exact for rational rotations
    Object[][] cos = new Object[maxPos + 1][pairs];
    Object[][] sin = new Object[maxPos + 1][pairs];
    for (int mIdx = 0; mIdx < pairs; mIdx++) {
      cos[0][mIdx] = f.getOne();
      sin[0][mIdx] = f.getZero();
      for (int pos = 1; pos <= maxPos; pos++) {
        T pc = cast(cos[pos - 1][mIdx]);
        T ps = cast(sin[pos - 1][mIdx]);
        T c = c1.get(0, mIdx);
        T s = s1.get(0, mIdx);
        cos[pos][mIdx] = pc.multiply(c).subtract(ps.multiply(s));
        sin[pos][mIdx] = pc.multiply(s).add(ps.multiply(c));
      }
    }
    return Mat.of(f, x.rows(), x.cols(), (i, j) -> {
      int pair = j / 2;
      T c = cast(cos[positions[i]][pair]);
      T s = cast(sin[positions[i]][pair]);
      T x0 = x.get(i, 2 * pair);
      T x1 = x.get(i, 2 * pair + 1);
      return j % 2 == 0 ? c.multiply(x0).subtract(s.multiply(x1)) : s.multiply(x0).add(c.multiply(x1));
    });
  }

  /** The norm of the architecture applied to each row, with gain {@code gName} and bias {@code bName}. */
  public static <T extends FieldElement<T>> Mat<T> norm(Model<T> m, Mat<T> x, String gName, String bName) {
    Architecture a = m.arch();
    Arith<T> ar = m.arith();
    Field<T> f = ar.field();
    Mat<T> g = m.param(gName);
    Mat<T> b = a.norm().hasBias() ? m.param(bName) : null;
    int d = x.cols();
    T dd = ar.of(d);
    T eps = ar.of(a.normEps());
    Object[][] out = new Object[x.rows()][d];
    for (int i = 0; i < x.rows(); i++) {
      List<T> row = new ArrayList<>();
      for (int j = 0; j < d; j++) {
        row.add(x.get(i, j));
      }
      T mean = Scalars.divide(Scalars.sum(f, row), dd);
      boolean centre = a.norm().hasBias();
      T[] y = newRow(f, d);
      for (int j = 0; j < d; j++) {
        y[j] = centre ? Scalars.subtract(x.get(i, j), mean) : x.get(i, j);
      }
      List<T> parts = new ArrayList<>();
      for (int j = 0; j < d; j++) {
        parts.add(switch (a.norm()) {
          case LAYER, RMS -> y[j].multiply(y[j]);
          default -> ar.abs(y[j]);
        });
      }
      T denom = Scalars.divide(Scalars.sum(f, parts), dd);
      denom = switch (a.norm()) {
        case LAYER, RMS -> ar.sqrt(denom.add(eps));
        case RATIONAL_LAYER, RATIONAL_RMS -> f.getOne().add(denom);
        case NONE -> throw new IllegalStateException("norm() called for an architecture without norms");
      };
      for (int j = 0; j < d; j++) {
        T v = Scalars.divide(y[j], denom).multiply(g.get(0, j));
        out[i][j] = b == null ? v : v.add(b.get(0, j));
      }
    }
    return Mat.of(f, x.rows(), d, (i, j) -> cast(out[i][j]));
  }

  /** {@code W_2 φ(W_1 x + c_1) + c_2} on each row; gated, {@code W_2 (silu(W_g x) ⊙ (W_1 x + c_1)) + c_2}. */
  public static <T extends FieldElement<T>> Mat<T> mlp(Model<T> m, int l, Mat<T> x) {
    Arith<T> ar = m.arith();
    Mat<T> h = x.timesTransposed(m.param(Names.w1(l))).plusRow(m.param(Names.c1(l)));
    if (m.arch().activation() == Architecture.Activation.SWIGLU) {
      Mat<T> gate = x.timesTransposed(m.param(Names.wg(l)));
      Mat<T> up = h;
      h = Mat.of(ar.field(), up.rows(), up.cols(), (i, j) -> ar.silu(gate.get(i, j)).multiply(up.get(i, j)));
    } else {
      h = h.map(switch (m.arch().activation()) {
        case RELU -> ar::relu;
        case GELU -> ar::gelu;
        case GELU_ERF -> ar::geluErf;
        case SWIGLU -> throw new IllegalStateException("the gated MLP is handled above");
      });
    }
    return h.timesTransposed(m.param(Names.w2(l))).plusRow(m.param(Names.c2(l)));
  }

  /** {@code x Wᵀ + b}, the bias only where the architecture has one. */
  private static <T extends FieldElement<T>> Mat<T> affine(Model<T> m, Mat<T> x, String w, String b) {
    Mat<T> y = x.timesTransposed(m.param(w));
    return m.arch().attnBiases() ? y.plusRow(m.param(b)) : y;
  }

  /**
   * Greedy decoding: appends {@code steps} tokens, each the argmax of the last position's logits (the
   * lowest index among ties), and returns only the generated tokens.
   */
  public static <T extends FieldElement<T>> int[] generate(Model<T> m, Prefix<T> prefix, int[] tokens, int steps) {
    if (m.arch().vocab() == 0) {
      throw new IllegalArgumentException("greedy decoding needs a vocabulary; model has vocab 0");
    }
    int[] seq = Arrays.copyOf(tokens, tokens.length + steps);
    for (int s = 0; s < steps; s++) {
      int len = tokens.length + s;
      Trace<T> t = run(m, prefix, Content.tokens(Arrays.copyOf(seq, len)));
      seq[len] = argmax(m.arith(), t.logits().row(t.logits().rows() - 1));
    }
    return Arrays.copyOfRange(seq, tokens.length, seq.length);
  }

  /** Index of the largest entry of a row vector, the lowest among ties. */
  public static <T extends FieldElement<T>> int argmax(Arith<T> ar, Mat<T> row) {
    int best = 0;
    for (int j = 1; j < row.cols(); j++) {
      if (ar.compare(row.get(0, j), row.get(0, best)) > 0) {
        best = j;
      }
    }
    return best;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @SuppressWarnings("unchecked")
  private static <T extends FieldElement<T>> T[] newRow(Field<T> f, int d) {
    return (T[]) java.lang.reflect.Array.newInstance(f.getRuntimeClass(), d);
  }
}
