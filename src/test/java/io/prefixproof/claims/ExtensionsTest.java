package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Architecture.NormKind;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.RopeScaling;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** LIM-7, CONJ-9 and CONJ-10: the statements each check would reject, and the Dfp threshold from both sides. */
class ExtensionsTest {

  static final Arith<BigFraction> EXACT = Arith.exact();

  static Mat<BigFraction> m(BigFraction... row) {
    return Mat.of(BigFractionField.getInstance(), 1, row.length, (i, j) -> row[j]);
  }

  static Mat<BigFraction> column(int... v) {
    return Mat.of(BigFractionField.getInstance(), v.length, 1, (i, j) -> new BigFraction(v[i]));
  }

  /**
   * The witness shape of {@link #witnessShape} for ε = 10^-j: the scores are ε times those at ε = 1, so the
   * deviation shrinks with ε. Returns the smallest deviation above the threshold and asserts it is within a
   * factor 100 of it.
   */
  static double smallestCaughtViolation(Function<BigFraction, PrefixCase<BigFraction>> family, ScoreScale scale) {
    double smallest = Double.POSITIVE_INFINITY;
    for (int j = 0; j <= 40; j++) {
      PrefixCase<BigFraction> c = family.apply(new BigFraction(java.math.BigInteger.ONE,
          java.math.BigInteger.TEN.pow(j)));
      double dev = Catalogue.lim1DeviationDfp(c, scale);
      if (dev > Catalogue.DFP_VIOLATION) {
        smallest = Math.min(smallest, dev);
      }
    }
    System.out.printf("smallest planted deviation above %.0g: %.3g%n", Catalogue.DFP_VIOLATION, smallest);
    assertTrue(smallest < 100 * Catalogue.DFP_VIOLATION, "no planted violation within 100x the threshold");
    return smallest;
  }

  /**
   * One layer, one head, d = 1, W_V = W_O = 0, one zero prefix row, W_Q = ε e_last and W_K = 1 on the last
   * rotation pair (or the one coordinate); content [0; 1], or [1; 1] for dynamic NTK, which changes only
   * rotations and so needs a non-zero score at a non-zero offset.
   */
  static PrefixCase<BigFraction> witnessShape(Architecture a, BigFraction eps) {
    Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
    int k = a.dHead();
    BigFraction[] q = new BigFraction[k];
    BigFraction[] key = new BigFraction[k];
    int last = Math.max(0, k - 2);
    for (int c = 0; c < k; c++) {
      // only the last rotation pair (or the one coordinate) carries the score
      q[c] = c == last ? eps : BigFraction.ZERO;
      key[c] = c >= last ? BigFraction.ONE : BigFraction.ZERO;
    }
    p.put(Names.wq(0, 0), m(q).transpose());
    p.put(Names.wk(0, 0), m(key).transpose());
    p.put(Names.wv(0, 0), m(BigFraction.ZERO));
    p.put(Names.wo(0), m(BigFraction.ZERO));
    Model<BigFraction> model = new Model<>(a, EXACT, p);
    boolean ntk = a.ropeScaling().kind() == RopeScaling.Kind.DYNAMIC_NTK;
    return new PrefixCase<>(model, Prefix.residual(List.of(m(BigFraction.ZERO))), column(ntk ? 1 : 0, 1), null);
  }

  /** The saved witness of {@code id}, replayed through {@code gen}; prints and returns its Dfp deviation. */
  static double savedWitnessDeviation(String id, io.prefixproof.property.Gen<PrefixCase<BigFraction>> gen,
      ScoreScale scale) {
    long[] choices = SavedCounterexamplesTest.STORE.load(id).orElseThrow();
    PrefixCase<BigFraction> c = gen.generate(io.prefixproof.property.Source.replay(choices));
    double dev = Catalogue.lim1DeviationDfp(c, scale == null ? c.model().arch().scale() : scale);
    System.out.printf("%s saved witness: Dfp deviation %.4g%n", id, dev);
    assertTrue(dev > 1e6 * Catalogue.DFP_VIOLATION, id + " deviation " + dev);
    return dev;
  }

  @Nested
  @DisplayName("CONJ-10 (per-sequence scale)")
  class Conj10 {
    @Test
    @DisplayName("the saved witness deviates by many orders of magnitude more than the threshold")
    void witnessIsFarAbove() {
      savedWitnessDeviation("CONJ-10", Extensions.scaleCases(), new ScoreScale.PerSequence(BigFraction.ONE));
    }

    @Test
    @DisplayName("the same search with a fixed scale finds no counterexample (the check can come out either way)")
    void fixedScaleHasNone() {
      Claim.Result r = Extensions.scaled("CONJ-10-fixed", ScoreScale.fixed(BigFraction.ONE))
          .run(new Claim.Settings(200, 1, null));
      System.out.println("fixed scale: " + r.detail());
      assertEquals(Claim.Status.FAILED, r.status(), "a counterexample to LIM-1 with a fixed scale: " + r.witness());
    }

    @Test
    @DisplayName("a violation a little above the Dfp threshold is still declared a counterexample")
    void smallViolationCaught() {
      Architecture a = Architecture.builder(1).build();
      smallestCaughtViolation(eps -> witnessShape(a, eps), new ScoreScale.PerSequence(BigFraction.ONE));
    }
  }

  /** d = 1, one head, causal, RoPE of width k with {@code kind} at L_train = 2 (the witnesses' setting). */
  static Architecture witnessArchitecture(RopeScaling.Kind kind, int k) {
    return Architecture.builder(1).dHead(k).positions(Architecture.PositionKind.ROPE)
        .ropeScaling(RopeScaling.of(kind, 2, Extensions.NTK_FACTOR)).build();
  }

  @Nested
  @DisplayName("CONJ-9 (length-dependent RoPE)")
  class Conj9 {
    /** Largest Dfp deviation over 60 cases of the generator; asserts none crosses the threshold. */
    double worstDeviation(RopeScaling.Kind kind, boolean pastContext) {
      double[] worst = {0};
      Property.of("CONJ-9 control " + kind, Extensions.scaledRopeCases(kind, pastContext)).seed(5).tries(60)
          .check(c -> {
            double dev = Catalogue.lim1DeviationDfp(c, c.model().arch().scale());
            worst[0] = Math.max(worst[0], dev);
            return dev <= Catalogue.DFP_VIOLATION;
          });
      System.out.printf("%s, past context %s: largest Dfp deviation %.3g%n", kind, pastContext, worst[0]);
      return worst[0];
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = RopeScaling.Kind.class, names = {"DYNAMIC_NTK", "DYNAMIC_YARN", "LOGN"})
    @DisplayName("within the trained context (L_train = n + p) no counterexample exists: the check is not vacuous")
    void withinContextHolds(RopeScaling.Kind kind) {
      assertTrue(worstDeviation(kind, false) <= Catalogue.DFP_VIOLATION);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = RopeScaling.Kind.class, names = {"DYNAMIC_NTK", "DYNAMIC_YARN", "LOGN"})
    @DisplayName("the saved witnesses deviate by many orders of magnitude more than the threshold")
    void witnessesAreFarAbove(RopeScaling.Kind kind) {
      String id = switch (kind) {
        case DYNAMIC_NTK -> "CONJ-9-ntk";
        case DYNAMIC_YARN -> "CONJ-9-yarn";
        default -> "CONJ-9-logn";
      };
      savedWitnessDeviation(id, Extensions.scaledRopeCases(kind, true), null);
    }

    @Test
    @DisplayName("static YaRN (factor fixed by the config, as HF applies it) keeps LIM-1 past the context")
    void staticYarnHolds() {
      assertTrue(worstDeviation(RopeScaling.Kind.YARN, true) <= Catalogue.DFP_VIOLATION);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = RopeScaling.Kind.class, names = {"DYNAMIC_NTK", "DYNAMIC_YARN", "LOGN"})
    @DisplayName("a violation a little above the Dfp threshold is still declared a counterexample")
    void smallViolationCaught(RopeScaling.Kind kind) {
      Architecture a = witnessArchitecture(kind, kind == RopeScaling.Kind.DYNAMIC_NTK ? 4 : 2);
      smallestCaughtViolation(eps -> witnessShape(a, eps), a.scale());
    }

    @Test
    @DisplayName("dynamic NTK with k = 2 (its exponent k/(k-2) is undefined) is refused, not run as plain RoPE")
    void ntkNeedsFourDims() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> witnessArchitecture(RopeScaling.Kind.DYNAMIC_NTK, 2));
      assertTrue(e.getMessage().contains("dHead > 2"), e.getMessage());
    }

    @Test
    @DisplayName("exact mode refuses length-dependent RoPE with a message naming the kind")
    void exactRefuses() {
      Architecture a = witnessArchitecture(RopeScaling.Kind.LOGN, 2);
      PrefixCase<BigFraction> c = witnessShape(a, BigFraction.ONE);
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> Forward.run(c.model(), c.prefix(), c.contentInput()));
      assertTrue(e.getMessage().contains("LOGN"), e.getMessage());
    }
  }

  @Nested
  @DisplayName("LIM-7 (layer 2 under a layer-1 prefix)")
  class Lim7 {
    Result<PrefixCase<BigFraction>> search(String name, io.prefixproof.cases.CaseOptions o,
        Property.Check<PrefixCase<BigFraction>> check) {
      // only whether a failure exists matters here, so no time is spent shrinking it
      Result<PrefixCase<BigFraction>> r = Property.of(name, Extensions.lim7Cases(o)).seed(9).tries(200)
          .shrinkBudget(1, 1).run(check);
      System.out.println(name + ": " + (r.failed() ? "caught after " + r.tries() + " tries" : "not caught"));
      return r;
    }

    @ParameterizedTest(name = "without {0}")
    @EnumSource(LayerTwo.Term.class)
    @DisplayName("the expansion with one term left out is refuted")
    void everyTermIsNeeded(LayerTwo.Term dropped) {
      EnumSet<LayerTwo.Term> terms = EnumSet.allOf(LayerTwo.Term.class);
      terms.remove(dropped);
      assertTrue(search("LIM-7 without " + dropped, Extensions.lim7Options(),
          c -> Extensions.lim7Identity(c, terms)).failed());
    }

    @Test
    @DisplayName("stops holding with a norm before layer 2's attention")
    void normBreaksIt() {
      assertTrue(search("LIM-7 with a rational LayerNorm", Extensions.lim7Options()
          .withNorms(List.of(NormKind.RATIONAL_LAYER), 1), c -> Extensions.lim7Identity(c,
              EnumSet.allOf(LayerTwo.Term.class))).failed());
    }

    @Test
    @DisplayName("stops holding with an MLP between the two attention layers")
    void mlpBreaksIt() {
      assertTrue(search("LIM-7 with an MLP", Extensions.lim7Options().withMlp(1, 2),
          c -> Extensions.lim7Identity(c, EnumSet.allOf(LayerTwo.Term.class))).failed());
    }

    @Test
    @DisplayName("stops holding with two layer-1 heads (each has its own a_i)")
    void twoHeadsBreakIt() {
      assertTrue(search("LIM-7 with two heads", Extensions.lim7Options().withHeads(2, 2),
          c -> Extensions.lim7Identity(c, EnumSet.allOf(LayerTwo.Term.class))).failed());
    }

    @Test
    @DisplayName("half the bound is exceeded: the bound is not loose by a factor 2 everywhere")
    void halfTheBoundIsExceeded() {
      assertTrue(search("LIM-7 half bound", Extensions.lim7Options().withLengths(new int[] {2, 3},
          new int[] {1, 2}), c -> Extensions.lim7WithinBound(c, new BigFraction(1, 2))).failed());
    }

    @Test
    @DisplayName("a prefixed run whose layer-2 query weights are also changed exceeds the bound")
    void plantedQueryChangeIsCaught() {
      Arith<Dfp> dfp = Catalogue.DFP40;
      assertTrue(search("LIM-7 planted W_Q change", Extensions.lim7Options().withLengths(new int[] {2, 3},
          new int[] {1, 2}), c -> {
            Model<Dfp> m = c.model().convert(dfp, dfp::of);
            Model<Dfp> broken = m.with(Names.wq(1, 0), m.param(Names.wq(1, 0)).scale(dfp.of(2)));
            Prefix<Dfp> prefix = Catalogue.convertPrefix(c.prefix(), dfp);
            var content = io.prefixproof.model.Content.vectors(c.content().convert(dfp.field(), dfp::of));
            Trace<Dfp> t = Forward.run(broken, prefix, content);
            Trace<Dfp> plain = Forward.run(m, Prefix.none(), content);
            for (LayerTwo.Movement<Dfp> mv : LayerTwo.movements(m, t, plain)) {
              if (dfp.compare(mv.measured(), mv.bound().multiply(dfp.ofDouble(1 + 1e-20))) > 0) {
                return false;
              }
            }
            return true;
          }).failed());
    }

    @Test
    @DisplayName("how tight the bound is: largest measured/bound over 200 cases (printed)")
    void tightness() {
      double[] worst = {0};
      int[] pairs = {0};
      Property.of("LIM-7 tightness", Extensions.lim7Cases(Extensions.lim7Options().withLengths(new int[] {2, 3},
          new int[] {1, 2}))).seed(1).tries(200).check(c -> {
            // the claim's own check; the ratio is reported where the bound is above Dfp(40) rounding
            Extensions.lim7WithinBound(c, BigFraction.ONE);
            for (LayerTwo.Movement<Dfp> mv : Extensions.lim7Movements(c)) {
              double b = mv.bound().toDouble();
              pairs[0]++;
              if (b > 1e-20) {
                worst[0] = Math.max(worst[0], mv.measured().toDouble() / b);
              }
            }
            return true;
          });
      System.out.printf("LIM-7 bound: %d (query, key, key) triples, largest measured/bound %.4f%n", pairs[0],
          worst[0]);
      assertTrue(worst[0] <= 1 + 1e-20, "measured above the bound");
      assertTrue(worst[0] > 0.5, "the bound is loose by more than a factor 2 on every case");
      assertFalse(pairs[0] == 0, "no triples measured");
    }
  }
}
