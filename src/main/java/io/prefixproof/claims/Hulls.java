package io.prefixproof.claims;

import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Ranks;
import org.apache.commons.math3.fraction.BigFraction;

/** Exact certificates that outputs cannot come from a prefix (FT-2). */
public final class Hulls {
  private Hulls() {}

  /**
   * True when no one-position prefix maps outputs {@code t} to {@code tt}: a one-position prefix gives
   * {@code tt_i = a_i v + (1 − a_i) t_i} with {@code 0 < a_i < 1} and one {@code v} for all i, so v lies on
   * the line through {@code t_i} and {@code tt_i} for every query with {@code tt_i ≠ t_i}. Certificate: two
   * queries with {@code u_i = tt_i − t_i ≠ 0} whose lines {@code t_i + μ u_i} do not meet (the system
   * {@code μ_i u_i − μ_k u_k = t_k − t_i} is inconsistent), or a query with {@code u_i = 0} beside one with
   * {@code u_k ≠ 0} (then v = t_i, and v must also lie on line k: checked the same way).
   */
  public static boolean outsideEveryOnePositionPrefix(Mat<BigFraction> t, Mat<BigFraction> tt) {
    int n = t.rows();
    for (int i = 0; i < n; i++) {
      for (int k = i + 1; k < n; k++) {
        Mat<BigFraction> ui = tt.row(i).minus(t.row(i)).transpose();
        Mat<BigFraction> uk = tt.row(k).minus(t.row(k)).transpose();
        boolean zi = Ranks.rank(ui) == 0;
        boolean zk = Ranks.rank(uk) == 0;
        if (zi && zk) {
          continue;
        }
        Mat<BigFraction> rhs = t.row(k).minus(t.row(i)).transpose();
        Mat<BigFraction> lhs = zi ? uk : zk ? ui : ui.hstack(uk);
        if (!Ranks.inColumnSpan(lhs, rhs)) {
          return true;
        }
      }
    }
    return false;
  }
}
