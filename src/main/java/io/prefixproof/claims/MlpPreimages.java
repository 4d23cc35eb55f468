package io.prefixproof.claims;

import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Ranks;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Every exact preimage of a layer-1 output row under the residual ReLU MLP block
 * {@code F(h) = h + W_2 relu(W_1 h + c_1) + c_2} (the identity without an MLP), by activation pattern: on the
 * region where the units in S are active, {@code F(h) = (I + W_2 D_S W_1) h + W_2 D_S c_1 + c_2} is affine.
 */
final class MlpPreimages {
  private MlpPreimages() {}

  /**
   * The preimages of {@code y} (a {@code 1 × d} row) as rows, empty when none exists; null when some
   * pattern's affine piece is singular. With every piece nonsingular F is proper (|F(h)| grows with |h| on
   * each piece), so stream values whose outputs converge stay bounded and converge to a preimage: the
   * certificate's closure argument carries through F. A singular piece lets unbounded stream values give
   * bounded outputs, so nothing is decided there.
   */
  static List<Mat<BigFraction>> of(Model<BigFraction> m, Mat<BigFraction> y) {
    int hidden = m.arch().mlpHidden();
    if (hidden == 0) {
      return List.of(y);
    }
    Mat<BigFraction> w1 = m.param(Names.w1(0));
    Mat<BigFraction> c1 = m.param(Names.c1(0));
    Mat<BigFraction> w2 = m.param(Names.w2(0));
    Mat<BigFraction> c2 = m.param(Names.c2(0));
    int d = y.cols();
    List<Mat<BigFraction>> found = new ArrayList<>();
    for (int pattern = 0; pattern < 1 << hidden; pattern++) {
      int s = pattern;
      Mat<BigFraction> piece = Mat.of(y.field(), d, d, (a, b) -> {
        BigFraction v = a == b ? BigFraction.ONE : BigFraction.ZERO;
        for (int j = 0; j < hidden; j++) {
          v = (s >> j & 1) == 1 ? v.add(w2.get(a, j).multiply(w1.get(j, b))) : v;
        }
        return v;
      });
      Mat<BigFraction> rhs = Mat.of(y.field(), d, 1, (a, b) -> {
        BigFraction v = y.get(0, a).subtract(c2.get(0, a));
        for (int j = 0; j < hidden; j++) {
          v = (s >> j & 1) == 1 ? v.subtract(w2.get(a, j).multiply(c1.get(0, j))) : v;
        }
        return v;
      });
      if (Ranks.rank(piece) < d) {
        return null;
      }
      Ranks.Solution<BigFraction> sol = Ranks.solve(piece, rhs);
      if (sol == null) {
        continue;
      }
      Mat<BigFraction> h = sol.particular().transpose();
      Mat<BigFraction> pre = h.timesTransposed(w1).plus(c1);
      boolean consistent = true;
      for (int j = 0; j < hidden; j++) {
        int sign = pre.get(0, j).compareTo(BigFraction.ZERO);
        consistent &= (s >> j & 1) == 1 ? sign >= 0 : sign <= 0;
      }
      if (consistent && !found.contains(h)) {
        found.add(h);
      }
    }
    return found;
  }
}
