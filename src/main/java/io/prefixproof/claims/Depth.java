package io.prefixproof.claims;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * How far the two depth conjectures are from holding on a given model (they are false in general; see
 * CONJ-1.md and CONJ-5.md): measured, not asserted.
 *
 * <ul>
 *   <li>CONJ-1: a prompt (prefix rows at the first layer only, computed like any position after that)
 *       changes the content attention of layer 2 and later. Per head, the largest
 *       |A^pt_ij/(1 − a_i) − A_ij| against the prefix-free run (0 if CONJ-1 held).
 *   <li>CONJ-5: per layer, the part of each content position's block-output shift outside the span of the
 *       heads' W_O-mapped prefix values and prefix-free head outputs (the directions LIM-2..4 allow for the
 *       attention output), relative to the shift: ‖Δ − proj Δ‖/‖Δ‖ (0 if CONJ-5 held).
 * </ul>
 */
public final class Depth {
  private Depth() {}

  /** One measurement; {@code head} is −1 for per-layer CONJ-5 rows. */
  public record Row(String claim, int layer, int head, double value) {}

  public static List<Row> measure(FastModel model, DMatrixRMaj content, int p, long seed) {
    Architecture a = model.arch();
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    int n = content.numRows;
    FastModel.Trace plain = model.run(Prefix.Kind.NONE, 0, content, null, null, null, null);
    FastModel.Trace prompted = model.run(Prefix.Kind.STREAM, p, content, DoubleCases.gaussian(r, p, a.dModel(), 0, 1),
        null, null, null);
    for (int l = 1; l < a.layers(); l++) {
      for (int h = 0; h < a.heads(); h++) {
        DMatrixRMaj wpt = prompted.layers().get(l).heads().get(h).weights();
        DMatrixRMaj w = plain.layers().get(l).heads().get(h).weights();
        double worst = 0;
        for (int i = 0; i < n; i++) {
          double share = 0;
          for (int m = 0; m < p; m++) {
            share += wpt.get(p + i, m);
          }
          for (int j = 0; j < n; j++) {
            if (plain.layers().get(l).heads().get(h).allowed()[i][j]) {
              worst = Math.max(worst, Math.abs(wpt.get(p + i, p + j) / (1 - share) - w.get(i, j)));
            }
          }
        }
        rows.add(new Row("CONJ-1", l, h, worst));
      }
    }
    List<DMatrixRMaj> residual = new ArrayList<>();
    for (int l = 0; l < a.layers(); l++) {
      residual.add(DoubleCases.gaussian(r, p, a.dModel(), 0, 1));
    }
    FastModel.Trace prefixed = model.run(Prefix.Kind.RESIDUAL, p, content, null, residual, null, null);
    for (int l = 0; l < a.layers(); l++) {
      // the shift of layer l's output when layer l (alone) sees the prefix: same layer input in both runs
      DMatrixRMaj x = new DMatrixRMaj(n, a.dModel());
      CommonOps_DDRM.extract(prefixed.layers().get(l).input(), p, p + n, 0, a.dModel(), x, 0, 0);
      FastModel.Layer ref = model.layer(l, x, contentPositions(n, p), null, null, new int[0], n);
      FastModel.Layer pre = prefixed.layers().get(l);
      double worst = 0;
      for (int i = 0; i < n; i++) {
        DMatrixRMaj basis = allowedDirections(model, l, pre, ref, i, p);
        DMatrixRMaj shift = new DMatrixRMaj(a.dModel(), 1);
        for (int c = 0; c < a.dModel(); c++) {
          shift.set(c, 0, pre.output().get(p + i, c) - ref.output().get(i, c));
        }
        worst = Math.max(worst, outsideSpan(basis, shift));
      }
      rows.add(new Row("CONJ-5", l, -1, worst));
    }
    return rows;
  }

  static int[] contentPositions(int n, int p) {
    int[] pos = new int[n];
    for (int i = 0; i < n; i++) {
      pos[i] = p + i;
    }
    return pos;
  }

  /** Columns W_O^h v^h_m (prefix values) and W_O^h t^h_i (prefix-free head outputs) for every head. */
  static DMatrixRMaj allowedDirections(FastModel model, int l, FastModel.Layer pre, FastModel.Layer ref, int i, int p) {
    Architecture a = model.arch();
    int kv = a.dValue();
    DMatrixRMaj wo = model.param(Names.wo(l));
    DMatrixRMaj basis = new DMatrixRMaj(a.dModel(), a.heads() * (p + 1));
    int col = 0;
    for (int h = 0; h < a.heads(); h++) {
      for (int m = 0; m <= p; m++) {
        for (int rOut = 0; rOut < a.dModel(); rOut++) {
          double s = 0;
          for (int c = 0; c < kv; c++) {
            double v = m < p ? pre.heads().get(h).values().get(m, c) : ref.heads().get(h).out().get(i, c);
            s += wo.get(rOut, h * kv + c) * v;
          }
          basis.set(rOut, col, s);
        }
        col++;
      }
    }
    return basis;
  }

  /** ‖v − proj_span(B) v‖ / ‖v‖ by least squares (QR with column pivoting); 0 for v = 0. */
  static double outsideSpan(DMatrixRMaj basis, DMatrixRMaj v) {
    double norm = CommonOps_DDRM.elementSum(elementSquares(v));
    if (norm == 0) {
      return 0;
    }
    LinearSolverDense<DMatrixRMaj> ls = LinearSolverFactory_DDRM.leastSquaresQrPivot(true, false);
    if (!ls.setA(basis.copy())) {
      throw new IllegalStateException("least-squares solver rejected the span basis");
    }
    DMatrixRMaj coef = new DMatrixRMaj(basis.numCols, 1);
    ls.solve(v.copy(), coef);
    DMatrixRMaj proj = new DMatrixRMaj(v.numRows, 1);
    CommonOps_DDRM.mult(basis, coef, proj);
    CommonOps_DDRM.subtractEquals(proj, v);
    return Math.sqrt(CommonOps_DDRM.elementSum(elementSquares(proj)) / norm);
  }

  static DMatrixRMaj elementSquares(DMatrixRMaj v) {
    DMatrixRMaj s = v.copy();
    CommonOps_DDRM.elementMult(s, v);
    return s;
  }
}
