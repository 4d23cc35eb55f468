package io.prefixproof.claims;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Scalars;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.FieldElement;

/**
 * Exact checkers of the Section 4 limitations (LIM-1..4 at one layer; LIM-6 at every layer). A prefixed
 * run is compared with the prefix-free layer evaluated on the same content inputs at the same positions;
 * every identity is tested with {@code equals}. A violation throws {@link AssertionError} naming the claim,
 * layer, head, query and key.
 */
public final class Limitations {
  private Limitations() {}

  /** Which identities to check. */
  public enum Check {
    /** LIM-1: {@code A^pt_ij = A_ij (1 − a_i)}. */
    RESCALE,
    /** LIM-1c: order, zeros, content sum {@code 1 − a_i}, positive weight on every prefix key. */
    COROLLARIES,
    /** LIM-2 (p = 1) and LIM-3: {@code t^pt_i = Σ_m A^pt_im v_m + (1 − a_i) t_i}. */
    OUTPUT,
    /** LIM-4: {@code o^pt_i = b_O + Σ_h W_O^h [Σ_m A^pt,h_im v^h_m + (1 − a^h_i) t^h_i]}. */
    MULTI_HEAD
  }

  /** The prefixed trace and, per layer, the prefix-free reference attention on the same content inputs. */
  public record Pair<T extends FieldElement<T>>(Trace<T> prefixed, List<Trace.Attention<T>> reference) {}

  /** Runs the case and the reference at every layer. */
  public static <T extends FieldElement<T>> Pair<T> run(Model<T> m, Prefix<T> prefix, Content<T> content) {
    Trace<T> t = Forward.run(m, prefix, content);
    return new Pair<>(t, reference(m, t));
  }

  /** The prefix-free attention of every layer on the prefixed run's own content inputs and positions. */
  public static <T extends FieldElement<T>> List<Trace.Attention<T>> reference(Model<T> m, Trace<T> t) {
    int n = t.contentLength();
    return java.util.stream.IntStream.range(0, m.arch().layers()).mapToObj(l -> {
      Mat<T> x = t.contentInput(l);
      return Forward.attention(m, l, Forward.attentionInput(m, l, x), t.contentPositions(), null, null, new int[0], n);
    }).toList();
  }

  /** Checks the given identities at the given layers; true when all hold (else throws). */
  public static <T extends FieldElement<T>> boolean check(Model<T> m, Pair<T> pair, int fromLayer, int toLayer,
      Set<Check> checks) {
    for (int l = fromLayer; l < toLayer; l++) {
      checkLayer(m, pair.prefixed(), pair.reference().get(l), l, checks);
    }
    return true;
  }

  static <T extends FieldElement<T>> void checkLayer(Model<T> m, Trace<T> t, Trace.Attention<T> ref, int l,
      Set<Check> checks) {
    Arith<T> ar = m.arith();
    Architecture a = m.arch();
    int n = t.contentLength();
    int p = t.keyPrefix();
    Mat<T> concat = null;
    for (int h = 0; h < a.heads(); h++) {
      Trace.Head<T> ph = t.head(l, h);
      Trace.Head<T> rh = ref.heads().get(h);
      List<T> rest = checkHead(ar, l, h, ph, t.streamPrefix(), p, rh, checks);
      if (checks.contains(Check.MULTI_HEAD)) {
        Mat<T> ppt = t.prefixWeights(l, h);
        Mat<T> tref = rh.out();
        Mat<T> mix = ppt.times(ph.values().rows(0, p));
        Mat<T> predicted =
            Mat.of(ar.field(), n, tref.cols(), (i, j) -> mix.get(i, j).add(rest.get(i).multiply(tref.get(i, j))));
        concat = concat == null ? predicted : concat.hstack(predicted);
      }
    }
    if (checks.contains(Check.MULTI_HEAD)) {
      Mat<T> o = concat.timesTransposed(m.param(Names.wo(l)));
      if (a.attnBiases()) {
        o = o.plusRow(m.param(Names.bo(l)));
      }
      Mat<T> opt = t.layers().get(l).attention().out();
      opt = opt.rows(t.streamPrefix(), opt.rows());
      if (!o.equals(opt)) {
        fail("LIM-4", l, -1, "layer output " + opt + " differs from W_O of the per-head prefix mixes " + o);
      }
    }
  }

  /**
   * LIM-1, LIM-1c and LIM-2/3 for one head: {@code ph} of the prefixed run ({@code sp} stream-prefix rows,
   * {@code p} prefix keys first) against {@code rh} of the prefix-free run on the same content. Returns
   * {@code 1 − a_i} per content query.
   */
  public static <T extends FieldElement<T>> List<T> checkHead(Arith<T> ar, int l, int h, Trace.Head<T> ph, int sp,
      int p, Trace.Head<T> rh, Set<Check> checks) {
  int n = rh.weights().rows();
  Mat<T> all = ph.weights().rows(sp, sp + n);
  Mat<T> wpt = all.cols(p, all.cols());
  Mat<T> ppt = all.cols(0, p);
  Mat<T> w = rh.weights();
  Mat<T> prefixValues = ph.values().rows(0, p);
  Mat<T> tpt = ph.out().rows(sp, sp + n);
  Mat<T> tref = rh.out();
  List<T> rest = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<T> prefixRow = new ArrayList<>();
      List<T> oneMinus = new ArrayList<>(List.of(ar.one()));
      for (int mIdx = 0; mIdx < p; mIdx++) {
        prefixRow.add(ppt.get(i, mIdx));
        oneMinus.add(ppt.get(i, mIdx).negate());
      }
      T keep = Scalars.sum(ar.field(), oneMinus);
      rest.add(keep);
      if (checks.contains(Check.RESCALE)) {
        for (int j = 0; j < n; j++) {
          if (!Scalars.isDot(wpt.get(i, j), List.of(w.get(i, j)), List.of(keep))) {
            fail("LIM-1", l, h, "query " + i + " key " + j + ": A^pt = " + wpt.get(i, j) + " but A (1 - a) = "
                + w.get(i, j).multiply(keep));
          }
        }
      }
      if (checks.contains(Check.OUTPUT)) {
        List<T> weights = new ArrayList<>(prefixRow);
        weights.add(keep);
        for (int c = 0; c < tref.cols(); c++) {
          List<T> terms = new ArrayList<>();
          for (int mIdx = 0; mIdx < p; mIdx++) {
            terms.add(prefixValues.get(mIdx, c));
          }
          terms.add(tref.get(i, c));
          if (!Scalars.isDot(tpt.get(i, c), weights, terms)) {
            fail(p == 1 ? "LIM-2" : "LIM-3", l, h, "query " + i + " value " + c + ": head output " + tpt.get(i, c)
                + " differs from the prefix mix " + Scalars.dot(ar.field(), weights, terms));
          }
        }
      }
      if (checks.contains(Check.COROLLARIES)) {
        List<T> contentRow = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          contentRow.add(wpt.get(i, j));
          boolean zero = ar.compare(w.get(i, j), ar.zero()) == 0;
          if (zero != (ar.compare(wpt.get(i, j), ar.zero()) == 0)) {
            fail("LIM-1c", l, h, "query " + i + " key " + j + ": zero pattern changed");
          }
        }
        // same weak order: sorted by A, every consecutive pair compares the same way under A^pt (the
        // orders are total, so this is the pairwise statement for all pairs)
        final int row = i;
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
          order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> ar.compare(w.get(row, x), w.get(row, y)));
        for (int r = 0; r + 1 < n; r++) {
          int j = order[r];
          int k = order[r + 1];
          if (Integer.signum(ar.compare(w.get(i, j), w.get(i, k)))
              != Integer.signum(ar.compare(wpt.get(i, j), wpt.get(i, k)))) {
            fail("LIM-1c", l, h, "query " + i + ": order of keys " + j + " and " + k + " changed");
          }
        }
        T sum = Scalars.sum(ar.field(), contentRow);
        if (!Scalars.same(sum, keep)) {
          fail("LIM-1c", l, h, "query " + i + ": content weights sum to " + sum + ", not 1 - a = " + keep);
        }
        for (int mIdx = 0; mIdx < p; mIdx++) {
          if (ar.compare(ppt.get(i, mIdx), ar.zero()) <= 0) {
            fail("LIM-1c", l, h, "query " + i + " gives prefix key " + mIdx + " weight " + ppt.get(i, mIdx)
                + " (kappa > 0 requires a positive weight)");
          }
        }
      }
    }
    return rest;
  }

  private static void fail(String id, int l, int h, String what) {
    throw new AssertionError(id + " violated at layer " + l + (h >= 0 ? " head " + h : "") + ": " + what);
  }
}
