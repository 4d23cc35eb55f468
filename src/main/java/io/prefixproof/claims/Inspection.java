package io.prefixproof.claims;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * The limitation claims on a given model (real or user weights): for each prefix kind and prefix choice,
 * the prefixed run is checked at every layer and head against the prefix-free layer on the same inputs
 * (LIM-1, LIM-2/3, LIM-4; all layers together are LIM-6), in double with the derived tolerances; with RoPE
 * also CONJ-3 ({@link RopeShift}).
 */
public final class Inspection {
  private Inspection() {}

  /** One table row. {@code head} is −1 for the layer-wide LIM-4. */
  public record Row(String prefix, int layer, int head, String claim, double maxAbsErr, double maxRatio,
      boolean holds) {}

  /**
   * Runs the checks with random prefixes (N(0,1) rows or keys/values) and "aligned" ones that take most of
   * the attention: key/value prefixes with keys along each head's mean content query, and (where the rows
   * reach W_K unnormalised: no norm or post-norm) residual rows aimed at all heads of a layer at once.
   */
  public static List<Row> run(FastModel model, DMatrixRMaj content, int p, long seed) {
    List<Row> rows = new ArrayList<>();
    Architecture a = model.arch();
    Draws draws = draws(a, p, seed, true);
    List<List<DMatrixRMaj>> values = draws.values();
    check(rows, "random residual", model, model.run(Prefix.Kind.RESIDUAL, p, content, null, draws.residual(), null,
        null));
    check(rows, "random key/value", model, model.run(Prefix.Kind.KEY_VALUE, p, content, null, null, draws.keys(),
        values));
    FastModel.Trace plain = model.run(Prefix.Kind.NONE, 0, content, null, null, null, null);
    List<List<DMatrixRMaj>> aligned = new ArrayList<>();
    for (int l = 0; l < a.layers(); l++) {
      List<DMatrixRMaj> kl = new ArrayList<>();
      for (int h = 0; h < a.heads(); h++) {
        kl.add(alignedKeys(model, plain, l, h, p));
      }
      aligned.add(kl);
    }
    check(rows, "aligned key/value", model, model.run(Prefix.Kind.KEY_VALUE, p, content, null, null, aligned, values));
    if (!a.normsAttentionInput()) {
      // the residual rows reach W_K unnormalised only without a pre-norm; there they can be aimed too
      List<DMatrixRMaj> alignedRows = new ArrayList<>();
      for (int l = 0; l < a.layers(); l++) {
        alignedRows.add(alignedRows(model, plain, l, p));
      }
      check(rows, "aligned residual", model, model.run(Prefix.Kind.RESIDUAL, p, content, null, alignedRows, null,
          null));
    }
    rows.addAll(RopeShift.check(model, content, p, seed));
    return rows;
  }

  /** The random prefixes of {@link #run}: per layer N(0,1) residual rows, and per head keys and values. */
  public record Draws(List<DMatrixRMaj> residual, List<List<DMatrixRMaj>> keys, List<List<DMatrixRMaj>> values) {}

  /**
   * The random prefixes {@link #run} draws from {@code seed}, layer by layer in one stream; without
   * {@code residual} only keys and values are drawn (the residual list is empty).
   */
  public static Draws draws(Architecture a, int p, long seed, boolean residual) {
    SplittableRandom r = new SplittableRandom(seed);
    List<DMatrixRMaj> rows = new ArrayList<>();
    List<List<DMatrixRMaj>> keys = new ArrayList<>();
    List<List<DMatrixRMaj>> values = new ArrayList<>();
    for (int l = 0; l < a.layers(); l++) {
      if (residual) {
        rows.add(DoubleCases.gaussian(r, p, a.dModel(), 0, 1));
      }
      List<DMatrixRMaj> kl = new ArrayList<>();
      List<DMatrixRMaj> vl = new ArrayList<>();
      for (int h = 0; h < a.heads(); h++) {
        kl.add(DoubleCases.gaussian(r, p, a.dHead(), 0, 1));
        vl.add(DoubleCases.gaussian(r, p, a.dValue(), 0, 1));
      }
      keys.add(kl);
      values.add(vl);
    }
    return new Draws(rows, keys, values);
  }

  /**
   * Residual rows s along Σ_h W_K^hᵀ q̄^h (q̄^h head h's mean content query), scaled so that the largest
   * head's prefix score is about 20: one row serves every head of the layer.
   */
  static DMatrixRMaj alignedRows(FastModel model, FastModel.Trace plain, int l, int p) {
    Architecture a = model.arch();
    int d = a.dModel();
    double[] dir = new double[d];
    double[][] means = new double[a.heads()][];
    for (int h = 0; h < a.heads(); h++) {
      means[h] = meanQuery(plain.layers().get(l).heads().get(h).queries());
      DMatrixRMaj wk = model.param(io.prefixproof.model.Names.wk(l, h));
      for (int c = 0; c < wk.numRows; c++) {
        for (int j = 0; j < d; j++) {
          dir[j] += wk.get(c, j) * means[h][c];
        }
      }
    }
    double best = 0;
    for (int h = 0; h < a.heads(); h++) {
      DMatrixRMaj wk = model.param(io.prefixproof.model.Names.wk(l, h));
      double score = 0;
      for (int c = 0; c < wk.numRows; c++) {
        double key = 0;
        for (int j = 0; j < d; j++) {
          key += wk.get(c, j) * dir[j];
        }
        score += means[h][c] * key;
      }
      best = Math.max(best, score * sigma(model));
    }
    double factor = best <= 0 ? 0 : 20 / best;
    DMatrixRMaj rows = new DMatrixRMaj(p, d);
    for (int m = 0; m < p; m++) {
      for (int j = 0; j < d; j++) {
        rows.set(m, j, dir[j] * factor);
      }
    }
    return rows;
  }

  static double[] meanQuery(DMatrixRMaj q) {
    double[] mean = new double[q.numCols];
    for (int i = 0; i < q.numRows; i++) {
      for (int c = 0; c < q.numCols; c++) {
        mean[c] += q.get(i, c) / q.numRows;
      }
    }
    return mean;
  }

  static double sigma(FastModel model) {
    return model.arch().scale() instanceof io.prefixproof.model.ScoreScale.Fixed f ? f.sigma().doubleValue() : 1;
  }

  /** Keys along the mean content query of head h at layer l of the plain run, scaled to scores of about 20. */
  public static DMatrixRMaj alignedKeys(FastModel model, FastModel.Trace plain, int l, int h, int p) {
    int k = model.arch().dHead();
    double[] mean = meanQuery(plain.layers().get(l).heads().get(h).queries());
    double norm = 0;
    for (double m : mean) {
      norm += m * m;
    }
    norm = Math.sqrt(norm);
    double factor = norm == 0 ? 0 : 20 / (sigma(model) * norm * norm);
    DMatrixRMaj keys = new DMatrixRMaj(p, k);
    for (int m = 0; m < p; m++) {
      for (int c = 0; c < k; c++) {
        keys.set(m, c, mean[c] * factor);
      }
    }
    return keys;
  }

  static void check(List<Row> rows, String prefix, FastModel model, FastModel.Trace t) {
    DoubleLimitations.Meter meter = new DoubleLimitations.Meter().recordPerHead();
    DoubleLimitations.check(model, t, meter);
    for (Map.Entry<String, double[]> e : meter.perHead().entrySet()) {
      String[] key = e.getKey().split(" ");
      double[] m = e.getValue();
      rows.add(new Row(prefix, Integer.parseInt(key[0]), Integer.parseInt(key[1]), key[2], m[0], m[1], m[1] <= 1));
    }
  }
}
