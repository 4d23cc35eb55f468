package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The product kernels: every entry is the fma chain over k in order, bit for bit, whichever kernel runs,
 * with or without row limits, split over threads or not; content rows of a longer operand give the same
 * doubles as the operand alone.
 */
class GemmTest {

  /** The defining chain, entry by entry. */
  static double[] reference(DMatrixRMaj a, DMatrixRMaj b, int[] cols, int[] depth) {
    double[] c = new double[a.numRows * b.numCols];
    for (int i = 0; i < a.numRows; i++) {
      for (int j = 0; j < (cols == null ? b.numCols : cols[i]); j++) {
        double acc = 0.0;
        for (int k = 0; k < (depth == null ? a.numCols : depth[i]); k++) {
          acc = Math.fma(a.get(i, k), b.get(k, j), acc);
        }
        c[i * b.numCols + j] = acc;
      }
    }
    return c;
  }

  static int[] limits(SplittableRandom r, int rows, int max) {
    int[] l = new int[rows];
    for (int i = 0; i < rows; i++) {
      l[i] = r.nextInt(max + 1);
    }
    return l;
  }

  @Test
  @DisplayName("vectorised and scalar kernels equal the fma chain bit for bit on shapes 1..40, with random row limits")
  void kernelsAgreeBitForBit() {
    assertTrue(Gemm.VECTOR, "the test run passes --add-modules jdk.incubator.vector (pom.xml argLine)");
    Gen<List<Object>> shapes = Gen.tuple(Gen.integers(1, 40), Gen.integers(1, 40), Gen.integers(1, 40),
        Gen.integers(0, 2), Gen.longs(0, Long.MAX_VALUE));
    Property.of("Gemm = fma chain", shapes).seed(21).tries(300).check(s -> {
      int m = (Integer) s.get(0);
      int k = (Integer) s.get(1);
      int n = (Integer) s.get(2);
      int limitKind = (Integer) s.get(3);
      SplittableRandom r = new SplittableRandom((Long) s.get(4));
      DMatrixRMaj a = DoubleCases.gaussian(r, m, k, 0, 1);
      DMatrixRMaj b = DoubleCases.gaussian(r, k, n, 0, 1);
      int[] cols = limitKind == 1 ? limits(r, m, n) : null;
      int[] depth = limitKind == 2 ? limits(r, m, k) : null;
      if (depth != null) {
        for (int i = 0; i < m; i++) {
          for (int j = depth[i]; j < k; j++) {
            a.set(i, j, 0);
          }
        }
      }
      double[] want = reference(a, b, cols, depth);
      boolean same = true;
      for (boolean vector : new boolean[] {true, false}) {
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        java.util.Arrays.fill(c.data, Double.NaN);
        Gemm.rows(a, b, c, 0, m, vector, cols, depth);
        for (int i = 0; i < want.length; i++) {
          // value equality; with depth limits only the sign of a zero may differ from the full chain
          same &= depth == null ? Double.compare(want[i], c.data[i]) == 0 : want[i] == c.data[i];
        }
      }
      return same;
    });
  }

  @Test
  @DisplayName("a product split over threads equals the single-threaded one, and the rows of [S; X]·W equal X·W")
  void threadsAndStackedRows() {
    SplittableRandom r = new SplittableRandom(5);
    DMatrixRMaj x = DoubleCases.gaussian(r, 300, 200, 0, 1);
    DMatrixRMaj s = DoubleCases.gaussian(r, 7, 200, 0, 1);
    DMatrixRMaj w = DoubleCases.gaussian(r, 64, 200, 0, 1);
    assertTrue((long) x.numRows * x.numCols * w.numRows >= Gemm.PARALLEL_WORK);
    DMatrixRMaj parallel = new DMatrixRMaj(300, 64);
    Gemm.multTransB(x, w, parallel);
    DMatrixRMaj serial = new DMatrixRMaj(300, 64);
    Gemm.rows(x, org.ejml.dense.row.CommonOps_DDRM.transpose(w, null), serial, 0, 300, Gemm.VECTOR, null, null);
    assertArrayEquals(serial.data, parallel.data);
    DMatrixRMaj stacked = new DMatrixRMaj(307, 64);
    Gemm.multTransB(org.ejml.dense.row.CommonOps_DDRM.concatRowsMulti(s, x), w, stacked);
    for (int i = 0; i < 300; i++) {
      for (int j = 0; j < 64; j++) {
        assertEquals(Double.doubleToRawLongBits(parallel.get(i, j)), Double.doubleToRawLongBits(stacked.get(7 + i, j)));
      }
    }
  }

  @Test
  @DisplayName("large right operands, multiplied by k blocks with the columns split over threads, equal the fma chain;"
      + " so do tails of rows and columns, in one thread")
  void blockedProducts() {
    SplittableRandom r = new SplittableRandom(7);
    // 513 = two full k blocks and one step; 517 columns leave a tail past the last strip of 2 vectors
    DMatrixRMaj a = DoubleCases.gaussian(r, 13, 513, 0, 1);
    DMatrixRMaj b = DoubleCases.gaussian(r, 513, 517, 0, 1);
    assertTrue((long) b.numRows * b.numCols >= Gemm.BLOCKED_ENTRIES && 513 > 2 * Vectorised.K_BLOCK);
    assertChain(a, b, c -> Gemm.mult(a, b, c), "Gemm.mult");
    // the kernel itself, whether or not the vectorised kernels have taken over in Gemm yet (VectorWarmup)
    assertChain(a, b, c -> Vectorised.blocked(a.data, b.data, c.data, 13, 513, 517, true), "in threads");
    for (int m : new int[] {8, 9, 11}) {
      // 46 columns leave a single-vector strip and scalar columns past the 2-vector strips for 2, 4 and 8 lanes;
      // 5 columns fill no strip of 2 vectors when there are 4 or 8 lanes
      for (int n : new int[] {5, 37, 46}) {
        DMatrixRMaj x = DoubleCases.gaussian(r, m, 600, 0, 1);
        DMatrixRMaj y = DoubleCases.gaussian(r, 600, n, 0, 1);
        assertChain(x, y, c -> Vectorised.blocked(x.data, y.data, c.data, m, 600, n, false), m + "x" + n);
      }
    }
  }

  @Test
  @DisplayName("column limits on a right operand large enough for the blocked kernel: each row's chain, zero past its"
      + " limit")
  void limitsOnLargeOperands() throws InterruptedException {
    awaitVectorKernels();
    SplittableRandom r = new SplittableRandom(8);
    DMatrixRMaj a = DoubleCases.gaussian(r, 9, 600, 0, 1);
    DMatrixRMaj w = DoubleCases.gaussian(r, 460, 600, 0, 1);
    // multTransB multiplies by wᵀ, 600 × 460 entries: past BLOCKED_ENTRIES, with 9 rows past BLOCKED_ROWS
    assertTrue(600L * 460 >= Gemm.BLOCKED_ENTRIES && 9 >= Gemm.BLOCKED_ROWS);
    int[] cols = limits(r, 9, 460);
    DMatrixRMaj c = new DMatrixRMaj(9, 460);
    java.util.Arrays.fill(c.data, Double.NaN);
    Gemm.multTransB(a, w, c, cols);
    assertArrayEquals(reference(a, org.ejml.dense.row.CommonOps_DDRM.transpose(w, null), cols, null), c.data);
  }

  /**
   * Waits at most 10 s for {@link VectorWarmup} to hand products to the vectorised kernels, so that a test of
   * their dispatch in {@link Gemm} reaches it; the product is checked whichever kernel runs.
   */
  static void awaitVectorKernels() throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (Gemm.vectorReadyAtMillis() < 0 && Gemm.VECTOR && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }

  /** {@code product} writes a b into a NaN-filled matrix; it must be the fma chain. */
  static void assertChain(DMatrixRMaj a, DMatrixRMaj b, java.util.function.Consumer<DMatrixRMaj> product, String what) {
    DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
    java.util.Arrays.fill(c.data, Double.NaN);
    product.accept(c);
    assertArrayEquals(reference(a, b, null, null), c.data, what);
  }

  @Test
  @DisplayName("a product of few rows and much work (4 rows, 2^20 multiply-adds) runs on one thread and equals the"
      + " fma chain")
  void fewRowsMuchWork() {
    // below 16 rows the split would give fewer than two chunks of 8 rows (none at all under 8)
    SplittableRandom r = new SplittableRandom(6);
    DMatrixRMaj a = DoubleCases.gaussian(r, 4, 1024, 0, 1);
    DMatrixRMaj b = DoubleCases.gaussian(r, 1024, 256, 0, 1);
    assertTrue((long) a.numRows * a.numCols * b.numCols >= Gemm.PARALLEL_WORK);
    DMatrixRMaj c = new DMatrixRMaj(4, 256);
    Gemm.mult(a, b, c, null);
    assertArrayEquals(reference(a, b, null, null), c.data);
  }

  @Test
  @DisplayName("vector and scalar softmax exponentials agree within 1 ulp each, on scores down to -745 (underflow)")
  void exponentials() {
    SplittableRandom r = new SplittableRandom(8);
    for (int len : new int[] {1, 7, 8, 9, 64, 531}) {
      double[] s = new double[len + 3];
      for (int j = 0; j < s.length; j++) {
        s[j] = -750 * r.nextDouble() * r.nextDouble();
      }
      double[] v = new double[s.length];
      double[] w = new double[s.length];
      double sv = Vectorised.expShifted(s, v, 3, 3 + len, -2.5);
      double sw = Gemm.scalarExpShifted(s, w, 3, 3 + len, -2.5);
      for (int j = 3; j < 3 + len; j++) {
        assertEquals(Math.exp(s[j] + 2.5), w[j], 0.0);
        assertTrue(Math.abs(v[j] - w[j]) <= Math.ulp(w[j]), "exp(" + s[j] + " + 2.5): " + v[j] + " vs " + w[j]);
      }
      assertEquals(sw, sv, len * 2 * Math.ulp(sw));
    }
  }

  @Test
  @DisplayName("mismatched shapes and limits are rejected with the shapes named")
  void badShapes() {
    DMatrixRMaj a = new DMatrixRMaj(2, 3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Gemm.mult(a, new DMatrixRMaj(4, 2), new DMatrixRMaj(2, 2)));
    assertTrue(e.getMessage().contains("2x3 by 4x2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.multTransB(a, new DMatrixRMaj(4, 3), new DMatrixRMaj(2, 4), new int[] {1, 5}));
    assertTrue(e.getMessage().contains("column limit 5 of row 1"), e.getMessage());
  }
}
