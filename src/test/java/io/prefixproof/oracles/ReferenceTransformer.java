package io.prefixproof.oracles;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;

/**
 * A second exact forward pass, written from the semantics in PAPER.md §2 and the {@link Prefix} contract,
 * sharing no code with {@code Forward} beyond reading weights: plain loops over {@code BigFraction[][]},
 * its own kernel κ(s) = 1 + s + s²/2 (s ≥ 0), 1/(1 − s + s²/2) (s &lt; 0), its own rational norms, RoPE
 * by the binomial expansion of (cos θ + i sin θ)^pos instead of repeated rotation, and no max shift.
 * Vector content only (the exact cases have no vocabulary).
 */
final class ReferenceTransformer {
  private ReferenceTransformer() {}

  private static final BigFraction ZERO = BigFraction.ZERO;
  private static final BigFraction ONE = BigFraction.ONE;

  /** Per layer and head the attention weights and head outputs, per layer the block output, and the last hidden. */
  record Observed(List<List<Mat<BigFraction>>> weights, List<List<Mat<BigFraction>>> outs,
      List<Mat<BigFraction>> layerOutputs, Mat<BigFraction> hidden) {}

  /** The independent kernel. */
  static BigFraction kappa(BigFraction s) {
    BigFraction a = s.abs();
    BigFraction k = ONE.add(a).add(a.multiply(a).divide(2));
    return s.compareTo(ZERO) >= 0 ? k : k.reciprocal();
  }

  static Observed run(Model<BigFraction> m, Prefix<BigFraction> prefix, Content<BigFraction> content) {
    Architecture a = m.arch();
    if (content.isTokens()) {
      throw new IllegalArgumentException("the reference takes vector content only");
    }
    int n = content.length();
    int p = prefix.length();
    boolean kv = prefix.kind() == Prefix.Kind.KEY_VALUE;
    boolean residual = prefix.kind() == Prefix.Kind.RESIDUAL;
    int sp = kv ? 0 : p;
    BigFraction[][] x = new BigFraction[sp + n][];
    int[] pos = new int[sp + n];
    for (int i = 0; i < sp + n; i++) {
      pos[i] = (kv ? p : 0) + i;
      if (i < sp) {
        x[i] = row(prefix.kind() == Prefix.Kind.STREAM ? prefix.streamRows() : prefix.layerRows().get(0), i);
      } else {
        x[i] = row(content.vectors(), i - sp);
      }
      // learned positions enter every stream row except the free rows of a residual prefix
      if (a.positions() == Architecture.PositionKind.LEARNED && !(residual && i < sp)) {
        x[i] = add(x[i], row(m.param(Names.POS), pos[i]));
      }
    }
    List<List<Mat<BigFraction>>> weights = new ArrayList<>();
    List<List<Mat<BigFraction>>> outs = new ArrayList<>();
    List<Mat<BigFraction>> layerOutputs = new ArrayList<>();
    for (int l = 0; l < a.layers(); l++) {
      if (residual) {
        for (int i = 0; i < p; i++) {
          x[i] = row(prefix.layerRows().get(l), i);
        }
      }
      boolean pre = a.norm() != Architecture.NormKind.NONE && !a.postNorm();
      boolean post = a.norm() != Architecture.NormKind.NONE && a.postNorm();
      BigFraction[][] u = pre ? norm(a, x, m.param(Names.ln1g(l)), bias(m, Names.ln1b(l))) : x;
      List<Mat<BigFraction>> lw = new ArrayList<>();
      List<Mat<BigFraction>> lo = new ArrayList<>();
      BigFraction[][] concat = new BigFraction[x.length][0];
      for (int h = 0; h < a.heads(); h++) {
        BigFraction[][] q = project(m, u, Names.wq(l, h), Names.bq(l, h));
        BigFraction[][] k = project(m, u, Names.wk(l, h), Names.bk(l, h));
        BigFraction[][] v = project(m, u, Names.wv(l, h), Names.bv(l, h));
        if (a.positions() == Architecture.PositionKind.ROPE) {
          for (int i = 0; i < x.length; i++) {
            q[i] = rotate(m, q[i], pos[i]);
            k[i] = rotate(m, k[i], pos[i]);
          }
        }
        int[] keyPos = pos;
        if (kv) {
          k = stack(rows(prefix.keys().get(l).get(h)), k);
          v = stack(rows(prefix.values().get(l).get(h)), v);
          keyPos = new int[p + n];
          for (int j = 0; j < p + n; j++) {
            keyPos[j] = j;
          }
        }
        BigFraction[][] w = new BigFraction[x.length][k.length];
        BigFraction[][] t = new BigFraction[x.length][];
        for (int i = 0; i < x.length; i++) {
          int attended = 0;
          for (int j = 0; j < k.length; j++) {
            attended += allowed(a, pos[i], keyPos[j]) ? 1 : 0;
          }
          BigFraction sigma = sigma(a.scale(), p + n, attended);
          BigFraction total = ZERO;
          for (int j = 0; j < k.length; j++) {
            if (!allowed(a, pos[i], keyPos[j])) {
              w[i][j] = ZERO;
              continue;
            }
            BigFraction s = sigma.multiply(dot(q[i], k[j]));
            if (a.positions() == Architecture.PositionKind.ALIBI) {
              s = s.subtract(m.param(Names.ALIBI).get(0, h).multiply(Math.abs(pos[i] - keyPos[j])));
            }
            w[i][j] = kappa(s);
            total = total.add(w[i][j]);
          }
          t[i] = zeros(v[0].length);
          for (int j = 0; j < k.length; j++) {
            w[i][j] = w[i][j].divide(total);
            t[i] = add(t[i], scale(v[j], w[i][j]));
          }
          concat[i] = concatenate(concat[i], t[i]);
        }
        lw.add(mat(w));
        lo.add(mat(t));
      }
      weights.add(lw);
      outs.add(lo);
      BigFraction[][] o = project(m, concat, Names.wo(l), Names.bo(l));
      BigFraction[][] after = a.residual() ? addAll(x, o) : o;
      if (post) {
        after = norm(a, after, m.param(Names.ln1g(l)), bias(m, Names.ln1b(l)));
      }
      BigFraction[][] out = after;
      if (a.mlpHidden() > 0) {
        BigFraction[][] in = pre ? norm(a, after, m.param(Names.ln2g(l)), bias(m, Names.ln2b(l))) : after;
        BigFraction[][] hid = affine(in, m.param(Names.w1(l)), m.param(Names.c1(l)));
        for (BigFraction[] r : hid) {
          for (int j = 0; j < r.length; j++) {
            r[j] = relu(a, r[j]);
          }
        }
        BigFraction[][] mo = affine(hid, m.param(Names.w2(l)), m.param(Names.c2(l)));
        out = a.residual() ? addAll(after, mo) : mo;
        if (post) {
          out = norm(a, out, m.param(Names.ln2g(l)), bias(m, Names.ln2b(l)));
        }
      }
      x = out;
      layerOutputs.add(mat(x));
    }
    if (a.finalNorm() && a.norm() != Architecture.NormKind.NONE) {
      x = norm(a, x, m.param(Names.LNF_G), bias(m, Names.LNF_B));
    }
    return new Observed(weights, outs, layerOutputs, mat(x));
  }

  static boolean allowed(Architecture a, int queryPos, int keyPos) {
    return a.mask() == Architecture.Mask.BIDIRECTIONAL || keyPos <= queryPos;
  }

  /** σ of the scale for a sequence of {@code length} positions and a query attending {@code attended} keys. */
  static BigFraction sigma(ScoreScale scale, int length, int attended) {
    if (scale instanceof ScoreScale.Fixed f) {
      return f.sigma();
    }
    if (scale instanceof ScoreScale.PerSequence s) {
      return s.temperature().divide(exactRoot(length));
    }
    return ((ScoreScale.PerAttended) scale).temperature().divide(exactRoot(attended));
  }

  private static BigInteger exactRoot(int count) {
    BigInteger c = BigInteger.valueOf(count);
    BigInteger r = c.sqrt();
    if (!r.multiply(r).equals(c)) {
      throw new ArithmeticException(count + " is not a perfect square");
    }
    return r;
  }

  /** Pair m of {@code v} rotated by pos·θ_m: (c + i s)^pos = Σ_k C(pos, k) c^(pos−k) (i s)^k. */
  static BigFraction[] rotate(Model<BigFraction> m, BigFraction[] v, int pos) {
    BigFraction[] r = v.clone();
    for (int pair = 0; pair < v.length / 2; pair++) {
      BigFraction c = m.param(Names.ROPE_COS).get(0, pair);
      BigFraction s = m.param(Names.ROPE_SIN).get(0, pair);
      BigFraction re = ZERO;
      BigFraction im = ZERO;
      for (int k = 0; k <= pos; k++) {
        BigFraction term = new BigFraction(binomial(pos, k)).multiply(c.pow(pos - k)).multiply(s.pow(k));
        switch (k % 4) {
          case 0 -> re = re.add(term);
          case 1 -> im = im.add(term);
          case 2 -> re = re.subtract(term);
          default -> im = im.subtract(term);
        }
      }
      BigFraction x0 = v[2 * pair];
      BigFraction x1 = v[2 * pair + 1];
      r[2 * pair] = re.multiply(x0).subtract(im.multiply(x1));
      r[2 * pair + 1] = im.multiply(x0).add(re.multiply(x1));
    }
    return r;
  }

  private static BigInteger binomial(int n, int k) {
    BigInteger b = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      b = b.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return b;
  }

  /** The rational norm stand-ins: g ⊙ (x − μ)/(1 + mean|x − μ|) + b, or g ⊙ x/(1 + mean|x|) without b. */
  private static BigFraction[][] norm(Architecture a, BigFraction[][] x, Mat<BigFraction> g, Mat<BigFraction> b) {
    if (a.norm() != Architecture.NormKind.RATIONAL_LAYER && a.norm() != Architecture.NormKind.RATIONAL_RMS) {
      throw new IllegalArgumentException("the reference has the rational norms only, not " + a.norm());
    }
    boolean centre = a.norm() == Architecture.NormKind.RATIONAL_LAYER;
    BigFraction[][] y = new BigFraction[x.length][];
    for (int i = 0; i < x.length; i++) {
      int d = x[i].length;
      BigFraction mean = ZERO;
      if (centre) {
        for (BigFraction v : x[i]) {
          mean = mean.add(v);
        }
        mean = mean.divide(d);
      }
      BigFraction spread = ZERO;
      for (BigFraction v : x[i]) {
        spread = spread.add(v.subtract(mean).abs());
      }
      BigFraction denom = ONE.add(spread.divide(d));
      y[i] = new BigFraction[d];
      for (int j = 0; j < d; j++) {
        y[i][j] = x[i][j].subtract(mean).divide(denom).multiply(g.get(0, j));
        if (centre) {
          y[i][j] = y[i][j].add(b.get(0, j));
        }
      }
    }
    return y;
  }

  private static BigFraction relu(Architecture a, BigFraction v) {
    if (a.activation() != Architecture.Activation.RELU) {
      throw new IllegalArgumentException("the reference has ReLU only, not " + a.activation());
    }
    return v.compareTo(ZERO) > 0 ? v : ZERO;
  }

  private static Mat<BigFraction> bias(Model<BigFraction> m, String name) {
    return m.has(name) ? m.param(name) : null;
  }

  /** Rows {@code x Wᵀ + b}, the bias only where the model has it. */
  private static BigFraction[][] project(Model<BigFraction> m, BigFraction[][] x, String w, String b) {
    return affine(x, m.param(w), m.arch().attnBiases() ? m.param(b) : null);
  }

  private static BigFraction[][] affine(BigFraction[][] x, Mat<BigFraction> w, Mat<BigFraction> b) {
    BigFraction[][] y = new BigFraction[x.length][w.rows()];
    for (int i = 0; i < x.length; i++) {
      for (int r = 0; r < w.rows(); r++) {
        BigFraction s = b == null ? ZERO : b.get(0, r);
        for (int c = 0; c < w.cols(); c++) {
          s = s.add(w.get(r, c).multiply(x[i][c]));
        }
        y[i][r] = s;
      }
    }
    return y;
  }

  private static BigFraction dot(BigFraction[] a, BigFraction[] b) {
    BigFraction s = ZERO;
    for (int i = 0; i < a.length; i++) {
      s = s.add(a[i].multiply(b[i]));
    }
    return s;
  }

  private static BigFraction[] add(BigFraction[] a, BigFraction[] b) {
    BigFraction[] c = new BigFraction[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].add(b[i]);
    }
    return c;
  }

  private static BigFraction[][] addAll(BigFraction[][] a, BigFraction[][] b) {
    BigFraction[][] c = new BigFraction[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = add(a[i], b[i]);
    }
    return c;
  }

  private static BigFraction[] scale(BigFraction[] a, BigFraction s) {
    BigFraction[] c = new BigFraction[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].multiply(s);
    }
    return c;
  }

  private static BigFraction[] zeros(int n) {
    BigFraction[] z = new BigFraction[n];
    java.util.Arrays.fill(z, ZERO);
    return z;
  }

  private static BigFraction[] concatenate(BigFraction[] a, BigFraction[] b) {
    BigFraction[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static BigFraction[][] stack(BigFraction[][] a, BigFraction[][] b) {
    BigFraction[][] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static BigFraction[] row(Mat<BigFraction> m, int i) {
    BigFraction[] r = new BigFraction[m.cols()];
    for (int j = 0; j < r.length; j++) {
      r[j] = m.get(i, j);
    }
    return r;
  }

  private static BigFraction[][] rows(Mat<BigFraction> m) {
    BigFraction[][] r = new BigFraction[m.rows()][];
    for (int i = 0; i < r.length; i++) {
      r[i] = row(m, i);
    }
    return r;
  }

  private static Mat<BigFraction> mat(BigFraction[][] a) {
    int cols = a.length == 0 ? 0 : a[0].length;
    return Mat.of(BigFractionField.getInstance(), a.length, cols, (i, j) -> a[i][j]);
  }
}
