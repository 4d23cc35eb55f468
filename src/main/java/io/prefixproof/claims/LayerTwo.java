package io.prefixproof.claims;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.RealFieldElement;

/**
 * LIM-7 (PAPER.md §4, Depth): what a layer-1 prefix does to layer-2 content scores of a model with one head per
 * layer, no norm and no MLP between the two attention layers. By LIM-3 the layer-2 input of content position
 * i is {@code z^pt_i = (1 − a_i) z_i + a_i c_i} with {@code z_i} the prefix-free layer-2 input,
 * {@code c_i = [x_i] + W_O b_i + b_O} ({@code x_i} only with the residual stream) and {@code b_i} the point of
 * the prefix-value hull that query i mixes in. Queries and keys are affine, so the layer-2 score splits into
 * four terms (see proofs-notes/LIM-7.md):
 *
 * <pre>
 * s^pt_ij = (1−a_i)(1−a_j) s_ij + σ(1−a_i)a_j q(z_i)·k(c_j)
 *         + σ a_i(1−a_j) q(c_i)·k(z_j) + σ a_i a_j q(c_i)·k(c_j)
 * </pre>
 *
 * and the change of a layer-2 log-ratio {@code log(A_ij/A_ik)} (true exp kernel) is bounded by {@link #movements}.
 */
public final class LayerTwo {
  private LayerTwo() {}

  /** The four terms of the expansion. */
  public enum Term {
    /** {@code (1−a_i)(1−a_j) s_ij}. */
    PLAIN,
    /** {@code σ (1−a_i) a_j q(z_i)·k(c_j)}. */
    QUERY_PLAIN_KEY_PREFIX,
    /** {@code σ a_i (1−a_j) q(c_i)·k(z_j)}. */
    QUERY_PREFIX_KEY_PLAIN,
    /** {@code σ a_i a_j q(c_i)·k(c_j)}. */
    BOTH_PREFIX
  }

  /**
   * The layer-1 prefix seen from content position i: its share {@code a_i}, the hull point
   * {@code b_i = Σ_m A^pt_im v_m / a_i} (rows) and {@code c_i} (rows), computed from layer 1 of the prefixed run.
   */
  record LayerOne<T extends FieldElement<T>>(List<T> share, Mat<T> hullPoint, Mat<T> target) {}

  static <T extends FieldElement<T>> LayerOne<T> layerOne(Model<T> m, Trace<T> prefixed) {
    Arith<T> ar = m.arith();
    Architecture a = m.arch();
    int n = prefixed.contentLength();
    int p = prefixed.keyPrefix();
    Mat<T> weights = prefixed.prefixWeights(0, 0);
    Mat<T> values = prefixed.head(0, 0).values().rows(0, p);
    List<T> share = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      T s = ar.zero();
      for (int r = 0; r < p; r++) {
        s = s.add(weights.get(i, r));
      }
      share.add(s);
    }
    Mat<T> mix = weights.times(values);
    Mat<T> hull = Mat.of(ar.field(), n, mix.cols(), (i, c) -> mix.get(i, c).divide(share.get(i)));
    Mat<T> target = hull.timesTransposed(m.param(Names.wo(0)));
    if (a.attnBiases()) {
      target = target.plusRow(m.param(Names.bo(0)));
    }
    if (a.residual()) {
      target = target.plus(prefixed.contentInput(0));
    }
    return new LayerOne<>(share, hull, target);
  }

  /** {@code rows W_role^T + b_role} of layer 2's head 0 on the rows its attention reads. */
  static <T extends FieldElement<T>> Mat<T> project(Model<T> m, Mat<T> rows, String w, String b) {
    Mat<T> y = Forward.attentionInput(m, 1, rows).timesTransposed(m.param(w));
    return m.arch().attnBiases() ? y.plusRow(m.param(b)) : y;
  }

  static <T extends FieldElement<T>> T dot(Arith<T> ar, Mat<T> a, int i, Mat<T> b, int j) {
    T s = ar.zero();
    for (int c = 0; c < a.cols(); c++) {
      s = s.add(a.get(i, c).multiply(b.get(j, c)));
    }
    return s;
  }

  static <T extends FieldElement<T>> T sigma(Model<T> m) {
    if (!(m.arch().scale() instanceof ScoreScale.Fixed f)) {
      throw new IllegalArgumentException("LIM-7 needs a fixed score scale, got " + m.arch().scale());
    }
    return m.arith().of(f.sigma());
  }

  /**
   * Checks the expansion restricted to {@code terms} against every allowed layer-2 content score of the
   * prefixed run, with {@code equals}; throws naming the pair on a mismatch, true otherwise.
   */
  public static <T extends FieldElement<T>> boolean expands(Model<T> m, Trace<T> prefixed, Trace<T> plain,
      Set<Term> terms) {
    Arith<T> ar = m.arith();
    LayerOne<T> one = layerOne(m, prefixed);
    Mat<T> z = plain.contentInput(1);
    Mat<T> qz = project(m, z, Names.wq(1, 0), Names.bq(1, 0));
    Mat<T> kz = project(m, z, Names.wk(1, 0), Names.bk(1, 0));
    Mat<T> qc = project(m, one.target(), Names.wq(1, 0), Names.bq(1, 0));
    Mat<T> kc = project(m, one.target(), Names.wk(1, 0), Names.bk(1, 0));
    T sigma = sigma(m);
    Trace.Head<T> ph = prefixed.head(1, 0);
    Trace.Head<T> rh = plain.head(1, 0);
    int n = prefixed.contentLength();
    for (int i = 0; i < n; i++) {
      T ai = one.share().get(i);
      T keepI = ar.one().subtract(ai);
      for (int j = 0; j < n; j++) {
        if (!rh.allowed()[i][j]) {
          continue;
        }
        T aj = one.share().get(j);
        T keepJ = ar.one().subtract(aj);
        T sum = ar.zero();
        if (terms.contains(Term.PLAIN)) {
          sum = sum.add(keepI.multiply(keepJ).multiply(rh.scores().get(i, j)));
        }
        if (terms.contains(Term.QUERY_PLAIN_KEY_PREFIX)) {
          sum = sum.add(sigma.multiply(keepI).multiply(aj).multiply(dot(ar, qz, i, kc, j)));
        }
        if (terms.contains(Term.QUERY_PREFIX_KEY_PLAIN)) {
          sum = sum.add(sigma.multiply(ai).multiply(keepJ).multiply(dot(ar, qc, i, kz, j)));
        }
        if (terms.contains(Term.BOTH_PREFIX)) {
          sum = sum.add(sigma.multiply(ai).multiply(aj).multiply(dot(ar, qc, i, kc, j)));
        }
        T actual = ph.scores().get(prefixed.streamPrefix() + i, prefixed.keyPrefix() + j);
        if (!actual.equals(sum)) {
          throw new AssertionError("LIM-7 violated for content query " + i + " key " + j + ": layer-2 score "
              + actual + " but the expansion " + terms + " gives " + sum);
        }
      }
    }
    return true;
  }

  /**
   * One layer-2 log-ratio: the measured change
   * {@code Δ_ijk = log(A^pt_ij/A^pt_ik) − log(A_ij/A_ik)} and its bound (real modes, true exp kernel).
   */
  public record Movement<T>(int query, int key, int other, T measured, T bound) {}

  /**
   * Every content query i and pair of allowed content keys j ≠ k at layer 2, with the measured |Δ_ijk| (from the
   * two runs' layer-2 attention weights) and the bound of LIM-7.md:
   *
   * <pre>
   * |Δ_ijk| ≤ σ [ ‖q_i‖ ‖W_K‖ (a_j E_j + a_k E_k)
   *              + a_i ‖W_Q‖ E_i ( ‖k_j − k_k‖ + ‖W_K‖ (a_j E_j + a_k E_k) ) ]
   * </pre>
   *
   * with {@code q_i, k_j} the prefix-free layer-2 query and key, {@code E_i = ‖W_O (b_i − t_i)‖}, {@code t_i} the
   * prefix-free layer-1 head output and Frobenius norms of layer 2's W_Q and W_K.
   */
  public static <T extends FieldElement<T>> List<Movement<T>> movements(Model<T> m, Trace<T> prefixed,
      Trace<T> plain) {
    Arith<T> ar = m.arith();
    if (ar.isExact()) {
      throw new ArithmeticException("the LIM-7 bound is about log-ratios of exp weights; run it in Dfp or double");
    }
    LayerOne<T> one = layerOne(m, prefixed);
    T sigma = sigma(m);
    int n = prefixed.contentLength();
    Mat<T> drift = one.hullPoint().minus(plain.contentHeadOut(0, 0)).timesTransposed(m.param(Names.wo(0)));
    List<T> e = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      e.add(norm(ar, drift.row(i)));
    }
    T wq = norm(ar, m.param(Names.wq(1, 0)));
    T wk = norm(ar, m.param(Names.wk(1, 0)));
    Trace.Head<T> rh = plain.head(1, 0);
    Mat<T> apt = prefixed.contentWeights(1, 0);
    Mat<T> a = rh.weights();
    List<Movement<T>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      T ai = one.share().get(i);
      T qi = norm(ar, rh.queries().row(i));
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          if (j == k || !rh.allowed()[i][j] || !rh.allowed()[i][k]) {
            continue;
          }
          T measured = ar.abs(log(apt.get(i, j).divide(apt.get(i, k))).subtract(log(a.get(i, j).divide(a.get(i, k)))));
          T keys = one.share().get(j).multiply(e.get(j)).add(one.share().get(k).multiply(e.get(k)));
          T kdiff = norm(ar, rh.keys().row(j).minus(rh.keys().row(k)));
          T bound = sigma.multiply(qi.multiply(wk).multiply(keys)
              .add(ai.multiply(wq).multiply(e.get(i)).multiply(kdiff.add(wk.multiply(keys)))));
          out.add(new Movement<>(i, j, k, measured, bound));
        }
      }
    }
    return out;
  }

  /** Frobenius norm. */
  static <T extends FieldElement<T>> T norm(Arith<T> ar, Mat<T> x) {
    T s = ar.zero();
    for (int i = 0; i < x.rows(); i++) {
      for (int j = 0; j < x.cols(); j++) {
        s = s.add(x.get(i, j).multiply(x.get(i, j)));
      }
    }
    return ar.sqrt(s);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends FieldElement<T>> T log(T x) {
    return (T) ((RealFieldElement) x).log();
  }
}
