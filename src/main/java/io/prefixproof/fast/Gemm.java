package io.prefixproof.fast;

import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Dense products for the double engine. Every entry {@code c_ij} is one chain of fused multiply-adds over
 * k = 0, 1, …, starting from +0: {@code c ← fma(a_ik, b_kj, c)}. Whichever implementation runs (the
 * vectorised one with the incubating {@code jdk.incubator.vector} module present, a scalar loop
 * otherwise), however the rows are split over threads, and whatever other rows or columns the operands
 * have, an entry is the same double: a content score is bit for bit the same in a prefixed run and in the
 * prefix-free reference, which the error model of {@link io.prefixproof.claims.DoubleLimitations} uses.
 *
 * <p>Causal attention needs only part of its products: row i of the scores only the keys it may attend,
 * row i of the head output only the weights that can be nonzero. {@link #multTransB(DMatrixRMaj,
 * DMatrixRMaj, DMatrixRMaj, int[])} and {@link #mult(DMatrixRMaj, DMatrixRMaj, DMatrixRMaj, int[])} take
 * those limits and skip the rest (about half of the work).
 *
 * <p>The launcher and the test run pass {@code --add-modules jdk.incubator.vector}; without it (or with
 * {@code -Dprefixproof.scalar=true}) the scalar loop gives the same results more slowly. With it, the
 * scalar loop still runs until the vectorised kernels are compiled ({@link VectorWarmup}).
 */
public final class Gemm {
  private Gemm() {}

  /** Whether the vectorised kernel is in use. */
  public static final boolean VECTOR = !Boolean.getBoolean("prefixproof.scalar")
      && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /**
   * JVM uptime in ms when the vectorised kernels took over from the scalar ones ({@link VectorWarmup}; 0
   * without warm-up), or −1 while the scalar ones still run or without the vector module.
   */
  public static long vectorReadyAtMillis() {
    return VECTOR ? VectorWarmup.readyAtMillis() : -1;
  }

  /** Whether products and exponentials take the vectorised kernels now. */
  static boolean vectorNow() {
    return VECTOR && VectorWarmup.ready();
  }

  /** Products of at least this many multiply-adds split their rows over the common fork-join pool. */
  static final long PARALLEL_WORK = 1L << 20;

  /** {@code c = a b}. */
  public static void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
    mult(a, b, c, null);
  }

  /**
   * {@code c = a b} where row i of a is zero from column {@code depth[i]} on (null: no such zeros); the
   * products with those zeros are skipped, which changes no value (at most the sign of a zero entry).
   */
  public static void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int[] depth) {
    if (a.numCols != b.numRows || c.numRows != a.numRows || c.numCols != b.numCols) {
      throw new IllegalArgumentException("cannot multiply " + a.numRows + "x" + a.numCols + " by " + b.numRows + "x"
          + b.numCols + " into " + c.numRows + "x" + c.numCols);
    }
    checkLimits(depth, a.numRows, a.numCols, "depth");
    run(a, b, c, null, depth);
  }

  /** {@code c = a bᵀ}. */
  public static void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
    multTransB(a, b, c, null);
  }

  /**
   * {@code c = a bᵀ} on columns {@code j < cols[i]} of row i only, zero beyond (null: every column). b is
   * transposed once so that the product walks rows of both operands.
   */
  public static void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int[] cols) {
    if (a.numCols != b.numCols || c.numRows != a.numRows || c.numCols != b.numRows) {
      throw new IllegalArgumentException("cannot multiply " + a.numRows + "x" + a.numCols + " by the transpose of "
          + b.numRows + "x" + b.numCols + " into " + c.numRows + "x" + c.numCols);
    }
    checkLimits(cols, a.numRows, b.numRows, "column");
    run(a, CommonOps_DDRM.transpose(b, null), c, cols, null);
  }

  private static void checkLimits(int[] limits, int rows, int max, String what) {
    if (limits == null) {
      return;
    }
    if (limits.length != rows) {
      throw new IllegalArgumentException(limits.length + " " + what + " limits for " + rows + " rows");
    }
    for (int i = 0; i < rows; i++) {
      if (limits[i] < 0 || limits[i] > max) {
        throw new IllegalArgumentException(what + " limit " + limits[i] + " of row " + i + " outside [0, " + max + "]");
      }
    }
  }

  /**
   * Right operands of at least this many entries (2 MiB of doubles, past the L2 cache) are multiplied by k
   * blocks ({@link Vectorised#blocked}) when there are no limits and at least {@link #BLOCKED_ROWS} rows.
   */
  static final long BLOCKED_ENTRIES = 1L << 18;

  /** Fewest rows for {@link Vectorised#blocked}: two tiles of 4 rows share each block of the right operand. */
  static final int BLOCKED_ROWS = 8;

  private static void run(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int[] cols, int[] depth) {
    int m = a.numRows;
    long work = (long) m * a.numCols * b.numCols;
    boolean vector = vectorNow();
    if (vector && cols == null && depth == null && m >= BLOCKED_ROWS
        && (long) b.numRows * b.numCols >= BLOCKED_ENTRIES) {
      Vectorised.blocked(a.data, b.data, c.data, m, a.numCols, b.numCols, work >= PARALLEL_WORK);
      return;
    }
    if (work >= PARALLEL_WORK && m >= 16) {
      int chunks = Math.min(m / 8, 4 * Runtime.getRuntime().availableProcessors());
      IntStream.range(0, chunks).parallel().forEach(t -> rows(a, b, c, 4 * (int) ((long) (m / 4) * t / chunks),
          t == chunks - 1 ? m : 4 * (int) ((long) (m / 4) * (t + 1) / chunks), vector, cols, depth));
    } else {
      rows(a, b, c, 0, m, vector, cols, depth);
    }
  }

  /**
   * Rows [from, to) of {@code c = a b}, vectorised or not (both give the same doubles): row i on columns
   * below {@code cols[i]} (zero beyond) and over k below {@code depth[i]} (a is zero beyond); null limits
   * mean the whole row.
   */
  static void rows(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, int from, int to, boolean vector, int[] cols,
      int[] depth) {
    if (vector) {
      Vectorised.rows(a.data, b.data, c.data, a.numCols, b.numCols, from, to, cols, depth);
    } else {
      scalarRows(a.data, b.data, c.data, a.numCols, b.numCols, from, to, cols, depth);
    }
  }

  /** The largest limit of rows [i, i + rows), or {@code all} without limits. */
  static int limit(int[] limits, int i, int rows, int all) {
    if (limits == null) {
      return all;
    }
    int max = 0;
    for (int r = i; r < i + rows; r++) {
      max = Math.max(max, limits[r]);
    }
    return max;
  }

  /** Row-broadcast loops (C2 vectorises the inner one), each entry the same fma chain. */
  static void scalarRows(double[] a, double[] b, double[] c, int kk, int n, int from, int to, int[] cols,
      int[] depth) {
    double[] row = new double[n];
    for (int i = from; i < to; i++) {
      int width = limit(cols, i, 1, n);
      int steps = limit(depth, i, 1, kk);
      java.util.Arrays.fill(row, 0.0);
      for (int k = 0; k < steps; k++) {
        double aik = a[i * kk + k];
        int bk = k * n;
        for (int j = 0; j < width; j++) {
          row[j] = Math.fma(aik, b[bk + j], row[j]);
        }
      }
      System.arraycopy(row, 0, c, i * n, n);
    }
  }

  /**
   * {@code w[j] = exp(s[j] − shift)} for j in [from, to), vectorised when the module is present (the vector
   * {@code EXP} is specified to Math.exp's accuracy, within 1 ulp); returns the sum in index order.
   */
  public static double expShifted(double[] s, double[] w, int from, int to, double shift) {
    return vectorNow() ? Vectorised.expShifted(s, w, from, to, shift) : scalarExpShifted(s, w, from, to, shift);
  }

  /** {@link #expShifted} with {@code Math.exp}. */
  static double scalarExpShifted(double[] s, double[] w, int from, int to, double shift) {
    double sum = 0;
    for (int j = from; j < to; j++) {
      w[j] = Math.exp(s[j] - shift);
      sum += w[j];
    }
    return sum;
  }

  /** Columns [from, to) of row i, each entry its fma chain over the first {@code steps} k. */
  static void scalarColumns(double[] a, double[] b, double[] c, int kk, int steps, int n, int i, int from, int to) {
    for (int j = from; j < to; j++) {
      double acc = 0.0;
      for (int k = 0; k < steps; k++) {
        acc = Math.fma(a[i * kk + k], b[k * n + j], acc);
      }
      c[i * n + j] = acc;
    }
  }
}
