package io.prefixproof.claims;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * LIM-1, LIM-3 and LIM-4 in double precision on the EJML engine, at every layer (LIM-6), against the
 * prefix-free layer on the prefixed run's own inputs. Each comparison uses a tolerance from an error
 * model, never a guessed constant; with u = 2⁻⁵³, m = number of attended keys (n + p at most):
 *
 * <ul>
 *   <li>Weights. Content scores are bit-identical in both runs (same dot products on the same inputs),
 *       so only the softmax differs: exp of a shifted score has relative error ≤ u·(1 + |s − max|)
 *       (the shift is rounded), the row sum ≤ m·u, the division u. Hence
 *       {@code |A^pt_ij − A_ij (1 − a_i)| ≤ u·(4(m + 10) + 2·spread_i)·max(A^pt_ij, A_ij) + 2⁻¹⁰⁰⁰},
 *       spread_i the largest |s_ij − max_j s_ij| of row i in either run (scores up to ±50 make this
 *       term dominate), the last term covering underflow.
 *   <li>Head outputs. Both sides are weighted sums of at most m values, each weight known to the
 *       relative accuracy above: {@code tol = u·(6(m + 10) + 2·spread_i)·max_j |v_j|∞}.
 *   <li>Layer output. W_O applied to both sides: the head tolerance times the row's ℓ1 norm of W_O plus
 *       the matrix product's own rounding {@code u·(H·k_v + 10)·Σ_c |W_O,rc|·|x_c|}.
 * </ul>
 */
public final class DoubleLimitations {
  private DoubleLimitations() {}

  static final double U = Math.ulp(1.0) / 2;
  static final double FLOOR = Math.pow(2, -1000);

  /**
   * Largest error and largest error/tolerance ratio per identity; throws {@link AssertionError} past a
   * tolerance. Comparisons are counted in place (no allocation per comparison); with
   * {@link #recordTolerances} it also keeps each comparison's tolerance, for tests that plant violations.
   */
  public static final class Meter {
    static final java.util.List<String> IDS = java.util.List.of("LIM-1", "LIM-2", "LIM-3", "LIM-4");
    private final double[] maxAbsErr = new double[IDS.size()];
    private final double[] maxRatio = new double[IDS.size()];
    private java.util.Map<String, Double> tolerances;
    private java.util.Map<String, double[]> perHead;
    private boolean collect;

    /** Keeps every comparison's tolerance, keyed {@code "LIM-1 L0 H0 query 0 key 0"} (H-1 for LIM-4). */
    public Meter recordTolerances() {
      tolerances = new java.util.HashMap<>();
      return this;
    }

    /**
     * Keeps the largest error and error/tolerance ratio per (layer, head, identity), and records
     * violations (ratio above 1) instead of throwing, so that every head is measured.
     */
    public Meter recordPerHead() {
      perHead = new java.util.TreeMap<>();
      collect = true;
      return this;
    }

    /**
     * Per (layer, head, identity) {largest error, largest error/tolerance}, keyed {@code "l h id"} with
     * h = −1 for LIM-4 (a layer-wide identity); needs {@link #recordPerHead}.
     */
    public java.util.Map<String, double[]> perHead() {
      return perHead;
    }

    /** The tolerance used for one comparison (needs {@link #recordTolerances}). */
    public double toleranceOf(String key) {
      Double t = tolerances == null ? null : tolerances.get(key);
      if (t == null) {
        throw new IllegalArgumentException("no comparison " + key + " was recorded");
      }
      return t;
    }

    /** Whether every comparison is kept ({@link #recordTolerances}, {@link #recordPerHead}). */
    boolean recordsEach() {
      return tolerances != null || perHead != null;
    }

    /** Raises the largest error of identity {@code id} to at least {@code err} (no tolerance involved). */
    void largest(int id, double err) {
      maxAbsErr[id] = Math.max(maxAbsErr[id], err);
    }

    /** One comparison of identity {@code id} at layer l, head h, query i, index j ({@code what}: key, value...). */
    void see(int id, int l, int h, String what, int i, int j, double err, double tol) {
      maxAbsErr[id] = Math.max(maxAbsErr[id], err);
      maxRatio[id] = Math.max(maxRatio[id], err / tol);
      if (perHead != null) {
        double[] m = perHead.computeIfAbsent(l + " " + h + " " + IDS.get(id), k -> new double[2]);
        m[0] = Math.max(m[0], err);
        m[1] = Math.max(m[1], err / tol);
      }
      if (tolerances != null) {
        tolerances.put(IDS.get(id) + " L" + l + " H" + h + " query " + i + " " + what + " " + j, tol);
      }
      if (!(err <= tol) && !collect) {
        throw new AssertionError(IDS.get(id) + " violated in double at layer " + l + (h >= 0 ? " head " + h : "")
            + ", query " + i + " " + what + " " + j + ": error " + err + " exceeds the derived tolerance " + tol);
      }
    }

    /** Largest absolute error over the given claim IDs (0 when none was measured). */
    public double maxAbsErr(java.util.Set<String> ids) {
      return ids.stream().mapToDouble(i -> IDS.contains(i) ? maxAbsErr[IDS.indexOf(i)] : 0).max().orElse(0);
    }

    /** Largest error/tolerance ratio over the given claim IDs. */
    public double maxRatio(java.util.Set<String> ids) {
      return ids.stream().mapToDouble(i -> IDS.contains(i) ? maxRatio[IDS.indexOf(i)] : 0).max().orElse(0);
    }
  }

  /** Checks every layer of a prefixed run; a perturbation hook lets tests plant a violation. */
  public static void check(FastModel model, FastModel.Trace t, Meter meter) {
    Architecture a = model.arch();
    int n = t.positions().length - t.streamPrefix();
    int[] contentPositions = Arrays.copyOfRange(t.positions(), t.streamPrefix(), t.positions().length);
    for (int l = 0; l < a.layers(); l++) {
      FastModel.Layer layer = t.layers().get(l);
      DMatrixRMaj x = new DMatrixRMaj(n, a.dModel());
      org.ejml.dense.row.CommonOps_DDRM.extract(layer.input(), t.streamPrefix(), layer.input().numRows, 0,
          a.dModel(), x, 0, 0);
      checkLayer(model, t, l, model.heads(l, x, contentPositions, null, null, new int[0], n), meter);
    }
  }

  static void checkLayer(FastModel model, FastModel.Trace t, int l, List<FastModel.Head> ref, Meter meter) {
    Architecture a = model.arch();
    int sp = t.streamPrefix();
    int p = t.keyPrefix();
    int n = t.positions().length - sp;
    int kv = a.dValue();
    double[][] predicted = new double[n][a.heads() * kv];
    double[][] predictedTol = new double[n][a.heads() * kv];
    for (int h = 0; h < a.heads(); h++) {
      double[][][] head = checkHead(t.layers().get(l).heads().get(h), sp, p, ref.get(h), l, h, meter);
      for (int i = 0; i < n; i++) {
        System.arraycopy(head[0][i], 0, predicted[i], h * kv, kv);
        System.arraycopy(head[1][i], 0, predictedTol[i], h * kv, kv);
      }
    }
    DMatrixRMaj wo = model.param(Names.wo(l));
    DMatrixRMaj o = t.layers().get(l).attentionOut();
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < a.dModel(); r++) {
        double sum = a.attnBiases() ? model.param(Names.bo(l)).get(0, r) : 0;
        double abs = Math.abs(sum);
        double carried = 0;
        for (int c = 0; c < wo.numCols; c++) {
          sum += wo.get(r, c) * predicted[i][c];
          abs += Math.abs(wo.get(r, c) * predicted[i][c]);
          carried += Math.abs(wo.get(r, c)) * predictedTol[i][c];
        }
        double tol = carried + U * (wo.numCols + 10) * abs + FLOOR;
        meter.see(3, l, -1, "output", i, r, Math.abs(o.get(sp + i, r) - sum), tol);
      }
    }
  }

  /**
   * LIM-1 and LIM-2/3 for one head: {@code hp} of the prefixed run ({@code sp} stream-prefix query rows,
   * {@code p} prefix keys first) against {@code hr} of the prefix-free run on the same content queries.
   * Returns the predicted head outputs {@code Σ_m A^pt_im v_m + (1 − a_i) t_i} and their tolerances, each
   * n × k_v.
   */
  public static double[][][] checkHead(FastModel.Head hp, int sp, int p, FastModel.Head hr, int l, int h,
      Meter meter) {
    int n = hr.weights().numRows;
    int kv = hr.out().numCols;
    double[][] predicted = new double[n][kv];
    double[][] predictedTol = new double[n][kv];
    double vmax = 0;
    for (int i = 0; i < hp.values().getNumElements(); i++) {
      vmax = Math.max(vmax, Math.abs(hp.values().data[i]));
    }
    double[] wp = hp.weights().data;
    double[] wr = hr.weights().data;
    int np = hp.weights().numCols;
    for (int i = 0; i < n; i++) {
      int q = sp + i;
      double ai = 0;
      for (int m = 0; m < p; m++) {
        ai += wp[q * np + m];
      }
      int attended = 0;
      for (boolean b : hp.allowed()[q]) {
        attended += b ? 1 : 0;
      }
      double spread = Math.max(hp.spread()[q], hr.spread()[i]);
      double keep = 1 - ai;
      // the meter keeps maxima, so without per-comparison recording only each row's largest error and
      // its largest error/tolerance need reporting (a violation is the row's largest ratio, so it still throws)
      int worst = -1;
      double worstRatio = -1;
      double worstErr = 0;
      double worstTol = 1;
      double rowMax = 0;
      for (int j = 0; j < n; j++) {
        double apt = wp[q * np + p + j];
        double ar = wr[i * n + j];
        double err = Math.abs(apt - ar * keep);
        double tol = weightTolerance(attended, spread, apt, ar);
        if (meter.recordsEach()) {
          meter.see(0, l, h, "key", i, j, err, tol);
          continue;
        }
        rowMax = err > rowMax ? err : rowMax;
        double ratio = err / tol;
        if (!(ratio <= worstRatio)) {
          worst = j;
          worstRatio = ratio;
          worstErr = err;
          worstTol = tol;
        }
      }
      if (worst >= 0) {
        meter.see(0, l, h, "key", i, worst, worstErr, worstTol);
        meter.largest(0, rowMax);
      }
      double tolOut = outputTolerance(attended, spread, vmax);
      for (int c = 0; c < kv; c++) {
        double mix = 0;
        for (int m = 0; m < p; m++) {
          mix += wp[q * np + m] * hp.values().get(m, c);
        }
        double pred = mix + keep * hr.out().get(i, c);
        double err = Math.abs(hp.out().get(q, c) - pred);
        meter.see(p == 1 ? 1 : 2, l, h, "value", i, c, err, tolOut);
        predicted[i][c] = pred;
        predictedTol[i][c] = tolOut;
      }
    }
    return new double[][][] {predicted, predictedTol};
  }

  /** Tolerance of one LIM-1 weight comparison (see the class comment). */
  public static double weightTolerance(int attended, double spread, double apt, double ar) {
    return U * (4 * (attended + 10) + 2 * spread) * Math.max(apt, ar) + FLOOR;
  }

  /** Tolerance of one LIM-2/LIM-3 head-output comparison (see the class comment). */
  public static double outputTolerance(int attended, double spread, double maxValue) {
    return U * (6 * (attended + 10) + 2 * spread) * maxValue + FLOOR;
  }
}
