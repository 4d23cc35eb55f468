package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import io.prefixproof.property.Source;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Soundness of the prefix-reach certificate ({@link Hulls}, FT-2): outputs that real prefixes produce are
 * never certified unreachable; perturbed outputs are caught at a measured rate; a hand-derived example.
 */
class HullsTest {

  static final Arith<BigFraction> EXACT = Arith.exact();

  /** One layer, one or two heads, both masks and prefix kinds, biases either, ReLU MLP or none, repeated tokens. */
  static final CaseOptions O = CaseOptions.exactDefaults().withLayers(1, 1).withHeads(1, 2)
      .withDims(new int[] {1, 3}, new int[] {1, 3}, new int[] {1, 3}).withLengths(new int[] {1, 5}, new int[] {1, 4})
      .withMlp(0, 2);

  /** A model, content, and the content outputs of a real prefix of length 1–4. */
  record Prefixed(Model<BigFraction> model, Prefix<BigFraction> prefix, Mat<BigFraction> content,
      Mat<BigFraction> outputs) {}

  static Gen<Prefixed> prefixed() {
    return s -> {
      int n = O.content()[0] + (int) s.choice(O.content()[1] - O.content()[0]);
      int p = O.prefix()[0] + (int) s.choice(O.prefix()[1] - O.prefix()[0]);
      Prefix.Kind kind = O.kinds().get((int) s.choice(O.kinds().size() - 1));
      Architecture a = Cases.architectures(O, 0, n + p + 1).generate(s);
      Model<BigFraction> m = Cases.weights(a, O, EXACT).generate(s);
      Prefix<BigFraction> prefix = Cases.prefix(s, m, kind, p, O);
      Mat<BigFraction> content = LoraVsPrefix.repeatedContent(s, O, n, a.dModel());
      Trace<BigFraction> t = Forward.run(m, prefix, Content.vectors(content));
      Mat<BigFraction> out = t.hidden().rows(t.streamPrefix(), t.hidden().rows());
      return new Prefixed(m, prefix, content, out);
    };
  }

  static Hulls.Verdict certify(Model<BigFraction> m, Mat<BigFraction> content, Mat<BigFraction> target) {
    return Hulls.beyondEveryPrefix(m, Forward.run(m, Prefix.none(), Content.vectors(content)), target);
  }

  /** Two heads whose W_O is injective: the certificate works per head. */
  static boolean severalHeadsInScope(Model<BigFraction> m) {
    Mat<BigFraction> wo = m.param(Names.wo(0));
    return m.arch().heads() > 1 && io.prefixproof.algebra.Ranks.rank(wo) == wo.cols();
  }

  /** True when two content queries of the prefix-free run share a query vector (the certificate's domain). */
  static boolean hasGroup(Prefixed c) {
    Mat<BigFraction> q = Forward.run(c.model(), Prefix.none(), Content.vectors(c.content())).head(0, 0).queries();
    HashSet<Mat<BigFraction>> seen = new HashSet<>();
    for (int i = 0; i < q.rows(); i++) {
      if (!seen.add(q.row(i))) {
        return true;
      }
    }
    return false;
  }

  @Test
  @DisplayName("outputs of real prefixes (any length, both semantics) are never certified unreachable")
  void realPrefixesAreNeverCertified() {
    int[] groups = new int[2];
    Result<Prefixed> r = Property.of("hulls-sound", prefixed()).tries(500).seed(11)
        .run(c -> {
          groups[0] += hasGroup(c) ? 1 : 0;
          groups[1] += severalHeadsInScope(c.model()) ? 1 : 0;
          return !certify(c.model(), c.content(), c.outputs()).unreachable();
        });
    System.out.println("real prefixes: " + r.tries() + " cases, " + groups[0] + " with a repeated query vector, "
        + groups[1] + " with two heads and an injective W_O");
    assertFalse(r.failed(), () -> "a real prefix's outputs were certified unreachable:\n" + r.counterexample());
    assertTrue(groups[0] >= r.tries() / 4, "too few cases exercise the group argument: " + groups[0]);
    assertTrue(groups[1] >= r.tries() / 20, "too few cases exercise the per-head argument: " + groups[1]);
  }

  @Test
  @DisplayName("planted defect: a mask hiding the prefix from the first content query is caught")
  void prefixHiddenFromFirstQueryIsCaught() {
    // the defect: query 0 keeps its prefix-free output while the others see the prefix (in one layer, the
    // other rows do not depend on what query 0 saw)
    Gen<Prefixed> broken = s -> {
      Prefixed c = prefixed().generate(s);
      Mat<BigFraction> plain = Forward.run(c.model(), Prefix.none(), Content.vectors(c.content())).hidden();
      Mat<BigFraction> out = plain.rows(0, 1).vstack(c.outputs().rows(1, c.outputs().rows()));
      return new Prefixed(c.model(), c.prefix(), c.content(), out);
    };
    Result<Prefixed> r = Property.of("hulls-planted-mask", broken).tries(1000).seed(11).shrinkBudget(0, 0)
        .run(c -> !certify(c.model(), c.content(), c.outputs()).unreachable());
    System.out.println("prefix hidden from query 0: caught after " + r.tries() + " tries");
    assertTrue(r.failed(), "planted defect not caught");
  }

  @Test
  @DisplayName("perturbed prefix outputs are caught at a measured rate, the same for every perturbation size")
  void perturbedOutputsAreCaught() {
    for (BigFraction eps : List.of(BigFraction.ONE, new BigFraction(1, 10), new BigFraction(1, 1000))) {
      int caught = 0;
      int inGroup = 0;
      int caughtInGroup = 0;
      int multi = 0;
      int caughtMulti = 0;
      int cases = 400;
      SplittableRandom rnd = new SplittableRandom(5);
      for (int k = 0; k < cases; k++) {
        Source s = Source.random(rnd.split(), 100_000);
        Prefixed c = prefixed().generate(s);
        int row = (int) s.choice(c.outputs().rows() - 1);
        int col = (int) s.choice(c.outputs().cols() - 1);
        Mat<BigFraction> moved = c.outputs().with(row, col, c.outputs().get(row, col).add(eps));
        boolean hit = certify(c.model(), c.content(), moved).unreachable();
        boolean group = hasGroup(c);
        caught += hit ? 1 : 0;
        inGroup += group ? 1 : 0;
        caughtInGroup += hit && group ? 1 : 0;
        boolean several = severalHeadsInScope(c.model()) && group;
        multi += several ? 1 : 0;
        caughtMulti += hit && several ? 1 : 0;
      }
      System.out.printf("perturbation %s: caught %d of %d (%.1f %%); with a repeated query %d of %d (%.1f %%);"
          + " of those, two heads with injective W_O %d of %d%n", eps, caught, cases, 100.0 * caught / cases,
          caughtInGroup, inGroup, 100.0 * caughtInGroup / inGroup, caughtMulti, multi);
      assertTrue(caughtInGroup > inGroup / 10, "perturbations of size " + eps + " are rarely caught: " + caughtInGroup);
    }
  }

  /**
   * d = 1, W_Q = W_V = W_O = 1, W_K = 0 (every score 0, κ(0) = 1), causal, content (1, 0, 0). Queries 2 and 3
   * (x = 0) share q = 0. Prefix-free: t = (1, 1/2, 1/3), outputs x + t = (2, 1/2, 1/3). By hand: a prefix
   * with P = Σ_m κ(s_m) and mean value v gives query 2 (P v + 1)/(P + 2) and query 3 (P v + 1)/(P + 3).
   * Outputs (·, 3/2, 1/3): from query 3, P v = P/3; then P/3 + 1 = 3(P + 2)/2 gives P = −12/7 < 0, so r = 1/P =
   * −7/12 and no prefix of any length reaches them. Outputs (·, 3/2, 4/3) come from six prefix rows of value 11/6.
   */
  @Test
  @DisplayName("hand-derived example: the certificate's r matches the hand value, and a real prefix's outputs pass")
  void handDerivedExample() {
    Model<BigFraction> m = LoraVsPrefixTest.model(0);
    Mat<BigFraction> content = Mat.ofInts(1, new int[][] {{1}, {0}, {0}});
    Hulls.Verdict far = certify(m, content, Mat.ofInts(6, new int[][] {{12}, {9}, {2}}));
    assertTrue(far.unreachable(), far.reason());
    assertTrue(far.reason().contains("r = 1/E = -7 / 12"), far.reason());
    Mat<BigFraction> rows = Mat.of(BigFractionField.getInstance(), 6, 1, (i, j) -> new BigFraction(11, 6));
    Trace<BigFraction> t = Forward.run(m, Prefix.residual(List.of(rows)), Content.vectors(content));
    Mat<BigFraction> out = t.hidden().rows(t.streamPrefix(), t.hidden().rows());
    assertEquals(Mat.ofInts(42, new int[][] {{114}, {63}, {56}}), out, "hand values 19/7, 3/2, 4/3");
    assertFalse(certify(m, content, out).unreachable());
  }

  /**
   * The E -> 0 limit belongs to the closure: d = 1, W_Q = W_K = W_V = W_O = 1, content (1, 1, 1); the three
   * queries share q = 1, have Z = 5/2, 5, 15/2 and t = 1. Shifts Δ_i = 2/Z_i = (4/5, 2/5, 4/15) solve no
   * finite-E system (Δ_i + 2r = β − 1 would need equal Δ_i), yet a key/value prefix with key −N and value
   * 2/κ(−N) gives Δ_i = (2 − κ(−N))/(κ(−N) + Z_i), which tends to 2/Z_i: the certificate must not certify them.
   */
  @Test
  @DisplayName("outputs that prefixes only approach (the E -> 0 limit) are not certified, and real prefixes get close")
  void limitIsInTheClosure() {
    Model<BigFraction> m = LoraVsPrefixTest.model(1);
    Mat<BigFraction> content = Mat.ofInts(1, new int[][] {{1}, {1}, {1}});
    // prefix-free outputs x + t = 2 everywhere, shifted by (4/5, 2/5, 4/15)
    Mat<BigFraction> target = Mat.ofInts(15, new int[][] {{42}, {36}, {34}});
    assertFalse(certify(m, content, target).unreachable(), "a limit point of real prefixes was certified");
    BigFraction previous = null;
    for (int big : new int[] {10, 100, 1000}) {
      BigFraction key = new BigFraction(-big);
      BigFraction value = new BigFraction(2).divide(EXACT.kernel(key));
      Prefix<BigFraction> kv = Prefix.keyValue(List.of(List.of(Mat.of(BigFractionField.getInstance(), 1, 1,
          (i, j) -> key))), List.of(List.of(Mat.of(BigFractionField.getInstance(), 1, 1, (i, j) -> value))));
      Trace<BigFraction> t = Forward.run(m, kv, Content.vectors(content));
      BigFraction gap = BigFraction.ZERO;
      for (int i = 0; i < 3; i++) {
        BigFraction e = t.hidden().get(i, 0).subtract(target.get(i, 0)).abs();
        gap = e.compareTo(gap) > 0 ? e : gap;
      }
      assertTrue(previous == null || gap.compareTo(previous) < 0, "gap does not shrink at key -" + big);
      previous = gap;
    }
    assertTrue(previous.compareTo(new BigFraction(1, 100_000)) < 0, "gap at key -1000: " + previous);
  }

  @Test
  @DisplayName("a model outside the certificate's scope is refused with a message naming the field")
  void outOfScopeIsRefused() {
    Architecture a = Architecture.builder(1).dHead(1).dValue(1).layers(2).build();
    Model<BigFraction> m = Cases.weights(a, CaseOptions.exactDefaults(), EXACT).generate(Source.replay(new long[0]));
    Mat<BigFraction> x = Mat.ofInts(1, new int[][] {{1}});
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> certify(m, x, x));
    assertTrue(e.getMessage().contains("layers=2"), e.getMessage());
  }
}
