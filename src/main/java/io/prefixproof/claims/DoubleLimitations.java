package io.prefixproof.claims;

import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Gemm;
import io.prefixproof.fast.RowCompare;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * LIM-1, LIM-3 and LIM-4 in double precision on the EJML engine, at every layer (LIM-6), against the
 * prefix-free heads on the prefixed run's own inputs ({@link #referenceHeads}). Each comparison uses a
 * tolerance from an error model, never a guessed constant; with u = 2⁻⁵³, m = number of attended keys
 * (n + p at most):
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

    /**
     * A row of comparisons of identity {@code id} whose largest error is {@code err} and largest
     * error/tolerance {@code ratio}, none of them past its tolerance (the caller reports a violation by
     * {@link #see}).
     */
    void row(int id, double err, double ratio) {
      maxAbsErr[id] = Math.max(maxAbsErr[id], err);
      maxRatio[id] = Math.max(maxRatio[id], ratio);
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
    for (int l = 0; l < model.arch().layers(); l++) {
      checkLayer(model, t, l, referenceHeads(model, t, l), meter);
    }
  }

  /**
   * The prefix-free heads of layer l on the prefixed run's content rows. Norms, projections, biases and
   * rotations act per row, and every product entry is the same double whatever other rows the operands
   * have ({@link io.prefixproof.fast.Gemm}), so the content rows of the prefixed run's queries, keys and
   * values are what a prefix-free layer on those rows computes (bit for bit; {@code ReferenceHeadsTest}
   * compares with the whole layer run again): only scores, softmax and outputs are computed anew.
   */
  public static List<FastModel.Head> referenceHeads(FastModel model, FastModel.Trace t, int l) {
    int sp = t.streamPrefix();
    int n = t.positions().length - sp;
    int[] positions = Arrays.copyOfRange(t.positions(), sp, sp + n);
    FastModel.Mask mask = FastModel.mask(model.arch().mask(), positions, positions);
    List<FastModel.Head> heads = new ArrayList<>();
    List<FastModel.Head> prefixed = t.layers().get(l).heads();
    for (int h = 0; h < prefixed.size(); h++) {
      FastModel.Head hp = prefixed.get(h);
      heads.add(model.head(h, lastRows(hp.queries(), n), lastRows(hp.keys(), n), lastRows(hp.values(), n), mask,
          positions, positions, n));
    }
    return heads;
  }

  /** The last {@code n} rows of {@code m} (content rows come after prefix rows everywhere). */
  private static DMatrixRMaj lastRows(DMatrixRMaj m, int n) {
    return CommonOps_DDRM.extract(m, m.numRows - n, m.numRows, 0, m.numCols);
  }

  /**
   * LIM-1..3 per head, then LIM-4 on the layer's attention output. The predicted output
   * {@code P W_Oᵀ + b_O}, its magnitude {@code |P| |W_O|ᵀ + |b_O|} and the carried head tolerances
   * {@code T |W_O|ᵀ} are three matrix products (P, T: the predicted head outputs and their tolerances,
   * n × H·k_v); the products' own rounding is far inside the {@code u·(H·k_v + 10)} slack.
   */
  static void checkLayer(FastModel model, FastModel.Trace t, int l, List<FastModel.Head> ref, Meter meter) {
    Architecture a = model.arch();
    int sp = t.streamPrefix();
    int p = t.keyPrefix();
    int n = t.positions().length - sp;
    int kv = a.dValue();
    DMatrixRMaj predicted = new DMatrixRMaj(n, a.heads() * kv);
    // rows [0, n): |P|, rows [n, 2n): T, so that one product with |W_O| gives both bounds
    DMatrixRMaj bounds = new DMatrixRMaj(2 * n, a.heads() * kv);
    for (int h = 0; h < a.heads(); h++) {
      checkHead(t.layers().get(l).heads().get(h), sp, p, ref.get(h), l, h, meter, predicted, bounds, h * kv);
    }
    DMatrixRMaj wo = model.param(Names.wo(l));
    DMatrixRMaj absWo = wo.copy();
    CommonOps_DDRM.abs(absWo);
    DMatrixRMaj sum = new DMatrixRMaj(n, a.dModel());
    model.timesTransposed(predicted, Names.wo(l), sum);
    DMatrixRMaj magnitude = new DMatrixRMaj(2 * n, a.dModel());
    Gemm.multTransB(bounds, absWo, magnitude);
    double[] bias = a.attnBiases() ? model.param(Names.bo(l)).data : new double[a.dModel()];
    DMatrixRMaj o = t.layers().get(l).attentionOut();
    int d = a.dModel();
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < d; r++) {
        double abs = magnitude.data[i * d + r] + Math.abs(bias[r]);
        double tol = magnitude.data[(n + i) * d + r] + U * (wo.numCols + 10) * abs + FLOOR;
        double err = Math.abs(o.data[(sp + i) * d + r] - (sum.data[i * d + r] + bias[r]));
        meter.see(3, l, -1, "output", i, r, err, tol);
      }
    }
  }

  /**
   * LIM-1 and LIM-2/3 for one head: {@code hp} of the prefixed run ({@code sp} stream-prefix query rows,
   * {@code p} prefix keys first) against {@code hr} of the prefix-free run on the same content queries.
   */
  public static void checkHead(FastModel.Head hp, int sp, int p, FastModel.Head hr, int l, int h, Meter meter) {
    checkHead(hp, sp, p, hr, l, h, meter, null, null, 0);
  }

  /**
   * {@link #checkHead(FastModel.Head, int, int, FastModel.Head, int, int, Meter)}, also writing the predicted
   * head outputs {@code Σ_m A^pt_im v_m + (1 − a_i) t_i} into columns {@code [column, column + k_v)} of
   * {@code predicted} (n rows), and, in the same columns of {@code bounds}, their magnitudes (rows
   * [0, n)) and tolerances (rows [n, 2n)); both null when not needed.
   */
  static void checkHead(FastModel.Head hp, int sp, int p, FastModel.Head hr, int l, int h, Meter meter,
      DMatrixRMaj predicted, DMatrixRMaj bounds, int column) {
    int n = hr.weights().numRows;
    int kv = hr.out().numCols;
    double[] values = hp.values().data;
    double vmax = 0;
    for (int i = 0; i < hp.values().getNumElements(); i++) {
      vmax = Math.max(vmax, Math.abs(values[i]));
    }
    double[] wp = hp.weights().data;
    double[] wr = hr.weights().data;
    double[] outP = hp.out().data;
    double[] outR = hr.out().data;
    int np = hp.weights().numCols;
    int[] attendedPerQuery = hp.mask().attended();
    int output = p == 1 ? 1 : 2;
    double[] row = new double[2];
    double[] mix = new double[kv];
    double[] errs = new double[kv];
    for (int i = 0; i < n; i++) {
      int q = sp + i;
      double ai = 0;
      for (int m = 0; m < p; m++) {
        ai += wp[q * np + m];
      }
      int attended = attendedPerQuery[q];
      double spread = Math.max(hp.spread()[q], hr.spread()[i]);
      double keep = 1 - ai;
      // the meter keeps maxima, so only each row's largest error and error/tolerance need reporting; a row
      // past a tolerance (or with a NaN) is compared again one by one, which throws at the first violation
      if (!meter.recordsEach()) {
        RowCompare.scaled(wp, q * np + p, wr, i * n, n, keep, weightCoefficient(attended, spread), FLOOR, row);
      }
      if (meter.recordsEach() || !(row[1] <= 1)) {
        for (int j = 0; j < n; j++) {
          double apt = wp[q * np + p + j];
          double ar = wr[i * n + j];
          meter.see(0, l, h, "key", i, j, Math.abs(apt - ar * keep), weightTolerance(attended, spread, apt, ar));
        }
      } else {
        meter.row(0, row[0], row[1]);
      }
      // Σ_m A^pt_im v_m over the prefix keys, accumulated in m order for every column
      java.util.Arrays.fill(mix, 0);
      for (int m = 0; m < p; m++) {
        double a = wp[q * np + m];
        for (int c = 0; c < kv; c++) {
          mix[c] += a * values[m * kv + c];
        }
      }
      // one tolerance for the whole row, so the row's largest error/tolerance is its largest error over it
      double tolOut = outputTolerance(attended, spread, vmax);
      double rowErr = 0;
      for (int c = 0; c < kv; c++) {
        double pred = mix[c] + keep * outR[i * kv + c];
        errs[c] = Math.abs(outP[q * kv + c] - pred);
        rowErr = Math.max(rowErr, errs[c]);
        if (predicted != null) {
          predicted.set(i, column + c, pred);
          bounds.set(i, column + c, Math.abs(pred));
          bounds.set(n + i, column + c, tolOut);
        }
      }
      if (meter.recordsEach() || !(rowErr <= tolOut)) {
        for (int c = 0; c < kv; c++) {
          meter.see(output, l, h, "value", i, c, errs[c], tolOut);
        }
      } else {
        meter.row(output, rowErr, rowErr / tolOut);
      }
    }
  }

  /** Tolerance of one LIM-1 weight comparison (see the class comment). */
  public static double weightTolerance(int attended, double spread, double apt, double ar) {
    return weightCoefficient(attended, spread) * Math.max(apt, ar) + FLOOR;
  }

  /** The factor of max(A^pt_ij, A_ij) in {@link #weightTolerance}: u·(4(m + 10) + 2·spread_i). */
  static double weightCoefficient(int attended, double spread) {
    return U * (4 * (attended + 10) + 2 * spread);
  }

  /** Tolerance of one LIM-2/LIM-3 head-output comparison (see the class comment). */
  public static double outputTolerance(int attended, double spread, double maxValue) {
    return U * (6 * (attended + 10) + 2 * spread) * maxValue + FLOOR;
  }
}
