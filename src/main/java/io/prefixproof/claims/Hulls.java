package io.prefixproof.claims;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Ranks;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * An exact certificate that model outputs lie outside the closure of everything a prefix of any length
 * can produce (FT-2). Scope: one layer (one head, or several with an injective W_O), no position scheme, no
 * norm, a score scale that does not depend on the number of keys, residual stream, ReLU MLP or none, no
 * vocabulary; both prefix semantics.
 *
 * <p>Why it is sound (proofs-notes/FT-2.md): content queries with the same query vector give every prefix
 * key the same score, so a prefix of any length gives them one hull point {@code b} (LIM-3) and total
 * prefix weights {@code a_i = E/(E + Z_i)} with one {@code E > 0} ({@code Z_i} the query's content kernel
 * sum, unchanged by the prefix: LIM-1). The attention output then moves by
 * {@code Δ_i = a_i (W_O b − W_O t_i)}, that is {@code Δ_i (1 + r Z_i) = W_O b − W_O t_i} with {@code r = 1/E};
 * the closure adds {@code r = 0} (the prefix takes all attention) and the limit {@code E → 0} with
 * {@code b → ∞}, where {@code Z_i Δ_i} is one vector of {@code range(W_O)} for the whole group. Outputs after
 * the MLP are pulled back through every exact preimage of the residual ReLU block.
 */
public final class Hulls {
  private Hulls() {}

  /** What a certificate rests on. */
  public enum Basis {
    /** Nothing certified. */
    NONE,
    /** A group of equal queries whose shifts no prefix hull gives (the attention argument). */
    PREFIX_HULL,
    /** An output row that the MLP block gives for no input at all (no attention change can reach it). */
    MLP_IMAGE
  }

  /**
   * The certificate's outcome.
   *
   * @param basis what proves the target outside the closure of all prefixed outputs; NONE: not certified
   * @param reason one line: the group and the violated condition, or why nothing was certified
   */
  public record Verdict(Basis basis, String reason) {
    public boolean unreachable() {
      return basis != Basis.NONE;
    }
  }

  /**
   * Decides whether {@code target} (content rows of the model output) is certified out of reach of every
   * prefix of every length, for the model {@code m} and its prefix-free run {@code plain} on the content.
   *
   * @throws IllegalArgumentException when the model is outside the certificate's scope (names what)
   */
  public static Verdict beyondEveryPrefix(Model<BigFraction> m, Trace<BigFraction> plain, Mat<BigFraction> target) {
    requireScope(m.arch());
    int n = plain.contentLength();
    if (plain.streamPrefix() != 0 || plain.keyPrefix() != 0 || target.rows() != n
        || target.cols() != m.arch().dModel()) {
      throw new IllegalArgumentException("need a prefix-free run and a " + n + "x" + m.arch().dModel()
          + " target; got a run with a prefix of " + plain.keyPrefix() + " and a " + target.shape() + " target");
    }
    Arith<BigFraction> ar = m.arith();
    int heads = m.arch().heads();
    int kv = m.arch().dValue();
    Mat<BigFraction> wo = m.param(Names.wo(0));
    if (heads > 1 && Ranks.rank(wo) < wo.cols()) {
      return new Verdict(Basis.NONE, "several heads and W_O is not injective: the per-head shifts are not determined");
    }
    Mat<BigFraction> before = plain.layers().get(0).afterAttention();
    List<List<Mat<BigFraction>>> pre = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pre.add(MlpPreimages.of(m, target.row(i)));
    }
    String undecided = "every group of equal queries has a prefix-reachable choice of shifts";
    for (int h = 0; h < heads; h++) {
      Trace.Head<BigFraction> head = plain.head(0, h);
      // one head: the layer output itself (W_O b, W_O t); several: head h's block of W_O⁻¹ Δ (W_O injective)
      int block = h;
      UnaryOperator<Mat<BigFraction>> toHead = heads == 1 ? UnaryOperator.identity() : d -> headShift(wo, d, block, kv);
      Mat<BigFraction> map = heads == 1 ? wo : Mat.identity(wo.field(), kv);
      Mat<BigFraction> pulled = heads == 1 ? head.out().timesTransposed(wo) : head.out();
      List<BigFraction> z = new ArrayList<>();
      Map<Mat<BigFraction>, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        BigFraction sum = BigFraction.ZERO;
        for (int j = 0; j < head.scores().cols(); j++) {
          sum = head.allowed()[i][j] ? sum.add(ar.kernel(head.scores().get(i, j))) : sum;
        }
        z.add(sum);
        groups.computeIfAbsent(head.queries().row(i), k -> new ArrayList<>()).add(i);
      }
      for (List<Integer> g : groups.values()) {
        if (g.stream().anyMatch(i -> pre.get(i) == null || pre.get(i).isEmpty())) {
          undecided = "the MLP has a singular linear piece, or an output row has no preimage";
          continue;
        }
        String why = refuteAll(g, pre, before, toHead, pulled, map, z);
        if (why != null) {
          return new Verdict(Basis.PREFIX_HULL, (heads == 1 ? "" : "head " + h + ": ") + "queries " + g
              + " share one query vector; " + why);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (pre.get(i) != null && pre.get(i).isEmpty()) {
        return new Verdict(Basis.MLP_IMAGE, "no stream value before the MLP gives output row " + i);
      }
    }
    return new Verdict(Basis.NONE, undecided);
  }

  /** Head h's block of the unique δ with W_O δ = Δ (W_O injective), as a row; null when Δ ∉ range(W_O). */
  private static Mat<BigFraction> headShift(Mat<BigFraction> wo, Mat<BigFraction> shift, int h, int kv) {
    Ranks.Solution<BigFraction> s = Ranks.solve(wo, shift.transpose());
    return s == null ? null : s.particular().rows(h * kv, (h + 1) * kv).transpose();
  }

  private static void requireScope(Architecture a) {
    List<String> bad = new ArrayList<>();
    if (a.layers() != 1) {
      bad.add("layers=" + a.layers() + " (needs 1)");
    }
    if (a.positions() != Architecture.PositionKind.NONE) {
      bad.add("positions=" + a.positions() + " (needs NONE: prefix scores may depend on the query only)");
    }
    if (a.norm() != Architecture.NormKind.NONE || a.finalNorm()) {
      bad.add("norm=" + a.norm() + " (needs NONE)");
    }
    if (!(a.scale() instanceof ScoreScale.Fixed)) {
      bad.add("scale=" + a.scale() + " (needs a fixed scale: content scores must not move with the prefix)");
    }
    if (!a.residual() || a.vocab() != 0 || a.activation() != Architecture.Activation.RELU) {
      bad.add("residual=" + a.residual() + " vocab=" + a.vocab() + " activation=" + a.activation()
          + " (needs residual, vocab 0, ReLU)");
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("outside the prefix-reach certificate's scope: " + String.join(", ", bad));
    }
  }

  /**
   * Null when some choice of preimages is reachable; otherwise why none is. {@code toHead} maps a layer
   * shift to the shift the group's system speaks of (null: no prefix gives it, outside range(W_O)).
   */
  private static String refuteAll(List<Integer> g, List<List<Mat<BigFraction>>> pre, Mat<BigFraction> before,
      UnaryOperator<Mat<BigFraction>> toHead, Mat<BigFraction> pulled, Mat<BigFraction> wo, List<BigFraction> z) {
    int[] pick = new int[g.size()];
    String last = null;
    while (true) {
      List<Mat<BigFraction>> shifts = new ArrayList<>();
      for (int k = 0; k < g.size(); k++) {
        shifts.add(toHead.apply(pre.get(g.get(k)).get(pick[k]).minus(before.row(g.get(k)))));
      }
      last = shifts.contains(null) ? "a shift lies outside range(W_O)" : refute(g, shifts, pulled, wo, z);
      if (last == null) {
        return null;
      }
      int k = 0;
      while (k < g.size() && ++pick[k] == pre.get(g.get(k)).size()) {
        pick[k++] = 0;
      }
      if (k == g.size()) {
        return last;
      }
    }
  }

  /**
   * Null when shifts {@code Δ_i} (rows, for the queries in {@code g}) lie in the closure of the prefix
   * family {@code Δ_i (1 + r Z_i) = W_O b − W_O t_i, r > 0}; otherwise why not.
   */
  private static String refute(List<Integer> g, List<Mat<BigFraction>> shifts, Mat<BigFraction> pulled,
      Mat<BigFraction> wo, List<BigFraction> z) {
    int d = wo.rows();
    int kv = wo.cols();
    int eq = g.size() * d;
    // unknowns (b_1..b_kv, r): W_O b − r Z_i Δ_i = W_O t_i + Δ_i, one block of d equations per query
    Mat<BigFraction> lhs = Mat.of(wo.field(), eq, kv + 1, (row, col) -> {
      int k = row / d;
      int c = row % d;
      return col < kv ? wo.get(c, col) : z.get(g.get(k)).multiply(shifts.get(k).get(0, c)).negate();
    });
    Mat<BigFraction> rhs = Mat.of(wo.field(), eq, 1, (row, col) -> {
      int k = row / d;
      int c = row % d;
      return pulled.get(g.get(k), c).add(shifts.get(k).get(0, c));
    });
    Ranks.Solution<BigFraction> s = Ranks.solve(lhs, rhs);
    String finite;
    if (s == null) {
      finite = "no finite prefix mass 1/r fits (inconsistent)";
    } else if (s.nullBasis().stream().anyMatch(v -> !v.get(kv, 0).equals(BigFraction.ZERO))) {
      return null;
    } else {
      BigFraction r = s.particular().get(kv, 0);
      if (r.compareTo(BigFraction.ZERO) >= 0) {
        return null;
      }
      finite = "the shifts need r = 1/E = " + r + " < 0";
    }
    Mat<BigFraction> w = shifts.get(0).scale(z.get(g.get(0)));
    boolean limit = Ranks.inColumnSpan(wo, w.transpose());
    for (int k = 1; k < g.size() && limit; k++) {
      limit = shifts.get(k).scale(z.get(g.get(k))).equals(w);
    }
    return limit ? null : finite + ", and Z_i Δ_i is not one vector of range(W_O) (the E -> 0 limit)";
  }
}
