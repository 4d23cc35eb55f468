package io.prefixproof.fast;

/**
 * A row of comparisons against per-entry tolerances at once, for the limitation checks of the double engine
 * (LIM-1's rescaled weights): only the row's largest error and largest error/tolerance are returned, from
 * the same doubles as entry-by-entry comparisons. The vectorised kernel ({@link Vectorised#compareRow}) and
 * the scalar one compute each entry with the same operations in the same order, so they agree bit for bit;
 * the maxima are order independent. NaN propagates (an entry with a NaN error makes both maxima NaN).
 */
public final class RowCompare {
  private RowCompare() {}

  /**
   * For j in [0, n), with {@code a_j = a[ao + j]} and {@code b_j = b[bo + j]}: the error
   * {@code e_j = |a_j − b_j·keep|} and the tolerance {@code t_j = c·max(a_j, b_j) + floor} (c, floor &gt; 0).
   * Writes {@code max_j e_j} into {@code out[0]} and {@code max_j e_j/t_j} into {@code out[1]} (0 for n = 0).
   */
  public static void scaled(double[] a, int ao, double[] b, int bo, int n, double keep, double c, double floor,
      double[] out) {
    scaled(Gemm.vectorNow(), a, ao, b, bo, n, keep, c, floor, out);
  }

  /** {@link #scaled} by the vectorised kernel or by the scalar one, as {@code vector} says. */
  static void scaled(boolean vector, double[] a, int ao, double[] b, int bo, int n, double keep, double c,
      double floor, double[] out) {
    out[0] = 0;
    out[1] = 0;
    if (vector) {
      Vectorised.compareRow(a, ao, b, bo, n, keep, c, floor, out);
    } else {
      scalar(a, ao, b, bo, 0, n, keep, c, floor, out);
    }
  }

  /** {@link #scaled} over j in [from, n), continuing the maxima already in {@code out}. */
  static void scalar(double[] a, int ao, double[] b, int bo, int from, int n, double keep, double c, double floor,
      double[] out) {
    double maxErr = out[0];
    double maxRatio = out[1];
    for (int j = from; j < n; j++) {
      double x = a[ao + j];
      double y = b[bo + j];
      double err = Math.abs(x - y * keep);
      maxErr = Math.max(maxErr, err);
      maxRatio = Math.max(maxRatio, err / (c * Math.max(x, y) + floor));
    }
    out[0] = maxErr;
    out[1] = maxRatio;
  }
}
