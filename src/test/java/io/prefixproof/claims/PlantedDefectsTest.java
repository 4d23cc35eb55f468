package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.model.Architecture.NormKind;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each limitation checker must reject a deliberately broken implementation; prints how many tries it took. */
class PlantedDefectsTest {

  static final Arith<BigFraction> EXACT = Arith.exact();

  /** Shrink calls allowed after a planted defect is caught: one, since only the catching matters here. */
  static final int NO_SHRINK = 1;

  /** Runs the LIM-1/1c checks on traces corrupted by {@code defect}; the property must be falsified. */
  static Result<PrefixCase<BigFraction>> runWith(String name, UnaryOperator<Trace<BigFraction>> defect,
      EnumSet<Limitations.Check> checks, CaseOptions o) {
    return Property.of(name, Cases.exact(o, EXACT, false)).tries(200).seed(7).shrinkBudget(NO_SHRINK, 60_000)
        .run(c -> {
          Model<BigFraction> m = c.model();
          Trace<BigFraction> broken = defect.apply(Forward.run(m, c.prefix(), c.contentInput()));
          return Limitations.check(m, new Limitations.Pair<>(broken, Limitations.reference(m, broken)), 0, 1,
              checks);
        });
  }

  /** The trace with head (0, 0)'s weights replaced (and its output recomputed from them). */
  static Trace<BigFraction> withWeights(Trace<BigFraction> t, Mat<BigFraction> w) {
    return withWeights(t, 0, w);
  }

  /** The trace with head ({@code layer}, 0)'s weights replaced (and its output recomputed from them). */
  static Trace<BigFraction> withWeights(Trace<BigFraction> t, int layer, Mat<BigFraction> w) {
    Trace.Head<BigFraction> h = t.head(layer, 0);
    return withHead(t, layer, new Trace.Head<>(h.queries(), h.keys(), h.values(), h.scores(), h.allowed(), w,
        w.times(h.values())));
  }

  /** The trace with head ({@code layer}, 0) replaced. */
  static Trace<BigFraction> withHead(Trace<BigFraction> t, int layer, Trace.Head<BigFraction> nh) {
    List<Trace.Head<BigFraction>> heads = new ArrayList<>(t.layers().get(layer).attention().heads());
    heads.set(0, nh);
    Trace.Layer<BigFraction> l = t.layers().get(layer);
    return withLayer(t, layer, new Trace.Layer<>(l.input(), l.normed(), new Trace.Attention<>(heads,
        l.attention().out()), l.afterAttention(), l.mlpOut(), l.output()));
  }

  /** The trace with one layer replaced. */
  static Trace<BigFraction> withLayer(Trace<BigFraction> t, int layer, Trace.Layer<BigFraction> nl) {
    List<Trace.Layer<BigFraction>> layers = new ArrayList<>(t.layers());
    layers.set(layer, nl);
    return new Trace<>(t.streamPrefix(), t.keyPrefix(), t.positions(), t.embeddings(), layers, t.hidden(), t.logits());
  }

  /** The bug: head ({@code layer}, 0)'s content scores doubled whenever a prefix is present. */
  static Trace<BigFraction> doubleContentScores(Trace<BigFraction> t, int layer) {
    Trace.Head<BigFraction> h = t.head(layer, 0);
    Mat<BigFraction> s = Mat.of(h.scores().field(), h.scores().rows(), h.scores().cols(),
        (i, j) -> j >= t.keyPrefix() ? h.scores().get(i, j).multiply(2) : h.scores().get(i, j));
    return withWeights(t, layer, Forward.softmaxRows(EXACT, s, h.allowed()));
  }

  @Test
  @DisplayName("a prefix that also rescales content scores is caught by LIM-1")
  void prefixRescalingContentScores() {
    Result<PrefixCase<BigFraction>> r = runWith("planted-rescale", t -> doubleContentScores(t, 0),
        EnumSet.of(Limitations.Check.RESCALE), CaseOptions.exactDefaults());
    System.out.println("rescaled content scores caught after " + r.tries() + " tries");
    assertTrue(r.failed(), "planted defect not caught");
  }

  @Test
  @DisplayName("a mask that hides the prefix from one query is caught by LIM-1c")
  void maskHidingPrefix() {
    Result<PrefixCase<BigFraction>> r = runWith("planted-mask", t -> {
      Trace.Head<BigFraction> h = t.head(0, 0);
      int q = t.streamPrefix();
      boolean[][] allowed = new boolean[h.allowed().length][];
      for (int i = 0; i < allowed.length; i++) {
        allowed[i] = h.allowed()[i].clone();
      }
      for (int m = 0; m < t.keyPrefix(); m++) {
        allowed[q][m] = false;
      }
      return withWeights(t, Forward.softmaxRows(EXACT, h.scores(), allowed));
    }, EnumSet.of(Limitations.Check.COROLLARIES), CaseOptions.exactDefaults());
    System.out.println("hidden prefix caught after " + r.tries() + " tries");
    assertTrue(r.failed(), "planted defect not caught");
  }

  @Test
  @DisplayName("LIM-5: a norm across positions (mixing prefix rows into content) is caught by LIM-1")
  void normAcrossPositions() {
    // LIM-5's models (biases, per-position norms before or after the block, MLPs) at the small default ranges
    CaseOptions o = CaseOptions.exactDefaults().withLayers(1, 1).withNorms(List.of(NormKind.RATIONAL_LAYER,
        NormKind.RATIONAL_RMS), 2).withMlp(0, 2).withPostNorm().withKinds(List.of(Prefix.Kind.RESIDUAL));
    Result<PrefixCase<BigFraction>> r = Property.of("planted-norm", Cases.exact(o, EXACT, false)).tries(200).seed(7)
        .shrinkBudget(NO_SHRINK, 60_000).run(c -> {
          Model<BigFraction> m = c.model();
          Mat<BigFraction> prefixRows = c.prefix().layerRows().get(0);
          Mat<BigFraction> all = prefixRows.vstack(c.content());
          // the bug: the layer input is centred by the mean over all positions, prefix included
          Mat<BigFraction> centred = Mat.of(all.field(), c.content().rows(), c.content().cols(), (i, j) -> {
            BigFraction mean = BigFraction.ZERO;
            for (int r2 = 0; r2 < all.rows(); r2++) {
              mean = mean.add(all.get(r2, j));
            }
            return c.content().get(i, j).subtract(mean.divide(all.rows()));
          });
          Trace<BigFraction> broken = Forward.run(m, c.prefix(), Content.vectors(centred));
          Trace<BigFraction> plain = Forward.run(m, Prefix.none(), c.contentInput());
          List<Trace.Attention<BigFraction>> ref = plain.layers().stream().map(Trace.Layer::attention).toList();
          return Limitations.check(m, new Limitations.Pair<>(broken, ref), 0, 1,
              EnumSet.of(Limitations.Check.RESCALE));
        });
    System.out.println("norm across positions caught after " + r.tries() + " tries");
    assertTrue(r.failed(), "planted defect not caught");
  }
}
