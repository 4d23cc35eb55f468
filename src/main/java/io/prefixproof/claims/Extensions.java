package io.prefixproof.claims;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Architecture.NormKind;
import io.prefixproof.model.Architecture.PositionKind;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.RopeScaling;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Stats;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * LIM-7 (layer-2 scores under a layer-1 prefix), CONJ-9 (RoPE whose parameters depend on the sequence length)
 * and CONJ-10 (the notebook's per-sequence score scale); registered in {@link Catalogue#all()}.
 */
final class Extensions {
  private Extensions() {}

  // ---- LIM-7 ------------------------------------------------------------------------------------

  static final String LIM7 = "layer 2 under a layer-1 prefix (one head, no norm or MLP between): s^pt_ij ="
      + " (1-a_i)(1-a_j) s_ij + two cross terms through c = [x_i] + W_O b_i + b_O weighted by a_j, a_i + an a_i a_j"
      + " term; the change of layer-2 log-ratios stays within the bound of LIM-7.md";

  /** The architectures LIM-7 speaks of: 2 layers, 1 head, no norm, no MLP, no positions; residual or not. */
  static CaseOptions lim7Options() {
    return Catalogue.base().withLayers(2, 2).withHeads(1, 1).withMlp(0, 0).withNorms(List.of(NormKind.NONE), 1)
        .withKinds(List.of(Prefix.Kind.RESIDUAL, Prefix.Kind.KEY_VALUE, Prefix.Kind.STREAM))
        .withDims(new int[] {1, 3}, new int[] {1, 2}, new int[] {1, 2}).withLengths(new int[] {1, 3}, new int[] {1, 2});
  }

  /** Cases of {@code o}, each also drawn without the residual stream half of the time. */
  static Gen<PrefixCase<BigFraction>> lim7Cases(CaseOptions o) {
    return Catalogue.cases(o).flatMap(c -> s -> {
      if (s.choice(1) == 0) {
        Stats.label("residual");
        return c;
      }
      Stats.label("no residual");
      Architecture a = c.model().arch().toBuilder().residual(false).build();
      return new PrefixCase<>(new Model<>(a, c.model().arith(), c.model().params()), c.prefix(), c.content(),
          c.otherContent());
    });
  }

  /** The identity with the given terms, exactly, on one case (throws on a mismatch). */
  static boolean lim7Identity(PrefixCase<BigFraction> c, Set<LayerTwo.Term> terms) {
    Trace<BigFraction> t = Forward.run(c.model(), c.prefix(), c.contentInput());
    Trace<BigFraction> plain = Forward.run(c.model(), Prefix.none(), c.contentInput());
    return LayerTwo.expands(c.model(), t, plain, terms);
  }

  /** The case in Dfp(40): weights, prefix and content taken exactly into Dfp. */
  static List<LayerTwo.Movement<Dfp>> lim7Movements(PrefixCase<BigFraction> c) {
    Arith<Dfp> dfp = Catalogue.DFP40;
    Model<Dfp> m = c.model().convert(dfp, dfp::of);
    Prefix<Dfp> prefix = Catalogue.convertPrefix(c.prefix(), dfp);
    Content<Dfp> content = Content.vectors(c.content().convert(dfp.field(), dfp::of));
    return LayerTwo.movements(m, Forward.run(m, prefix, content), Forward.run(m, Prefix.none(), content));
  }

  /**
   * True when every measured layer-2 log-ratio change is at most its bound scaled by {@code factor}, up to the
   * Dfp rounding allowance {@link Catalogue#DFP_VIOLATION} relative to the bound (the bound is a dozen Dfp(40)
   * operations, the measured value two logs of quotients: each carries rounding below 1e-36).
   */
  static boolean lim7WithinBound(PrefixCase<BigFraction> c, BigFraction factor) {
    Arith<Dfp> dfp = Catalogue.DFP40;
    for (LayerTwo.Movement<Dfp> mv : lim7Movements(c)) {
      Dfp limit = mv.bound().multiply(dfp.of(factor));
      Dfp slack = dfp.ofDouble(Catalogue.DFP_VIOLATION).multiply(dfp.one().add(limit));
      if (dfp.compare(mv.measured(), limit.add(slack)) > 0) {
        throw new AssertionError("LIM-7 bound exceeded for query " + mv.query() + " keys " + mv.key() + ", "
            + mv.other() + ": log-ratio moved by " + dfp.toDouble(mv.measured()) + ", bound " + dfp.toDouble(limit));
      }
    }
    return true;
  }

  static Claim lim7() {
    Claim identity = PropertyClaim.holds("LIM-7", LIM7, "5.2", 200, lim7Cases(lim7Options()),
        c -> lim7Identity(c, EnumSet.allOf(LayerTwo.Term.class)));
    Claim bound = PropertyClaim.holds("LIM-7", "Dfp(40), true exp: |change of log(A_ij/A_ik)| at layer 2 <= the"
        + " bound", "5.2", 200, lim7Cases(lim7Options().withLengths(new int[] {2, 3}, new int[] {1, 2})),
        c -> lim7WithinBound(c, BigFraction.ONE));
    return new AllOf("LIM-7", LIM7, "5.2", List.of(identity, bound));
  }

  // ---- CONJ-9 -----------------------------------------------------------------------------------

  /** HF's documented example factor for dynamic NTK ({@code {"type": "dynamic", "factor": 2.0}}). */
  static final BigFraction NTK_FACTOR = new BigFraction(2);

  /** Qwen2.5's documented static YaRN factor (4.0). */
  static final BigFraction YARN_FACTOR = new BigFraction(4);

  /**
   * 1-layer RoPE cases whose RoPE is replaced by the length-dependent {@code kind} (base 10000). The trained
   * context L_train is drawn in [n, n + p − 1], so the content alone fits and the prefix pushes the length past
   * it; with {@code pastContext} false, L_train = n + p and the length never exceeds it.
   */
  static Gen<PrefixCase<BigFraction>> scaledRopeCases(RopeScaling.Kind kind, boolean pastContext) {
    // dynamic NTK leaves pair 0 alone and its exponent k/(k-2) needs k > 2, so it draws k = 4
    int[] k = kind == RopeScaling.Kind.DYNAMIC_NTK ? new int[] {3, 4} : new int[] {1, 4};
    CaseOptions o = Catalogue.conj().withLayers(1, 1).withPositions(List.of(PositionKind.ROPE))
        .withDims(new int[] {1, 3}, k, new int[] {1, 2}).withLengths(new int[] {2, 4}, new int[] {1, 3});
    BigFraction factor = kind == RopeScaling.Kind.YARN ? YARN_FACTOR : NTK_FACTOR;
    return Catalogue.cases(o).flatMap(c -> s -> {
      int n = c.content().rows();
      int p = c.prefix().length();
      int trained = pastContext ? n + (int) s.choice(p - 1) : n + p;
      Architecture a = c.model().arch().toBuilder().ropeScaling(RopeScaling.of(kind, trained, factor)).build();
      Map<String, Mat<BigFraction>> params = new LinkedHashMap<>(c.model().params());
      params.remove(Names.ROPE_COS);
      params.remove(Names.ROPE_SIN);
      return new PrefixCase<>(new Model<>(a, c.model().arith(), params), c.prefix(), c.content(), c.otherContent());
    });
  }

  /** LIM-1 against the plain run with {@code kind} RoPE, decided in Dfp(40) (the angles are transcendental). */
  static PropertyClaim<PrefixCase<BigFraction>> scaledRope(String id, RopeScaling.Kind kind, boolean pastContext) {
    int k = kind == RopeScaling.Kind.DYNAMIC_NTK ? 4 : 2;
    return PropertyClaim.counterexample(id, "LIM-1 holds with " + kind + " RoPE once the prefix pushes the length"
        + " past the trained context", "4", 200, scaledRopeCases(kind, pastContext),
        c -> Catalogue.lim1DeviationDfp(c, c.model().arch().scale()) <= Catalogue.DFP_VIOLATION,
        c -> Catalogue.shape(c, 1, 1, 1, 2, 1) && c.model().arch().dHead() == k);
  }

  static Claim conj9() {
    return new AllOf("CONJ-9", "CONJ-3's RoPE invariance survives length-dependent RoPE (dynamic NTK, dynamic YaRN,"
        + " Qwen's log-length query factor) once the prefix pushes the length past the trained context", "4",
        List.of(scaledRope("CONJ-9-ntk", RopeScaling.Kind.DYNAMIC_NTK, true),
            scaledRope("CONJ-9-yarn", RopeScaling.Kind.DYNAMIC_YARN, true),
            scaledRope("CONJ-9-logn", RopeScaling.Kind.LOGN, true)));
  }

  // ---- CONJ-10 ----------------------------------------------------------------------------------

  /** 1-layer cases of the score-scale conjectures (as CONJ-4). */
  static Gen<PrefixCase<BigFraction>> scaleCases() {
    return Catalogue.cases(Catalogue.conj().withLayers(1, 1));
  }

  /** LIM-1 against the plain run with score scale {@code scale}, decided in Dfp(40) (√n is irrational). */
  static PropertyClaim<PrefixCase<BigFraction>> scaled(String id, ScoreScale scale) {
    return PropertyClaim.counterexample(id, "LIM-1 holds when scores are scaled by " + scale, "4", 200, scaleCases(),
        c -> Catalogue.lim1DeviationDfp(c, scale) <= Catalogue.DFP_VIOLATION, c -> Catalogue.shape(c, 1, 1, 1, 2, 1));
  }

  static Claim conj10() {
    return scaled("CONJ-10", new ScoreScale.PerSequence(BigFraction.ONE));
  }
}
