package io.prefixproof.report;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.claims.Depth;
import io.prefixproof.claims.Inspection;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Prefix;
import io.prefixproof.report.Charts.Figure;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * The page {@code inspect --html} writes for a model ({@code models/<name>.html}): a layer × head grid of the
 * largest LIM error relative to its tolerance, a layer × head grid of the CONJ-1 depth measure, and the
 * attention maps of one head with an aligned key/value prefix, beside the prefix-free layer on the same layer
 * input (LIM-1: renormalised, the map is unchanged), and with a prompt, beside the prefix-free run (CONJ-1:
 * from the second layer on, renormalised, it changes). Layers and
 * heads are numbered from 0, as in the inspect table.
 */
public final class InspectFigures {
  private InspectFigures() {}

  /** What was inspected: the model, its first input's layer-1 rows, the prefix length and the seed. */
  public record Run(String name, String description, FastModel model, DMatrixRMaj content, int p, long seed) {}

  /**
   * The page; {@code head} is {layer, head} of the maps, or null for the head with the largest CONJ-1 measure
   * (layer 0, head 0 for a one-layer model). Throws {@link IllegalArgumentException} for a head the model lacks.
   */
  public static Site.Extra page(Run run, List<Inspection.Row> rows, List<Depth.Row> depth, int[] head) {
    Architecture a = run.model().arch();
    requireHead(head, a);
    int[] chosen = head == null ? worstConj1(depth) : head;
    List<Figure> figures = new ArrayList<>();
    String file = "inspect-" + AttentionFigures.slug(run.name());
    figures.add(limGrid(file, rows, a));
    if (a.layers() > 1) {
      figures.add(conj1Grid(file, depth, a));
    }
    figures.addAll(maps(file, run, chosen[0], chosen[1]));
    String body = "<p class=\"statement\">" + Site.esc(run.description()) + "</p>\n<p>Layers and heads are numbered"
        + " from 0, as in the inspect table; the maps are of layer " + chosen[0] + ", head " + chosen[1]
        + (head == null && a.layers() > 1 ? " (the head with the largest CONJ-1 measure over all inputs)" : "")
        + ", on the first input, with a " + run.p() + "-position prefix (seed " + run.seed() + ").</p>\n";
    return new Site.Extra("models/" + AttentionFigures.slug(run.name()) + ".html", "Inspected: " + run.name(), body,
        figures);
  }

  /** Throws an {@link IllegalArgumentException} unless {@code head} is null or {layer, head} of the model. */
  public static void requireHead(int[] head, Architecture a) {
    if (head != null && (head.length != 2 || head[0] < 0 || head[0] >= a.layers() || head[1] < 0
        || head[1] >= a.heads())) {
      throw new IllegalArgumentException("--html-head must be LAYER,HEAD with layer in [0, " + (a.layers() - 1)
          + "] and head in [0, " + (a.heads() - 1) + "], got " + java.util.Arrays.toString(head));
    }
  }

  /** Layer and head of the largest CONJ-1 measure; {0, 0} when there is none. */
  static int[] worstConj1(List<Depth.Row> depth) {
    int[] best = {0, 0};
    double worst = -1;
    for (Depth.Row d : depth) {
      if (d.claim().equals("CONJ-1") && d.value() > worst) {
        worst = d.value();
        best = new int[] {d.layer(), d.head()};
      }
    }
    return best;
  }

  /** Per layer and head, the largest err/tolerance over the LIM rows of every prefix (NaN: no row). */
  static Figure limGrid(String file, List<Inspection.Row> rows, Architecture a) {
    double[][] v = nanGrid(a);
    Inspection.Row worst = null;
    for (Inspection.Row r : rows) {
      if (r.head() >= 0 && r.claim().startsWith("LIM")) {
        v[r.layer()][r.head()] = Double.isNaN(v[r.layer()][r.head()]) ? r.maxRatio()
            : Math.max(v[r.layer()][r.head()], r.maxRatio());
        worst = worst == null || r.maxAbsErr() > worst.maxAbsErr() ? r : worst;
      }
    }
    double top = Math.max(1, max(v));
    String caption = "Largest error / tolerance per layer and head over the LIM rows of every prefix (at most 1:"
        + " the claim holds there; colour scale 0 to " + String.format("%.3g", top) + ")" + (worst == null ? ""
        : "; the largest absolute error is " + String.format("%.3g", worst.maxAbsErr()) + " (" + worst.claim() + ", "
        + worst.prefix() + ", layer " + worst.layer() + ", head " + worst.head() + ")");
    return new Figure(file + "-lim-grid.svg", caption, Charts.grid("LIM error / tolerance", v, "head", "layer", 0, top,
        "error / tolerance"));
  }

  /** Per layer (from 1) and head, the largest CONJ-1 measure over the inputs (NaN at layer 0: not defined). */
  static Figure conj1Grid(String file, List<Depth.Row> depth, Architecture a) {
    double[][] v = nanGrid(a);
    for (Depth.Row d : depth) {
      if (d.claim().equals("CONJ-1")) {
        v[d.layer()][d.head()] = Double.isNaN(v[d.layer()][d.head()]) ? d.value() : Math.max(v[d.layer()][d.head()],
            d.value());
      }
    }
    double top = max(v) > 0 ? max(v) : 1;
    return new Figure(file + "-conj1-grid.svg", "CONJ-1 measure per layer and head, largest over all inputs: the"
        + " largest change of the renormalised content attention a prompt causes (0 would mean CONJ-1 held; layer 0"
        + " is not measured, LIM-1 holds there; colour scale 0 to " + String.format("%.3g", top) + ")", Charts.grid("CONJ-1 measure", v,
            "head", "layer", 0, top, "largest change"));
  }

  /** The head's maps without a prefix, with an aligned key/value prefix and with a prompt (content queries). */
  static List<Figure> maps(String file, Run run, int layer, int head) {
    FastModel m = run.model();
    Architecture a = m.arch();
    int p = run.p();
    SplittableRandom r = new SplittableRandom(run.seed());
    // the prompt is drawn first from the seed, as Depth.measure draws it: the figure shows the measured prompt
    DMatrixRMaj promptRows = DoubleCases.gaussian(r, p, a.dModel(), 0, 1);
    FastModel.Trace plain = m.run(Prefix.Kind.NONE, 0, run.content(), null, null, null, null);
    List<List<DMatrixRMaj>> keys = new ArrayList<>();
    List<List<DMatrixRMaj>> values = new ArrayList<>();
    for (int l = 0; l < a.layers(); l++) {
      List<DMatrixRMaj> kl = new ArrayList<>();
      List<DMatrixRMaj> vl = new ArrayList<>();
      for (int h = 0; h < a.heads(); h++) {
        kl.add(Inspection.alignedKeys(m, plain, l, h, p));
        vl.add(DoubleCases.gaussian(r, p, a.dValue(), 0, 1));
      }
      keys.add(kl);
      values.add(vl);
    }
    FastModel.Trace kv = m.run(Prefix.Kind.KEY_VALUE, p, run.content(), null, null, keys, values);
    FastModel.Trace prompt = m.run(Prefix.Kind.STREAM, p, run.content(), promptRows, null, null, null);
    // LIM-1 compares a layer with its prefix-free self on the same layer input: the key/value prefix of the
    // earlier layers changed this layer's input, so the reference is the prefix-free layer run on it
    FastModel.Layer same = m.layer(layer, kv.layers().get(layer).input(), kv.positions(), null, null, new int[0],
        run.content().numRows);
    double[][] sameInput = weights(same.heads().get(head).weights(), 0);
    String context = run.name() + ", layer " + layer + ", head " + head;
    List<Figure> out = new ArrayList<>(AttentionFigures.sideBySide(file + "-l" + layer + "h" + head + "-kv", context,
        List.of(new AttentionFigures.Map("without prefix, same layer input", sameInput, 0),
            new AttentionFigures.Map("with an aligned key-value prefix", contentQueries(kv, layer, head), p)), 0));
    out.addAll(AttentionFigures.sideBySide(file + "-l" + layer + "h" + head + "-prompt", context,
        List.of(new AttentionFigures.Map("without prefix", contentQueries(plain, layer, head), 0),
            new AttentionFigures.Map("with a prompt", contentQueries(prompt, layer, head), p)), 0));
    return out;
  }

  /** The rows of the content queries of a head's weights (all keys, the prefix keys first). */
  static double[][] contentQueries(FastModel.Trace t, int layer, int head) {
    return weights(t.layers().get(layer).heads().get(head).weights(), t.streamPrefix());
  }

  /** Rows {@code from} on of a weight matrix, as arrays. */
  static double[][] weights(DMatrixRMaj w, int from) {
    double[][] out = new double[w.numRows - from][w.numCols];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < w.numCols; j++) {
        out[i][j] = w.get(from + i, j);
      }
    }
    return out;
  }

  static double[][] nanGrid(Architecture a) {
    double[][] v = new double[a.layers()][a.heads()];
    for (double[] row : v) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    return v;
  }

  /** The largest non-NaN entry (0 when there is none). */
  static double max(double[][] v) {
    double top = 0;
    for (double[] row : v) {
      for (double x : row) {
        top = Double.isNaN(x) ? top : Math.max(top, x);
      }
    }
    return top;
  }
}
