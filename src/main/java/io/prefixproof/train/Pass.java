package io.prefixproof.train;

import io.prefixproof.fast.Gemm;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * One sequence through a {@link Gpt}: the forward pass keeps every intermediate, the backward pass turns
 * {@code ∂loss/∂logits} into gradients of every weight and every prefix part. Each layer type has its forward
 * and its backward next to each other, in plain loops over row-major arrays (the layout of llm.c's
 * {@code train_gpt2.c}); a weight {@code W} of shape out × in acts as {@code y = x Wᵀ + b}.
 *
 * <p>Rows are stream positions: {@code sp} prefix rows (soft prompt or residual prefix, 0 otherwise) then the
 * content tokens; a key/value prefix adds {@code P} keys in front of each head's keys. Query row i sits at
 * position {@code pos[i]} and sees key j when the key's position is at most its own (prefix keys sit at
 * 0..p−1, so every content query sees them).
 */
final class Pass {
  private final Gpt g;
  private final Weights w;
  private final TrainPrefix pre;
  private final int d;
  private final int dh;
  private final int hid;
  private final int layers;
  private final int heads;
  private final int sp;
  private final int kp;
  private final int s;
  private final int[] tokens;
  private final int[] pos;
  private final double drop;

  private double[] embMask;
  private final double[][] xIn;
  private final double[][] ln1Hat;
  private final double[][] ln1Rstd;
  private final double[][] ln1Out;
  private final double[][][] q;
  private final double[][][] k;
  private final double[][][] v;
  private final double[][][] att;
  private final double[][][] attMask;
  private final double[][] cat;
  private final double[][] oMask;
  private final double[][] ln2Hat;
  private final double[][] ln2Rstd;
  private final double[][] ln2Out;
  private final double[][] h1;
  private final double[][] act;
  private final double[][] mMask;
  private double[] lnfHat;
  private double[] lnfRstd;
  private double[] z;
  private double[] logits;

  /**
   * Runs the forward pass on {@code tokens} behind {@code pre}; {@code dropout} &gt; 0 draws the masks from
   * {@code rnd} (minGPT's three places: embeddings, attention weights, both residual branches).
   */
  Pass(Weights w, TrainPrefix pre, int[] tokens, double dropout, SplittableRandom rnd) {
    this.g = w.shape();
    this.w = w;
    this.pre = pre;
    this.d = g.dModel();
    this.dh = g.dHead();
    this.hid = g.hidden();
    this.layers = g.layers();
    this.heads = g.heads();
    this.sp = pre.kind() == Prefix.Kind.STREAM || pre.kind() == Prefix.Kind.RESIDUAL ? pre.length() : 0;
    this.kp = pre.kind() == Prefix.Kind.KEY_VALUE ? pre.length() : 0;
    this.s = sp + tokens.length;
    this.tokens = tokens;
    this.drop = dropout;
    if (pre.length() + tokens.length > g.context()) {
      throw new IllegalArgumentException("prefix of " + pre.length() + " positions plus " + tokens.length
          + " tokens exceeds the context of " + g.context());
    }
    pos = new int[s];
    for (int i = 0; i < s; i++) {
      pos[i] = kp + i;
    }
    xIn = new double[layers][];
    ln1Hat = new double[layers][];
    ln1Rstd = new double[layers][];
    ln1Out = new double[layers][];
    q = new double[layers][heads][];
    k = new double[layers][heads][];
    v = new double[layers][heads][];
    att = new double[layers][heads][];
    attMask = new double[layers][heads][];
    cat = new double[layers][];
    oMask = new double[layers][];
    ln2Hat = new double[layers][];
    ln2Rstd = new double[layers][];
    ln2Out = new double[layers][];
    h1 = new double[layers][];
    act = new double[layers][];
    mMask = new double[layers][];
    forward(rnd);
  }

  /** Logits, s × vocab, row i for stream row i. */
  double[] logits() {
    return logits;
  }

  /** Number of stream rows (prefix rows included). */
  int rows() {
    return s;
  }

  /** Stream rows that belong to the prefix (soft prompt or residual prefix). */
  int streamPrefix() {
    return sp;
  }

  /** Attention weights (before dropout) of layer l, head h: s × (P + s), prefix keys first. */
  double[] attention(int l, int h) {
    return att[l][h];
  }

  private void forward(SplittableRandom rnd) {
    double[] e = w.get(Names.EMBED);
    double[] pe = w.get(Names.POS);
    double[] x = new double[s * d];
    for (int i = 0; i < s; i++) {
      if (pre.kind() == Prefix.Kind.RESIDUAL && i < sp) {
        System.arraycopy(pre.get(TrainPrefix.residual(0)), i * d, x, i * d, d);
        continue;
      }
      double[] src = i < sp ? pre.get(TrainPrefix.STREAM) : e;
      int off = i < sp ? i * d : tokens[i - sp] * d;
      for (int c = 0; c < d; c++) {
        x[i * d + c] = src[off + c] + pe[pos[i] * d + c];
      }
    }
    embMask = dropout(x, rnd);
    for (int l = 0; l < layers; l++) {
      if (pre.kind() == Prefix.Kind.RESIDUAL) {
        x = x.clone();
        System.arraycopy(pre.get(TrainPrefix.residual(l)), 0, x, 0, sp * d);
      }
      xIn[l] = x;
      ln1Hat[l] = new double[s * d];
      ln1Rstd[l] = new double[s];
      ln1Out[l] = layerNorm(x, w.get(Names.ln1g(l)), w.get(Names.ln1b(l)), ln1Hat[l], ln1Rstd[l]);
      cat[l] = new double[s * heads * dh];
      for (int h = 0; h < heads; h++) {
        attentionHead(l, h, rnd);
      }
      double[] o = linear(cat[l], w.get(Names.wo(l)), w.get(Names.bo(l)), s, heads * dh, d);
      oMask[l] = dropout(o, rnd);
      double[] x2 = add(x, o);
      ln2Hat[l] = new double[s * d];
      ln2Rstd[l] = new double[s];
      ln2Out[l] = layerNorm(x2, w.get(Names.ln2g(l)), w.get(Names.ln2b(l)), ln2Hat[l], ln2Rstd[l]);
      h1[l] = linear(ln2Out[l], w.get(Names.w1(l)), w.get(Names.c1(l)), s, d, hid);
      act[l] = new double[s * hid];
      for (int i = 0; i < s * hid; i++) {
        act[l][i] = gelu(h1[l][i]);
      }
      double[] m = linear(act[l], w.get(Names.w2(l)), w.get(Names.c2(l)), s, hid, d);
      mMask[l] = dropout(m, rnd);
      x = add(x2, m);
    }
    lnfHat = new double[s * d];
    lnfRstd = new double[s];
    z = layerNorm(x, w.get(Names.LNF_G), w.get(Names.LNF_B), lnfHat, lnfRstd);
    logits = linear(z, w.get(Names.UNEMBED), null, s, d, g.vocab());
  }

  /** Key j's position: prefix keys at 0..P−1, stream keys at their rows' positions. */
  private int keyPos(int j) {
    return j < kp ? j : pos[j - kp];
  }

  /** Queries, keys, values, softmax weights and the head's output columns of {@code cat}. */
  private void attentionHead(int l, int h, SplittableRandom rnd) {
    double[] a = ln1Out[l];
    int nk = kp + s;
    q[l][h] = linear(a, w.get(Names.wq(l, h)), w.get(Names.bq(l, h)), s, d, dh);
    double[] ks = linear(a, w.get(Names.wk(l, h)), w.get(Names.bk(l, h)), s, d, dh);
    double[] vs = linear(a, w.get(Names.wv(l, h)), w.get(Names.bv(l, h)), s, d, dh);
    k[l][h] = new double[nk * dh];
    v[l][h] = new double[nk * dh];
    if (kp > 0) {
      System.arraycopy(pre.get(TrainPrefix.keys(l, h)), 0, k[l][h], 0, kp * dh);
      System.arraycopy(pre.get(TrainPrefix.values(l, h)), 0, v[l][h], 0, kp * dh);
    }
    System.arraycopy(ks, 0, k[l][h], kp * dh, s * dh);
    System.arraycopy(vs, 0, v[l][h], kp * dh, s * dh);
    double[] qq = q[l][h];
    double[] kk = k[l][h];
    double[] vv = v[l][h];
    double[] p = new double[s * nk];
    double sigma = g.scale();
    for (int i = 0; i < s; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < nk && keyPos(j) <= pos[i]; j++) {
        double dot = 0;
        for (int c = 0; c < dh; c++) {
          dot += qq[i * dh + c] * kk[j * dh + c];
        }
        p[i * nk + j] = sigma * dot;
        max = Math.max(max, p[i * nk + j]);
      }
      double sum = 0;
      for (int j = 0; j < nk && keyPos(j) <= pos[i]; j++) {
        p[i * nk + j] = Math.exp(p[i * nk + j] - max);
        sum += p[i * nk + j];
      }
      for (int j = 0; j < nk && keyPos(j) <= pos[i]; j++) {
        p[i * nk + j] /= sum;
      }
    }
    att[l][h] = p;
    double[] pd = p;
    if (drop > 0) {
      pd = p.clone();
      attMask[l][h] = dropout(pd, rnd);
    }
    double[] c = cat[l];
    int width = heads * dh;
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < nk && keyPos(j) <= pos[i]; j++) {
        double a2 = pd[i * nk + j];
        for (int cc = 0; cc < dh; cc++) {
          c[i * width + h * dh + cc] += a2 * vv[j * dh + cc];
        }
      }
    }
  }

  /**
   * Cross-entropy summed over the content rows with a target ≥ 0 ({@code targets[i]} for content token i, −1
   * skips it; prefix rows never count). With {@code weightGrads} (may be null: the weights are frozen) and
   * {@code prefixGrads} (may be null), adds {@code scale · ∂loss/∂θ} to them.
   */
  double loss(int[] targets, double scale, Map<String, double[]> weightGrads, Map<String, double[]> prefixGrads) {
    if (targets.length != tokens.length) {
      throw new IllegalArgumentException(targets.length + " targets for " + tokens.length + " tokens");
    }
    int vocab = g.vocab();
    double loss = 0;
    double[] dLogits = new double[s * vocab];
    for (int i = sp; i < s; i++) {
      int target = targets[i - sp];
      if (target < 0) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < vocab; t++) {
        max = Math.max(max, logits[i * vocab + t]);
      }
      double sum = 0;
      for (int t = 0; t < vocab; t++) {
        sum += Math.exp(logits[i * vocab + t] - max);
      }
      loss += max + Math.log(sum) - logits[i * vocab + target];
      for (int t = 0; t < vocab; t++) {
        dLogits[i * vocab + t] = scale * (Math.exp(logits[i * vocab + t] - max) / sum - (t == target ? 1 : 0));
      }
    }
    if (weightGrads != null || prefixGrads != null) {
      backward(dLogits, weightGrads, prefixGrads);
    }
    return loss;
  }

  private void backward(double[] dLogits, Map<String, double[]> gw, Map<String, double[]> gp) {
    double[] dz = new double[s * d];
    linearBack(dLogits, z, w.get(Names.UNEMBED), s, d, g.vocab(), dz, grad(gw, Names.UNEMBED), null);
    double[] dx = new double[s * d];
    layerNormBack(dz, lnfHat, lnfRstd, w.get(Names.LNF_G), dx, grad(gw, Names.LNF_G), grad(gw, Names.LNF_B));
    for (int l = layers - 1; l >= 0; l--) {
      // x_out = x2 + drop(m), m = act W2ᵀ + c2, act = gelu(h1), h1 = LN2(x2) W1ᵀ + c1
      double[] dm = mask(dx, mMask[l]);
      double[] dAct = new double[s * hid];
      linearBack(dm, act[l], w.get(Names.w2(l)), s, hid, d, dAct, grad(gw, Names.w2(l)), grad(gw, Names.c2(l)));
      for (int i = 0; i < s * hid; i++) {
        dAct[i] *= geluSlope(h1[l][i]);
      }
      double[] dLn2 = new double[s * d];
      linearBack(dAct, ln2Out[l], w.get(Names.w1(l)), s, d, hid, dLn2, grad(gw, Names.w1(l)),
          grad(gw, Names.c1(l)));
      double[] dx2 = dx.clone();
      layerNormBack(dLn2, ln2Hat[l], ln2Rstd[l], w.get(Names.ln2g(l)), dx2, grad(gw, Names.ln2g(l)),
          grad(gw, Names.ln2b(l)));
      // x2 = x_in + drop(o), o = cat Woᵀ + bo
      double[] dO = mask(dx2, oMask[l]);
      double[] dCat = new double[s * heads * dh];
      linearBack(dO, cat[l], w.get(Names.wo(l)), s, heads * dh, d, dCat, grad(gw, Names.wo(l)),
          grad(gw, Names.bo(l)));
      double[] dA = new double[s * d];
      for (int h = 0; h < heads; h++) {
        attentionHeadBack(l, h, dCat, dA, gw, gp);
      }
      double[] dxIn = dx2;
      layerNormBack(dA, ln1Hat[l], ln1Rstd[l], w.get(Names.ln1g(l)), dxIn, grad(gw, Names.ln1g(l)),
          grad(gw, Names.ln1b(l)));
      if (pre.kind() == Prefix.Kind.RESIDUAL) {
        // the prefix rows were written over the stream before this layer: their gradient goes to the prefix
        // and nothing flows further back through those rows
        double[] gr = grad(gp, TrainPrefix.residual(l));
        for (int i = 0; i < sp * d; i++) {
          if (gr != null) {
            gr[i] += dxIn[i];
          }
          dxIn[i] = 0;
        }
      }
      dx = dxIn;
    }
    dx = mask(dx, embMask);
    double[] ge = grad(gw, Names.EMBED);
    double[] gpos = grad(gw, Names.POS);
    double[] gs = pre.kind() == Prefix.Kind.STREAM ? grad(gp, TrainPrefix.STREAM) : null;
    for (int i = 0; i < s; i++) {
      if (pre.kind() == Prefix.Kind.RESIDUAL && i < sp) {
        continue;
      }
      for (int c = 0; c < d; c++) {
        double gx = dx[i * d + c];
        if (gpos != null) {
          gpos[pos[i] * d + c] += gx;
        }
        if (i < sp) {
          if (gs != null) {
            gs[i * d + c] += gx;
          }
        } else if (ge != null) {
          ge[tokens[i - sp] * d + c] += gx;
        }
      }
    }
  }

  private void attentionHeadBack(int l, int h, double[] dCat, double[] dA, Map<String, double[]> gw,
      Map<String, double[]> gp) {
    int nk = kp + s;
    int width = heads * dh;
    double[] p = att[l][h];
    double[] pm = attMask[l][h];
    double[] qq = q[l][h];
    double[] kk = k[l][h];
    double[] vv = v[l][h];
    double[] dq = new double[s * dh];
    double[] dk = new double[nk * dh];
    double[] dv = new double[nk * dh];
    double sigma = g.scale();
    double[] dp = new double[nk];
    for (int i = 0; i < s; i++) {
      int row = i * width + h * dh;
      double dot = 0;
      int seen = 0;
      for (int j = 0; j < nk && keyPos(j) <= pos[i]; j++) {
        // t_i = Σ_j drop(p)_ij v_j
        double m = pm == null ? 1 : pm[i * nk + j];
        double dpd = 0;
        for (int c = 0; c < dh; c++) {
          dpd += dCat[row + c] * vv[j * dh + c];
          dv[j * dh + c] += p[i * nk + j] * m * dCat[row + c];
        }
        dp[j] = dpd * m;
        dot += dp[j] * p[i * nk + j];
        seen = j + 1;
      }
      for (int j = 0; j < seen; j++) {
        // softmax: ∂s_ij = p_ij (∂p_ij − Σ_r p_ir ∂p_ir); s_ij = σ ⟨q_i, k_j⟩
        double ds = p[i * nk + j] * (dp[j] - dot) * sigma;
        for (int c = 0; c < dh; c++) {
          dq[i * dh + c] += ds * kk[j * dh + c];
          dk[j * dh + c] += ds * qq[i * dh + c];
        }
      }
    }
    if (kp > 0) {
      addInto(grad(gp, TrainPrefix.keys(l, h)), dk, 0, kp * dh);
      addInto(grad(gp, TrainPrefix.values(l, h)), dv, 0, kp * dh);
    }
    double[] dkS = java.util.Arrays.copyOfRange(dk, kp * dh, nk * dh);
    double[] dvS = java.util.Arrays.copyOfRange(dv, kp * dh, nk * dh);
    double[] a = ln1Out[l];
    linearBack(dq, a, w.get(Names.wq(l, h)), s, d, dh, dA, grad(gw, Names.wq(l, h)), grad(gw, Names.bq(l, h)));
    linearBack(dkS, a, w.get(Names.wk(l, h)), s, d, dh, dA, grad(gw, Names.wk(l, h)), grad(gw, Names.bk(l, h)));
    linearBack(dvS, a, w.get(Names.wv(l, h)), s, d, dh, dA, grad(gw, Names.wv(l, h)), grad(gw, Names.bv(l, h)));
  }

  private static double[] grad(Map<String, double[]> grads, String name) {
    return grads == null ? null : grads.get(name);
  }

  private static void addInto(double[] target, double[] src, int from, int to) {
    if (target != null) {
      for (int i = from; i < to; i++) {
        target[i - from] += src[i];
      }
    }
  }

  /** Multiplies {@code x} in place by fresh dropout factors (0 or 1/(1 − p)) and returns them; null when p = 0. */
  private double[] dropout(double[] x, SplittableRandom rnd) {
    if (drop <= 0) {
      return null;
    }
    double[] m = new double[x.length];
    double keep = 1 / (1 - drop);
    for (int i = 0; i < x.length; i++) {
      m[i] = rnd.nextDouble() < drop ? 0 : keep;
      x[i] *= m[i];
    }
    return m;
  }

  private static double[] mask(double[] dx, double[] m) {
    if (m == null) {
      return dx.clone();
    }
    double[] r = new double[dx.length];
    for (int i = 0; i < dx.length; i++) {
      r[i] = dx[i] * m[i];
    }
    return r;
  }

  private static double[] add(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] + b[i];
    }
    return c;
  }

  /** {@code y = x Wᵀ + b}: x is rows × in, W out × in, b 1 × out (or null); the project's vectorised GEMM. */
  static double[] linear(double[] x, double[] wt, double[] b, int rows, int in, int out) {
    double[] y = new double[rows * out];
    Gemm.multTransB(DMatrixRMaj.wrap(rows, in, x), DMatrixRMaj.wrap(out, in, wt), DMatrixRMaj.wrap(rows, out, y));
    if (b != null) {
      for (int r = 0; r < rows; r++) {
        for (int o = 0; o < out; o++) {
          y[r * out + o] += b[o];
        }
      }
    }
    return y;
  }

  /**
   * Backward of {@link #linear}: {@code dx += dy W}, {@code dW += dyᵀ x}, {@code db += Σ_rows dy}; dW and db
   * may be null (frozen).
   */
  static void linearBack(double[] dy, double[] x, double[] wt, int rows, int in, int out, double[] dx, double[] dW,
      double[] db) {
    DMatrixRMaj gy = DMatrixRMaj.wrap(rows, out, dy);
    double[] gx = new double[rows * in];
    Gemm.mult(gy, DMatrixRMaj.wrap(out, in, wt), DMatrixRMaj.wrap(rows, in, gx));
    for (int i = 0; i < gx.length; i++) {
      dx[i] += gx[i];
    }
    if (dW != null) {
      double[] gw = new double[out * in];
      Gemm.mult(CommonOps_DDRM.transpose(gy, null), DMatrixRMaj.wrap(rows, in, x), DMatrixRMaj.wrap(out, in, gw));
      for (int i = 0; i < gw.length; i++) {
        dW[i] += gw[i];
      }
    }
    if (db != null) {
      for (int r = 0; r < rows; r++) {
        for (int o = 0; o < out; o++) {
          db[o] += dy[r * out + o];
        }
      }
    }
  }

  /** {@code y = g ⊙ (x − μ)/√(var + ε) + b} per row, keeping x̂ and 1/√(var + ε). */
  private double[] layerNorm(double[] x, double[] gain, double[] bias, double[] hat, double[] rstd) {
    double[] y = new double[x.length];
    for (int i = 0; i < s; i++) {
      double mean = 0;
      for (int c = 0; c < d; c++) {
        mean += x[i * d + c];
      }
      mean /= d;
      double sq = 0;
      for (int c = 0; c < d; c++) {
        double u = x[i * d + c] - mean;
        sq += u * u;
      }
      double denom = Math.sqrt(sq / d + Gpt.NORM_EPS);
      rstd[i] = 1 / denom;
      for (int c = 0; c < d; c++) {
        hat[i * d + c] = (x[i * d + c] - mean) / denom;
        y[i * d + c] = hat[i * d + c] * gain[c] + bias[c];
      }
    }
    return y;
  }

  /**
   * Backward of {@link #layerNorm}: {@code dx += rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂))} with
   * {@code dx̂ = dy ⊙ g}; {@code dg += dy ⊙ x̂}, {@code db += dy} (null: frozen).
   */
  private void layerNormBack(double[] dy, double[] hat, double[] rstd, double[] gain, double[] dx, double[] dg,
      double[] db) {
    for (int i = 0; i < s; i++) {
      double mean = 0;
      double meanHat = 0;
      for (int c = 0; c < d; c++) {
        double dHat = dy[i * d + c] * gain[c];
        mean += dHat;
        meanHat += dHat * hat[i * d + c];
      }
      mean /= d;
      meanHat /= d;
      for (int c = 0; c < d; c++) {
        double dHat = dy[i * d + c] * gain[c];
        dx[i * d + c] += rstd[i] * (dHat - mean - hat[i * d + c] * meanHat);
        if (dg != null) {
          dg[c] += dy[i * d + c] * hat[i * d + c];
        }
        if (db != null) {
          db[c] += dy[i * d + c];
        }
      }
    }
  }

  private static final double GELU_C = Math.sqrt(2 / Math.PI);

  /** tanh-GELU {@code x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)))}, as the double engine computes it. */
  static double gelu(double x) {
    return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
  }

  /** Its derivative {@code (1 + t)/2 + x/2 (1 − t²) √(2/π)(1 + 3·0.044715 x²)}, t the tanh above. */
  static double geluSlope(double x) {
    double t = Math.tanh(GELU_C * (x + 0.044715 * x * x * x));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
  }
}
