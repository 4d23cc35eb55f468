package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.model.Architecture.Mask;
import io.prefixproof.model.Architecture.PositionKind;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import io.prefixproof.report.Report;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * For every claim (except FT-2 and CAP-2..5, tested with their own code), a planted defect or a mutated
 * statement makes its check come out other than the catalogue expects: a "holds" check finds a violation, a
 * searched witness is no longer found. LIM-1 and LIM-1c are in {@link PlantedDefectsTest}.
 */
class ClaimMutationsTest {

  /** Budget for the mutated searches; with seed 1 the catalogue finds each witness within 47 cases (CAP-1 slowest). */
  static final int TRIES = 60;

  static Claim.Result run(Claim c) {
    Claim.Result r = c.run(new Claim.Settings(TRIES, 1, null));
    System.out.println("mutated " + Report.line(r));
    return r;
  }

  /** A searched claim whose mutation must leave it without a witness. */
  static void noWitness(Claim mutated) {
    Claim.Result r = run(mutated);
    assertEquals(Claim.Status.FAILED, r.status(), () -> mutated.id() + " still found " + r.witness());
    assertEquals(TRIES, r.tries());
  }

  /** A "holds" claim whose planted defect must be caught (its CI budget and seed; no shrinking). */
  static <T> void caught(Claim broken) {
    @SuppressWarnings("unchecked")
    PropertyClaim<T> c = (PropertyClaim<T>) broken;
    Result<T> r = c.property(new Claim.Settings(c.defaultTries(), 1, null))
        .shrinkBudget(PlantedDefectsTest.NO_SHRINK, 60_000).run(c.check());
    System.out.println(broken.id() + ": planted defect caught after " + r.tries() + " tries");
    assertTrue(r.failed(), () -> broken.id() + " missed the planted defect");
  }

  @Nested
  @DisplayName("searched witnesses disappear when the statement is mutated into a true one")
  class Witnesses {

    @Test
    @DisplayName("CAP-1: soft prompts snapped to the nearest embedding rows reach no more than V^p completions")
    void cap1SnappedSoftPrompts() {
      noWitness(Catalogue.cap1(Witnesses::snapToEmbedding));
    }

    /** Each row of {@code s} replaced by the nearest embedding row (squared distance, lowest token on ties). */
    static Mat<BigFraction> snapToEmbedding(Model<BigFraction> m, Mat<BigFraction> s) {
      Mat<BigFraction> e = m.param(Names.EMBED);
      Mat<BigFraction> out = s;
      for (int i = 0; i < s.rows(); i++) {
        int best = 0;
        BigFraction bestDist = null;
        for (int v = 0; v < e.rows(); v++) {
          Mat<BigFraction> diff = s.row(i).minus(e.row(v));
          BigFraction dist = diff.timesTransposed(diff).get(0, 0);
          if (bestDist == null || dist.compareTo(bestDist) < 0) {
            best = v;
            bestDist = dist;
          }
        }
        for (int j = 0; j < s.cols(); j++) {
          out = out.with(i, j, e.get(best, j));
        }
      }
      return out;
    }

    @Test
    @DisplayName("HIER-3: a prefix whose later rows are the ones its first rows induce is reached by a soft prompt")
    void hier3InducedPrefix() {
      noWitness(Catalogue.hier3(c -> {
        Trace<BigFraction> soft = Forward.run(c.model(), Prefix.stream(c.prefix().layerRows().get(0)),
            c.contentInput());
        return new PrefixCase<>(c.model(), Prefix.residual(Catalogue.induced(soft)), c.content(), c.otherContent());
      }));
    }

    @Test
    @DisplayName("FT-1: fine-tuning W_V instead of W_K never reverses attention")
    void ft1OnValues() {
      noWitness(Catalogue.ft1(Names.wv(0, 0)));
    }

    @Test
    @DisplayName("CONJ-1: compared at layer 1 instead of layer 2, the ratios are those of the plain run (LIM-1)")
    void conj1AtLayerOne() {
      noWitness(Catalogue.conj1(0));
    }

    @Test
    @DisplayName("CONJ-2: without position embeddings the shifted content keeps its ratios")
    void conj2WithoutPositions() {
      noWitness(Catalogue.conj2(PositionKind.NONE));
    }

    @Test
    @DisplayName("CONJ-4: with a fixed score scale LIM-1 holds in Dfp")
    void conj4FixedScale() {
      noWitness(Catalogue.conj4(ScoreScale.fixed(BigFraction.ONE)));
    }

    @Test
    @DisplayName("CONJ-5: without an MLP the shift stays in the LIM-2 plane")
    void conj5WithoutMlp() {
      noWitness(Catalogue.conj5(false));
    }

    @Test
    @DisplayName("CONJ-6: free values moved into range(W_V) + b_V leave no layer-output certificate")
    void conj6ValuesInRange() {
      noWitness(Catalogue.conj6(c -> {
        Model<BigFraction> m = c.model();
        Mat<BigFraction> wv = m.param(Names.wv(0, 0));
        Mat<BigFraction> v = c.prefix().values().get(0).get(0);
        Mat<BigFraction> inRange = wv.times(wv.transpose()).times(v.transpose()).transpose();
        Mat<BigFraction> moved = m.arch().attnBiases() ? inRange.plus(m.param(Names.bv(0, 0))) : inRange;
        return new PrefixCase<>(m, Prefix.keyValue(c.prefix().keys(), List.of(List.of(moved))), c.content(),
            c.otherContent());
      }));
    }

    @Test
    @DisplayName("CONJ-7: under a causal mask the induced prefixes do not depend on the user input (HIER-2)")
    void conj7Causal() {
      noWitness(Catalogue.conj7(Mask.CAUSAL));
    }
  }

  @Nested
  @DisplayName("holds-claims catch a planted defect")
  class Holds {

    @Test
    @DisplayName("HIER-1: a soft prompt of the next token's embedding rows is not the hard prompt")
    void hier1OffByOneToken() {
      caught(Catalogue.hier1(t -> t + 1));
    }

    @Test
    @DisplayName("HIER-2: per-layer prefixes read one layer late (from the layer outputs) are caught")
    void hier2OneLayerLate() {
      caught(Catalogue.hier2(t -> t.layers().stream().map(l -> l.output().rows(0, t.streamPrefix())).toList()));
    }

    @Test
    @DisplayName("CONJ-3: a score term in the square of the absolute key position (RoPE leaking position) is caught")
    void conj3AbsolutePositionLeak() {
      assertTrue(absolutePositionLeakCaught(PositionKind.ROPE));
    }

    @Test
    @DisplayName("CONJ-8: the same absolute-position leak under ALiBi is caught")
    void conj8AbsolutePositionLeak() {
      assertTrue(absolutePositionLeakCaught(PositionKind.ALIBI));
    }

    /**
     * Runs CONJ-3/8's check on traces whose layer-1 head-0 scores gain pos_j^2 / 4 for every key position j
     * (an engine defect applied to both runs): the content keys shift by p, so their score differences change.
     */
    boolean absolutePositionLeakCaught(PositionKind scheme) {
      UnaryOperator<Trace<BigFraction>> leak = t -> {
        Trace.Head<BigFraction> h = t.head(0, 0);
        // key column j sits at absolute position j for every prefix kind (prefix keys first)
        Mat<BigFraction> s = Mat.of(h.scores().field(), h.scores().rows(), h.scores().cols(),
            (i, j) -> h.scores().get(i, j).add(new BigFraction(j * j, 4)));
        return PlantedDefectsTest.withWeights(t, Forward.softmaxRows(Catalogue.EXACT, s, h.allowed()));
      };
      Result<PrefixCase<BigFraction>> r = Property.of("planted-position-leak",
          Catalogue.cases(Catalogue.shiftOptions(scheme))).tries(200).seed(7)
          .shrinkBudget(PlantedDefectsTest.NO_SHRINK, 60_000).run(c -> {
            Model<BigFraction> m = c.model();
            return Catalogue.rescaleAgainstPlain(m, leak.apply(Forward.run(m, c.prefix(), c.contentInput())),
                leak.apply(Forward.run(m, Prefix.none(), c.contentInput())), 0);
          });
      System.out.println(scheme + " position leak caught after " + r.tries() + " tries");
      return r.failed();
    }

    @Test
    @DisplayName("LIM-2: prefix values doubled on the way to the head output are caught")
    void lim2DoubledPrefixValue() {
      assertTrue(PlantedDefectsTest.runWith("planted-value", ClaimMutationsTest::doublePrefixValues,
          EnumSet.of(Limitations.Check.OUTPUT), small().withLengths(new int[] {1, 4}, new int[] {1, 1})).failed());
    }

    @Test
    @DisplayName("LIM-3: the same defect with 2-6 prefix positions is caught")
    void lim3DoubledPrefixValues() {
      assertTrue(PlantedDefectsTest.runWith("planted-values", ClaimMutationsTest::doublePrefixValues,
          EnumSet.of(Limitations.Check.OUTPUT), small().withLengths(new int[] {1, 4}, new int[] {2, 3})).failed());
    }

    @Test
    @DisplayName("LIM-4: a stray offset added after W_O is caught")
    void lim4OffsetAfterWo() {
      assertTrue(PlantedDefectsTest.runWith("planted-wo", t -> {
        Trace.Layer<BigFraction> l0 = t.layers().get(0);
        Mat<BigFraction> o = l0.attention().out();
        Mat<BigFraction> shifted = o.with(o.rows() - 1, 0, o.get(o.rows() - 1, 0).add(BigFraction.ONE));
        return PlantedDefectsTest.withLayer(t, 0, new Trace.Layer<>(l0.input(), l0.normed(),
            new Trace.Attention<>(l0.attention().heads(), shifted), l0.afterAttention(), l0.mlpOut(), l0.output()));
      }, EnumSet.of(Limitations.Check.MULTI_HEAD, Limitations.Check.OUTPUT),
          small().withHeads(2, 3)).failed());
    }

    @Test
    @DisplayName("LIM-6: content scores doubled at layer 2 only are caught by the every-layer check")
    void lim6SecondLayerRescale() {
      CaseOptions o = CaseOptions.exactDefaults().withLayers(2, 2).withLengths(new int[] {2, 3}, new int[] {1, 2});
      Result<PrefixCase<BigFraction>> r = Property.of("planted-layer-2", Cases.exact(o, Catalogue.EXACT, false))
          .tries(200).seed(7).shrinkBudget(PlantedDefectsTest.NO_SHRINK, 60_000).run(c -> {
            Model<BigFraction> m = c.model();
            Trace<BigFraction> broken = PlantedDefectsTest.doubleContentScores(
                Forward.run(m, c.prefix(), c.contentInput()), 1);
            return Limitations.check(m, new Limitations.Pair<>(broken, Limitations.reference(m, broken)), 0, 2,
                EnumSet.allOf(Limitations.Check.class));
          });
      assertTrue(r.failed(), "planted defect not caught");
    }
  }

  /**
   * One-layer cases at the default small ranges: the planted defects are in the checked identities, not in
   * the ranges, and small cases shrink quickly.
   */
  static CaseOptions small() {
    return CaseOptions.exactDefaults().withLayers(1, 1);
  }

  /** The trace with head (0, 0)'s output recomputed from prefix values doubled. */
  static Trace<BigFraction> doublePrefixValues(Trace<BigFraction> t) {
    Trace.Head<BigFraction> h = t.head(0, 0);
    Mat<BigFraction> v = h.values();
    Mat<BigFraction> doubled = Mat.of(v.field(), v.rows(), v.cols(),
        (i, j) -> i < t.keyPrefix() ? v.get(i, j).multiply(2) : v.get(i, j));
    Trace.Head<BigFraction> nh = new Trace.Head<>(h.queries(), h.keys(), v, h.scores(), h.allowed(), h.weights(),
        h.weights().times(doubled));
    return PlantedDefectsTest.withHead(t, 0, nh);
  }
}
