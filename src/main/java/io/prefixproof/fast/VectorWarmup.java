package io.prefixproof.fast;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * Scalar kernels until the vectorised ones are compiled. Before C2 compiles them, the Vector API's
 * kernels run in the interpreter or C1, which box every vector: W1 medium ran at a quarter of the scalar
 * rate over its first 10 s on a loaded machine (proofs-notes/performance.md, "Warm-up"). On the first
 * product a daemon thread times both kernels on a small product and exponential that take every branch
 * (4-row tiles and the rest, two-vector, one-vector and scalar columns, with and without limits), and the
 * softmax rows' scaling and division and the limitation checks' row comparisons ({@link RowCompare}), and
 * flips {@link #ready()} once the vectorised kernel has been the faster three batches in a row. Both
 * give the same doubles ({@link Gemm}), so the switch changes speed only.
 * {@code -Dprefixproof.vectorWarmup=false} uses the vectorised kernels from the start.
 */
final class VectorWarmup {
  private VectorWarmup() {}

  private static volatile long readyAtMillis = Boolean.parseBoolean(
      System.getProperty("prefixproof.vectorWarmup", "true")) ? -1 : 0;

  static {
    if (Gemm.VECTOR && readyAtMillis < 0) {
      Thread t = new Thread(VectorWarmup::race, "prefixproof-vector-warmup");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      t.start();
    }
  }

  /** Whether the vectorised kernels are compiled and faster than the scalar ones (always once decided). */
  static boolean ready() {
    return readyAtMillis >= 0;
  }

  /** JVM uptime in ms when the vectorised kernels took over (0 without warm-up), or −1 before. */
  static long readyAtMillis() {
    return readyAtMillis;
  }

  /**
   * Batches run flat out: 40 kernel calls each, so 250 batches pass C2's invocation threshold (5,000) with
   * room to spare; after them the thread paces itself (a batch every 20 ms) while the compiler catches up.
   */
  private static final int EAGER_BATCHES = 250;

  private static void race() {
    int m = 10;
    int kk = 24;
    int n = 43;
    SplittableRandom r = new SplittableRandom(1);
    double[] a = r.doubles(m * kk, -1, 1).toArray();
    double[] b = r.doubles(kk * n, -1, 1).toArray();
    double[] c = new double[m * n];
    double[] s = r.doubles(67, -30, 0).toArray();
    double[] w = new double[s.length];
    int[] cols = new int[m];
    int[] depth = new int[m];
    for (int i = 0; i < m; i++) {
      cols[i] = n - 3 * i;
      depth[i] = kk - 2 * i;
    }
    try {
      int wins = 0;
      for (int batch = 0; wins < 3; batch++) {
        long vector = time(true, a, b, c, kk, n, m, cols, depth, s, w);
        long scalar = time(false, a, b, c, kk, n, m, cols, depth, s, w);
        wins = vector < scalar ? wins + 1 : 0;
        if (batch > EAGER_BATCHES) {
          Thread.sleep(20);
        }
      }
      readyAtMillis = ManagementFactory.getRuntimeMXBean().getUptime();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long time(boolean vector, double[] a, double[] b, double[] c, int kk, int n, int m, int[] cols,
      int[] depth, double[] s, double[] w) {
    double[] range = new double[2];
    long t0 = System.nanoTime();
    for (int rep = 0; rep < 20; rep++) {
      if (vector) {
        Vectorised.rows(a, b, c, kk, n, 0, m, null, null);
        Vectorised.rows(a, b, c, kk, n, 0, m, cols, depth);
        Vectorised.expShifted(s, w, 0, s.length, 0);
        Vectorised.scaleRow(w, 0, w.length, 1.0, range);
        Vectorised.divide(w, 0, w.length, 1.0);
        Vectorised.compareRow(s, 0, w, 0, s.length, 0.5, 1e-14, 1e-300, range);
      } else {
        Gemm.scalarRows(a, b, c, kk, n, 0, m, null, null);
        Gemm.scalarRows(a, b, c, kk, n, 0, m, cols, depth);
        Gemm.scalarExpShifted(s, w, 0, s.length, 0);
        // the scalar counterparts of scaleRow and divide (FastModel.head's loops), then of compareRow
        for (int j = 0; j < w.length; j++) {
          w[j] = 1.0 * w[j];
          range[0] = Math.max(range[0], w[j]);
          range[1] = Math.min(range[1], w[j]);
        }
        for (int j = 0; j < w.length; j++) {
          w[j] /= 1.0;
        }
        RowCompare.scalar(s, 0, w, 0, 0, s.length, 0.5, 1e-14, 1e-300, range);
      }
    }
    return System.nanoTime() - t0;
  }
}
