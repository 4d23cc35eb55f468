package io.prefixproof.fast;

import java.util.stream.IntStream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vectorised kernels of the double engine, loaded only when {@code jdk.incubator.vector} is present.
 * Products ({@link Gemm}): tiles of 4 rows × 2 vectors of c held in registers over the whole k loop (or over
 * blocks of k for large right operands, {@link #blocked}), then single-vector tiles, then scalar columns; each lane runs the same fma chain as
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
      // vectors cover the limit rounded up to whole vectors where the row has them; the columns past a row's
      // limit are products too, and are zeroed below like every column past it
      int covered = Math.min(width + (L - width % L) % L, n);
      int j = 0;
      if (rows == 4) {
        for (; j + 2 * L <= covered; j += 2 * L) {
          tile4x2(a, b, c, kk, 0, steps, n, i, j);
        }
      }
      for (; j + L <= covered; j += L) {
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

  /**
   * Rows [i, i + 4) of c, columns [j, j + 2L): the fma chains over k in [from, to), continuing the partial
   * chains stored in c (from zero when {@code from == 0}).
   */
  private static void tile4x2(double[] a, double[] b, double[] c, int kk, int from, int to, int n, int i, int j) {
    DoubleVector c00 = DoubleVector.zero(S);
    DoubleVector c01 = c00;
    DoubleVector c10 = c00;
    DoubleVector c11 = c00;
    DoubleVector c20 = c00;
    DoubleVector c21 = c00;
    DoubleVector c30 = c00;
    DoubleVector c31 = c00;
    if (from > 0) {
      c00 = DoubleVector.fromArray(S, c, i * n + j);
      c01 = DoubleVector.fromArray(S, c, i * n + j + L);
      c10 = DoubleVector.fromArray(S, c, (i + 1) * n + j);
      c11 = DoubleVector.fromArray(S, c, (i + 1) * n + j + L);
      c20 = DoubleVector.fromArray(S, c, (i + 2) * n + j);
      c21 = DoubleVector.fromArray(S, c, (i + 2) * n + j + L);
      c30 = DoubleVector.fromArray(S, c, (i + 3) * n + j);
      c31 = DoubleVector.fromArray(S, c, (i + 3) * n + j + L);
    }
    int a0 = i * kk;
    int a1 = a0 + kk;
    int a2 = a1 + kk;
    int a3 = a2 + kk;
    for (int k = from; k < to; k++) {
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

  /** Depth of the k blocks of {@link #blocked}: 256 × 2 vectors of b (32 KiB with 8 lanes) stay in the L1/L2 cache. */
  static final int K_BLOCK = 256;

  /**
   * All of c = a b (m × n, no limits) for a b too large for the caches: the columns are split over the
   * common fork-join pool ({@code parallel}) and, within a k block of {@link #K_BLOCK}, every tile of 4 rows
   * reuses the same block of b before the next, so b is read from memory once rather than once per 4 rows.
   * A tile's chains are stored in c between k blocks and continued from there, so each entry is still one
   * fma chain over k in order. Columns past the last 2-vector strip and rows past the last tile of 4 are
   * done by the row kernel.
   */
  static void blocked(double[] a, double[] b, double[] c, int m, int kk, int n, boolean parallel) {
    int m4 = m - m % 4;
    int strips = n / (2 * L);
    int chunks = parallel ? Math.min(strips, 4 * Runtime.getRuntime().availableProcessors()) : Math.min(strips, 1);
    IntStream.range(0, chunks).parallel().forEach(t -> {
      int j0 = 2 * L * (int) ((long) strips * t / chunks);
      int j1 = 2 * L * (int) ((long) strips * (t + 1) / chunks);
      for (int k0 = 0; k0 < kk; k0 += K_BLOCK) {
        int k1 = Math.min(kk, k0 + K_BLOCK);
        for (int j = j0; j < j1; j += 2 * L) {
          for (int i = 0; i < m4; i += 4) {
            tile4x2(a, b, c, kk, k0, k1, n, i, j);
          }
        }
      }
    });
    for (int i = 0; i < m4; i++) {
      int j = 2 * L * strips;
      for (; j + L <= n; j += L) {
        vector(a, b, c, kk, kk, n, i, j);
      }
      Gemm.scalarColumns(a, b, c, kk, kk, n, i, j, n);
    }
    rows(a, b, c, kk, n, m4, m, null, null);
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

  /**
   * {@link RowCompare#scaled}: lanes of j with the scalar kernel's operations (|a − b·keep|, c·max(a, b) +
   * floor, the quotient), lane-wise maxima, then the tail; {@code out} starts at 0.
   */
  static void compareRow(double[] a, int ao, double[] b, int bo, int n, double keep, double c, double floor,
      double[] out) {
    DoubleVector maxErr = DoubleVector.zero(S);
    DoubleVector maxRatio = maxErr;
    int j = 0;
    for (; j + L <= n; j += L) {
      DoubleVector x = DoubleVector.fromArray(S, a, ao + j);
      DoubleVector y = DoubleVector.fromArray(S, b, bo + j);
      DoubleVector err = x.sub(y.mul(keep)).abs();
      maxErr = maxErr.max(err);
      maxRatio = maxRatio.max(err.div(x.max(y).mul(c).add(floor)));
    }
    out[0] = maxErr.reduceLanes(VectorOperators.MAX);
    out[1] = maxRatio.reduceLanes(VectorOperators.MAX);
    RowCompare.scalar(a, ao, b, bo, j, n, keep, c, floor, out);
  }

  /**
   * {@code s[j] ← sigma·s[j]} for j in [from, to); returns into {@code out} the largest and smallest scaled
   * score (NaN when one is NaN; ±∞ when one is infinite or the range is empty).
   */
  static void scaleRow(double[] s, int from, int to, double sigma, double[] out) {
    DoubleVector max = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
    DoubleVector min = DoubleVector.broadcast(S, Double.POSITIVE_INFINITY);
    int j = from;
    for (; j + L <= to; j += L) {
      DoubleVector x = DoubleVector.fromArray(S, s, j).mul(sigma);
      x.intoArray(s, j);
      max = max.max(x);
      min = min.min(x);
    }
    double hi = max.reduceLanes(VectorOperators.MAX);
    double lo = min.reduceLanes(VectorOperators.MIN);
    for (; j < to; j++) {
      double x = sigma * s[j];
      s[j] = x;
      hi = Math.max(hi, x);
      lo = Math.min(lo, x);
    }
    out[0] = hi;
    out[1] = lo;
  }

  /** {@code w[j] ← w[j] / sum} for j in [from, to) (each quotient correctly rounded, as the scalar division). */
  static void divide(double[] w, int from, int to, double sum) {
    int j = from;
    for (; j + L <= to; j += L) {
      DoubleVector.fromArray(S, w, j).div(sum).intoArray(w, j);
    }
    for (; j < to; j++) {
      w[j] /= sum;
    }
  }
}
