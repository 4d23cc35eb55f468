package io.prefixproof.fast;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vectorised kernels of the double engine, loaded only when {@code jdk.incubator.vector} is present.
 * Products ({@link Gemm}): tiles of 4 rows × 2 vectors of c held in registers over the whole k loop, then
 * single-vector tiles, then scalar columns; each lane runs the same fma chain as
 * {@link Gemm#scalarRows}. Exponentials ({@link Gemm#expShifted}): the vector {@code EXP}, which the API
 * specifies to Math.exp's accuracy (within 1 ulp).
 */
final class Vectorised {
  private Vectorised() {}

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Rows [from, to) of c = a b; see {@link Gemm#rows} for the optional column and depth limits. */
  static void rows(double[] a, double[] b, double[] c, int kk, int n, int from, int to, int[] cols, int[] depth) {
    int i = from;
    for (; i < to; i += 4) {
      int rows = Math.min(4, to - i);
      int width = Gemm.limit(cols, i, rows, n);
      int steps = Gemm.limit(depth, i, rows, kk);
      int j = 0;
      if (rows == 4) {
        for (; j + 2 * L <= width; j += 2 * L) {
          tile4x2(a, b, c, kk, steps, n, i, j);
        }
      }
      for (; j + L <= width; j += L) {
        for (int r = i; r < i + rows; r++) {
          vector(a, b, c, kk, steps, n, r, j);
        }
      }
      for (int r = i; r < i + rows; r++) {
        Gemm.scalarColumns(a, b, c, kk, steps, n, r, j, width);
        java.util.Arrays.fill(c, r * n + Gemm.limit(cols, r, 1, n), r * n + n, 0.0);
      }
    }
  }

  private static void tile4x2(double[] a, double[] b, double[] c, int kk, int steps, int n, int i, int j) {
    DoubleVector c00 = DoubleVector.zero(S);
    DoubleVector c01 = c00;
    DoubleVector c10 = c00;
    DoubleVector c11 = c00;
    DoubleVector c20 = c00;
    DoubleVector c21 = c00;
    DoubleVector c30 = c00;
    DoubleVector c31 = c00;
    int a0 = i * kk;
    int a1 = a0 + kk;
    int a2 = a1 + kk;
    int a3 = a2 + kk;
    for (int k = 0; k < steps; k++) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, k * n + j);
      DoubleVector b1 = DoubleVector.fromArray(S, b, k * n + j + L);
      DoubleVector x = DoubleVector.broadcast(S, a[a0 + k]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = DoubleVector.broadcast(S, a[a1 + k]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = DoubleVector.broadcast(S, a[a2 + k]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = DoubleVector.broadcast(S, a[a3 + k]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    c00.intoArray(c, i * n + j);
    c01.intoArray(c, i * n + j + L);
    c10.intoArray(c, (i + 1) * n + j);
    c11.intoArray(c, (i + 1) * n + j + L);
    c20.intoArray(c, (i + 2) * n + j);
    c21.intoArray(c, (i + 2) * n + j + L);
    c30.intoArray(c, (i + 3) * n + j);
    c31.intoArray(c, (i + 3) * n + j + L);
  }

  /** One row, one vector of columns. */
  private static void vector(double[] a, double[] b, double[] c, int kk, int steps, int n, int i, int j) {
    DoubleVector acc = DoubleVector.zero(S);
    int ai = i * kk;
    for (int k = 0; k < steps; k++) {
      acc = DoubleVector.broadcast(S, a[ai + k]).fma(DoubleVector.fromArray(S, b, k * n + j), acc);
    }
    acc.intoArray(c, i * n + j);
  }

  /** {@code w[j] = exp(s[j] − shift)} for j in [from, to); returns their sum, added in index order. */
  static double expShifted(double[] s, double[] w, int from, int to, double shift) {
    int j = from;
    for (; j + L <= to; j += L) {
      DoubleVector.fromArray(S, s, j).sub(shift).lanewise(VectorOperators.EXP).intoArray(w, j);
    }
    for (; j < to; j++) {
      w[j] = Math.exp(s[j] - shift);
    }
    double sum = 0;
    for (int k = from; k < to; k++) {
      sum += w[k];
    }
    return sum;
  }
}
