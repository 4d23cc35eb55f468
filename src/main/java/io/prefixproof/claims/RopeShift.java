package io.prefixproof.claims;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Prefix;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * CONJ-3 on a model's own RoPE weights: a key/value prefix of p positions puts the content at positions
 * p … p + n − 1, and at every layer and head the content attention must still be the prefix-free layer's
 * on the same inputs at positions 0 … n − 1, rescaled: {@code A^pt_ij = A_ij (1 − a_i)} (LIM-1 with the
 * shift).
 *
 * <p>Tolerance: LIM-1's {@link DoubleLimitations#weightTolerance} plus the rounding of the rotations. The
 * engine builds cos/sin of pos·θ by pos steps of the angle-addition recurrence, each off by at most about
 * 4u (two products, a sum, and the rounded cos θ, sin θ it starts from), so a rotated vector is off by at
 * most 4·P·u times its length, P the largest position. A score σ⟨q, k⟩ with both sides rotated is then off
 * by 8·P·u·σ|q||k| in each run, 16·P·u·σ|q||k| between the two, and a softmax weight w moves by at most
 * twice the largest score change times w: {@code 32·P·u·σ·max|q|·max|k|·w} is added.
 */
public final class RopeShift {
  private RopeShift() {}

  /** One row per layer and head, claim "CONJ-3"; empty unless the model uses RoPE. */
  public static List<Inspection.Row> check(FastModel model, DMatrixRMaj content, int p, long seed) {
    List<Inspection.Row> rows = new ArrayList<>();
    if (model.arch().positions() != Architecture.PositionKind.ROPE) {
      return rows;
    }
    int[] unshifted = new int[content.numRows];
    for (int i = 0; i < unshifted.length; i++) {
      unshifted[i] = i;
    }
    compare(model, prefixed(model, content, p, seed), p, unshifted, rows);
    return rows;
  }

  /** The run with a key/value prefix of p positions, N(0,1) keys and values drawn from {@code seed}. */
  static FastModel.Trace prefixed(FastModel model, DMatrixRMaj content, int p, long seed) {
    Inspection.Draws kv = Inspection.draws(model.arch(), p, seed, false);
    return model.run(Prefix.Kind.KEY_VALUE, p, content, null, null, kv.keys(), kv.values());
  }

  /** Compares each layer of the prefixed run {@code t} with the layer run at {@code reference} positions. */
  static void compare(FastModel model, FastModel.Trace t, int p, int[] reference, List<Inspection.Row> rows) {
    int n = reference.length;
    for (int l = 0; l < model.arch().layers(); l++) {
      compareLayer(model, t, l, p, model.heads(l, t.layers().get(l).input(), reference, null, null, new int[0], n),
          rows);
    }
  }

  /** Compares layer l of the prefixed run {@code t} with {@code ref}, the layer's heads at the reference positions. */
  static void compareLayer(FastModel model, FastModel.Trace t, int l, int p, List<FastModel.Head> ref,
      List<Inspection.Row> rows) {
    Architecture a = model.arch();
    int n = ref.get(0).weights().numRows;
    double sigma = Math.abs(Inspection.sigma(model));
    for (int h = 0; h < a.heads(); h++) {
      FastModel.Head hp = t.layers().get(l).heads().get(h);
      FastModel.Head hr = ref.get(h);
      double rope = 32.0 * (p + n) * DoubleLimitations.U * sigma * maxRowNorm(hp.queries())
          * Math.max(maxRowNorm(hp.keys()), maxRowNorm(hr.keys()));
      double maxErr = 0;
      double maxRatio = 0;
      for (int i = 0; i < n; i++) {
        double prefixMass = 0;
        for (int m = 0; m < p; m++) {
          prefixMass += hp.weights().get(i, m);
        }
        double spread = Math.max(hp.spread()[i], hr.spread()[i]);
        for (int j = 0; j <= i; j++) {
          double apt = hp.weights().get(i, p + j);
          double ar = hr.weights().get(i, j);
          double err = Math.abs(apt - ar * (1 - prefixMass));
          double tol = DoubleLimitations.weightTolerance(p + i + 1, spread, apt, ar) + rope * Math.max(apt, ar);
          maxErr = Math.max(maxErr, err);
          maxRatio = Math.max(maxRatio, err / tol);
        }
      }
      rows.add(new Inspection.Row("shifted key/value", l, h, claim(a, p + n), maxErr, maxRatio, maxRatio <= 1));
    }
  }

  /**
   * The statement a row checks: CONJ-3, or CONJ-9 when the RoPE depends on the sequence length and the
   * prefixed length passes the trained one, so that the two runs rotate with different frequencies (CONJ-9
   * is false: such rows measure how far the invariance fails, they do not assert it).
   */
  static String claim(Architecture a, int prefixedLength) {
    return !a.ropeScaling().usesRotationWeights() && prefixedLength > a.ropeScaling().trainedContext() ? "CONJ-9"
        : "CONJ-3";
  }

  static double maxRowNorm(DMatrixRMaj m) {
    double best = 0;
    for (int i = 0; i < m.numRows; i++) {
      double s = 0;
      for (int j = 0; j < m.numCols; j++) {
        s += m.get(i, j) * m.get(i, j);
      }
      best = Math.max(best, Math.sqrt(s));
    }
    return best;
  }
}
