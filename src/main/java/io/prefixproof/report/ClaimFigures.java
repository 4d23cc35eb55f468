package io.prefixproof.report;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.claims.Claim;
import io.prefixproof.claims.PropertyClaim;
import io.prefixproof.constructions.Certifier;
import io.prefixproof.constructions.Settings;
import io.prefixproof.model.Architecture.Mask;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Source;
import io.prefixproof.report.Charts.Figure;
import io.prefixproof.report.Charts.Series;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * The figures of a claim's page. LIM-1: attention of one head with and without a prefix, and the prefixed
 * map with the prefix columns removed and rows renormalised. LIM-2 and LIM-3: head outputs of many inputs
 * with and without several prefixes. Any conjecture checked by the property engine whose witness is a prefixed model: the LIM-1 maps of the
 * shrunk witness at every layer (CONJ-1: layer 2 is where it breaks).
 */
public final class ClaimFigures {
  private ClaimFigures() {}

  static final Arith<BigFraction> EXACT = Arith.exact();

  /** The published CAP-2 setting (PAPER.md §5): V = 94, N = 20, T = 50, σ = T/√n. */
  static final int CAP2_VOCAB = 94;
  static final int CAP2_LENGTH = 20;
  static final int CAP2_TEMPERATURE = 50;

  /** Figures for {@code claim}; {@code settings} is the run's (the witness search reruns with it). */
  public static List<Figure> of(Claim claim, Claim.Settings settings) {
    List<Figure> out = new ArrayList<>();
    String id = claim.id();
    switch (id) {
      case "LIM-1" -> out.addAll(attentionMaps(id, sampleCase(settings.seed()), "random 1-layer model"));
      case "LIM-2" -> out.add(pull(id, settings.seed(), 1));
      case "LIM-3" -> out.add(pull(id, settings.seed(), 3));
      default -> { }
    }
    if (claim instanceof PropertyClaim<?> p && p.expected() == Claim.Expected.COUNTEREXAMPLE) {
      Object w = witness(p, settings);
      if (w instanceof PrefixCase<?> c && c.model().arch().layers() > 0
          && c.content().get(0, 0) instanceof BigFraction) {
        @SuppressWarnings("unchecked")
        PrefixCase<BigFraction> exact = (PrefixCase<BigFraction>) c;
        out.addAll(attentionMaps(id, exact, "shrunk witness"));
      }
    }
    return out;
  }

  /** The pages of the Section 3 constructions, which {@code certify} decides rather than the catalogue. */
  public static List<Site.Page> constructions() {
    return List.of(new Site.Page("CAP-2", "one virtual token makes the construction generate any target of length N"
        + " (certified for all V^N targets by certify cap2)", cap2()));
  }

  /**
   * The shrunk counterexample of a conjecture: replayed from the run's store when the run saved it there,
   * otherwise found again by the same search (same seed and tries).
   */
  static <T> T witness(PropertyClaim<T> p, Claim.Settings settings) {
    if (settings.store() != null) {
      java.util.Optional<long[]> saved = settings.store().load(p.id());
      if (saved.isPresent()) {
        return p.gen().generate(Source.replay(saved.get()));
      }
    }
    io.prefixproof.property.Result<T> r = p.property(new Claim.Settings(settings.tries(), settings.seed(), null))
        .run(p.check());
    return r.failed() ? r.counterexample().value() : null;
  }

  /** A one-layer, one-head case with 8 content positions and a 3-vector key/value prefix. */
  static PrefixCase<BigFraction> sampleCase(long seed) {
    CaseOptions o = CaseOptions.exactWide().withHeads(1, 1).withLengths(new int[] {8, 8}, new int[] {3, 3})
        .withDims(new int[] {4, 4}, new int[] {3, 3}, new int[] {2, 2}).withMasks(List.of(Mask.BIDIRECTIONAL))
        .withKinds(List.of(Prefix.Kind.KEY_VALUE));
    return Cases.exact(o, EXACT, false).generate(Source.random(new SplittableRandom(seed), 1 << 20));
  }

  /**
   * Per layer, head 0: the prefix-free map, the prefixed map (content queries, prefix keys first) and the
   * prefixed content block with each row divided by its sum; the caption gives the largest difference
   * between the last and the first, computed exactly (LIM-1 says 0 at layer 1).
   */
  static List<Figure> attentionMaps(String id, PrefixCase<BigFraction> c, String what) {
    Model<BigFraction> m = c.model();
    Trace<BigFraction> plain = Forward.run(m, Prefix.none(), c.contentInput());
    Trace<BigFraction> pre = Forward.run(m, c.prefix(), c.contentInput());
    List<Figure> out = new ArrayList<>();
    String base = id.toLowerCase();
    for (int l = 0; l < m.arch().layers(); l++) {
      Mat<BigFraction> renorm = renormalised(pre.contentWeights(l, 0));
      Mat<BigFraction> without = plain.contentWeights(l, 0);
      BigFraction diff = BigFraction.ZERO;
      for (int i = 0; i < renorm.rows(); i++) {
        for (int j = 0; j < renorm.cols(); j++) {
          BigFraction d = renorm.get(i, j).subtract(without.get(i, j)).abs();
          diff = d.compareTo(diff) > 0 ? d : diff;
        }
      }
      Mat<BigFraction> prefixed = pre.prefixWeights(l, 0).hstack(pre.contentWeights(l, 0));
      String layer = "layer " + (l + 1);
      String where = what + ", " + layer + ", head 1";
      String tail = " (" + where + "; exact: largest |renormalised − without prefix| = " + diff
          + (diff.equals(BigFraction.ZERO) ? ", the maps are equal)" : ", the maps differ)");
      out.add(new Figure(base + "-l" + (l + 1) + "-without.svg", "Attention without prefix" + tail,
          Charts.heatmap("without prefix, " + layer, without.toDoubles(EXACT), 0)));
      out.add(new Figure(base + "-l" + (l + 1) + "-with.svg", "Attention with a " + c.prefix().length()
          + "-position prefix" + tail, Charts.heatmap("with prefix, " + layer, prefixed.toDoubles(EXACT),
              pre.keyPrefix())));
      out.add(new Figure(base + "-l" + (l + 1) + "-renormalised.svg", "Prefixed map, prefix columns removed,"
          + " rows renormalised" + tail, Charts.heatmap("renormalised, " + layer, renorm.toDoubles(EXACT), 0)));
    }
    return out;
  }

  /** Each row divided by its sum (exact for BigFraction; one rounding per operation for Decimal64). */
  static <T extends FieldElement<T>> Mat<T> renormalised(Mat<T> w) {
    return Mat.of(w.field(), w.rows(), w.cols(), (i, j) -> {
      T sum = w.field().getZero();
      for (int k = 0; k < w.cols(); k++) {
        sum = sum.add(w.get(i, k));
      }
      return w.get(i, j).divide(sum);
    });
  }

  /** Colours of the prefix-free outputs and of the three prefixes' outputs and values. */
  static final Color[] COLORS = {Color.GRAY, new Color(0xd62728), new Color(0x2ca02c), new Color(0x1f77b4)};

  /**
   * Head outputs (value dimension 2, so the two directions are the value coordinates) of 30 random
   * 3-position inputs to one model, without a prefix and with each of three key/value prefixes of
   * {@code p} vectors whose values are drawn and then tripled (so that they lie outside the prefix-free
   * cloud and the pull is visible): every output moves on the segment from its prefix-free position towards
   * the prefix's value (LIM-2), for p > 1 towards a point of the prefix values' hull (LIM-3).
   */
  static Figure pull(String id, long seed, int p) {
    CaseOptions o = CaseOptions.exactWide().withHeads(1, 1).withLengths(new int[] {3, 3}, new int[] {p, p})
        .withDims(new int[] {3, 3}, new int[] {2, 2}, new int[] {2, 2}).withMasks(List.of(Mask.BIDIRECTIONAL))
        .withKinds(List.of(Prefix.Kind.KEY_VALUE));
    Source s = Source.random(new SplittableRandom(seed), 1 << 22);
    Model<BigFraction> m = Cases.exact(o, EXACT, false).generate(s).model();
    List<Mat<BigFraction>> inputs = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      inputs.add(Cases.matrix(s, Cases.entries(o), 3, 3));
    }
    List<Series> series = new ArrayList<>();
    List<String> marked = new ArrayList<>();
    series.add(outputs("no prefix", m, Prefix.none(), inputs, COLORS[0]));
    for (int k = 1; k <= 3; k++) {
      Prefix<BigFraction> drawn = Cases.prefix(s, m, Prefix.Kind.KEY_VALUE, p, o);
      Mat<BigFraction> values = drawn.values().get(0).get(0).scale(new BigFraction(3));
      Prefix<BigFraction> pf = Prefix.keyValue(drawn.keys(), List.of(List.of(values)));
      series.add(outputs("prefix " + k, m, pf, inputs, COLORS[k]));
      double[][] v = values.toDoubles(EXACT);
      String name = "prefix " + k + " value" + (p > 1 ? "s" : "");
      marked.add(name);
      series.add(new Series(name, column(v, 0), column(v, 1), false, COLORS[k].darker()));
    }
    return new Figure(id.toLowerCase() + "-pull.svg", "Head outputs of 30 random 3-position inputs (90 points)"
        + " without a prefix (grey) and with each of three " + p + "-vector key/value prefixes (one colour each), in"
        + " the head's 2-dimensional value space; squares: each prefix's value vectors, towards which its outputs"
        + " are pulled", Charts.xy("outputs pulled towards each prefix (p = " + p + ")", "value coordinate 1",
            "value coordinate 2", series, marked));
  }

  static Series outputs(String name, Model<BigFraction> m, Prefix<BigFraction> prefix, List<Mat<BigFraction>> inputs,
      Color color) {
    List<double[]> points = new ArrayList<>();
    for (Mat<BigFraction> x : inputs) {
      double[][] t = Forward.run(m, prefix, io.prefixproof.model.Content.vectors(x)).contentHeadOut(0, 0)
          .toDoubles(EXACT);
      points.addAll(List.of(t));
    }
    double[][] all = points.toArray(new double[0][]);
    return new Series(name, column(all, 0), column(all, 1), false, color);
  }

  static double[] column(double[][] rows, int j) {
    double[] c = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      c[i] = rows[i][j];
    }
    return c;
  }

  /**
   * CAP-2 at V = 94 with σ = T/√n (the certifier, Dfp at 60 digits): the worst decoder margin against N at
   * T = 50, and the smallest correct T against N; the published (N, T) = (20, 50) is marked.
   */
  static List<Figure> cap2() {
    int maxN = 40;
    double[] ns = new double[maxN - 1];
    double[] margins = new double[maxN - 1];
    double[] minT = new double[maxN - 1];
    for (int n = 2; n <= maxN; n++) {
      ns[n - 2] = n;
      Certifier.Verdict v = Certifier.cap2(settings(n));
      margins[n - 2] = v.margin();
      minT[n - 2] = v.minTemperature();
    }
    double publishedMargin = margins[CAP2_LENGTH - 2];
    Figure margin = new Figure("cap-2-margin.svg", "Worst decoder margin over all targets against N at V = "
        + CAP2_VOCAB + ", T = " + CAP2_TEMPERATURE + " (σ = T/√n); negative means some target fails; square: the"
        + " published N = " + CAP2_LENGTH + " (margin " + String.format("%.6f", publishedMargin) + ")",
        Charts.xy("CAP-2 decoder margin, T = " + CAP2_TEMPERATURE, "N", "margin", List.of(
            new Series("margin", ns, margins, true),
            new Series("zero", new double[] {2, maxN}, new double[] {0, 0}, true),
            new Series("published N", new double[] {CAP2_LENGTH}, new double[] {publishedMargin}, false)),
            List.of("published N")));
    double published = minT[CAP2_LENGTH - 2];
    Figure temperature = new Figure("cap-2-temperature.svg", "Smallest correct T against N at V = " + CAP2_VOCAB
        + " (σ = T/√n); square: the published setting (N, T) = (" + CAP2_LENGTH + ", " + CAP2_TEMPERATURE
        + "), above the curve (smallest correct T at N = " + CAP2_LENGTH + ": " + String.format("%.6f", published)
        + ")", Charts.xy("CAP-2 smallest correct T", "N", "T", List.of(new Series("smallest correct T", ns, minT, true),
            new Series("published setting", new double[] {CAP2_LENGTH}, new double[] {CAP2_TEMPERATURE}, false)),
            List.of("published setting")));
    return List.of(margin, temperature);
  }

  static Settings settings(int n) {
    return new Settings(CAP2_VOCAB, n, new BigFraction(CAP2_TEMPERATURE), true, false);
  }
}
