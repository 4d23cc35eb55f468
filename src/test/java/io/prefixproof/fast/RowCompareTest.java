package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The row kernels of the double engine against entry-by-entry loops written from their definitions: the
 * vectorised and the scalar kernel give the same doubles on every length and offset, a NaN or one entry
 * just past its tolerance shows in the row's maxima, and the softmax rows' scaling and division equal the
 * scalar operations.
 */
class RowCompareTest {

  /** {max_j |a_j − b_j·keep|, max_j |a_j − b_j·keep| / (c·max(a_j, b_j) + floor)}, one entry at a time. */
  static double[] byEntry(double[] a, int ao, double[] b, int bo, int n, double keep, double c, double floor) {
    double err = 0;
    double ratio = 0;
    for (int j = 0; j < n; j++) {
      double e = Math.abs(a[ao + j] - b[bo + j] * keep);
      double t = c * Math.max(a[ao + j], b[bo + j]) + floor;
      err = Math.max(err, e);
      ratio = Math.max(ratio, e / t);
    }
    return new double[] {err, ratio};
  }

  /** Both kernels' maxima for the same row. */
  static double[][] kernels(double[] a, int ao, double[] b, int bo, int n, double keep, double c, double floor) {
    double[] vector = new double[2];
    Vectorised.compareRow(a, ao, b, bo, n, keep, c, floor, vector);
    double[] scalar = new double[2];
    RowCompare.scalar(a, ao, b, bo, 0, n, keep, c, floor, scalar);
    return new double[][] {vector, scalar};
  }

  /** A row of softmax-like weights b and a ≈ b·keep, with rounding-sized differences. */
  static double[][] row(SplittableRandom r, int len, double keep) {
    double[] a = new double[len + 5];
    double[] b = new double[len + 5];
    for (int j = 0; j < b.length; j++) {
      b[j] = r.nextDouble() * Math.exp(-40 * r.nextDouble());
      a[j] = b[j] * keep * (1 + (r.nextDouble() - 0.5) * 1e-15);
    }
    return new double[][] {a, b};
  }

  @Test
  @DisplayName("vectorised and scalar row comparisons equal the entry-by-entry maxima bit for bit, lengths 0..70")
  void kernelsEqualEntryByEntry() {
    assertTrue(Gemm.VECTOR, "the test run passes --add-modules jdk.incubator.vector (pom.xml argLine)");
    SplittableRandom r = new SplittableRandom(15);
    for (int len = 0; len <= 70; len++) {
      double keep = 1 - r.nextDouble() * 0.3;
      double[][] ab = row(r, len, keep);
      int ao = r.nextInt(3);
      int bo = r.nextInt(3);
      double c = 1e-14 * (1 + r.nextDouble());
      double[] want = byEntry(ab[0], ao, ab[1], bo, len, keep, c, 0x1p-1000);
      for (double[] got : kernels(ab[0], ao, ab[1], bo, len, keep, c, 0x1p-1000)) {
        assertEquals(Double.doubleToRawLongBits(want[0]), Double.doubleToRawLongBits(got[0]), "error, length " + len);
        assertEquals(Double.doubleToRawLongBits(want[1]), Double.doubleToRawLongBits(got[1]), "ratio, length " + len);
      }
    }
  }

  @Test
  @DisplayName("one entry 1.01 times past its tolerance, at any position of the row, or one NaN, shows in both kernels")
  void violationsShow() {
    SplittableRandom r = new SplittableRandom(16);
    double c = 4e-14;
    double floor = 0x1p-1000;
    for (int len : new int[] {1, 7, 8, 9, 16, 31, 64, 68}) {
      for (int at = 0; at < len; at++) {
        double keep = 0.9;
        double[][] ab = row(r, len, keep);
        double[] a = ab[0];
        double[] b = ab[1];
        // a_j = b_j·keep + 1.01·t_j: past the tolerance, which stays c·b_j + floor (b_j > a_j)
        a[at] = b[at] * keep + 1.01 * (c * b[at] + floor);
        assertTrue(byEntry(a, 0, b, 0, len, keep, c, floor)[1] > 1, "planted entry is a violation by definition");
        for (double[] got : kernels(a, 0, b, 0, len, keep, c, floor)) {
          assertTrue(got[1] > 1, "length " + len + ", entry " + at + ": ratio " + got[1]);
        }
        a[at] = Double.NaN;
        for (double[] got : kernels(a, 0, b, 0, len, keep, c, floor)) {
          assertTrue(Double.isNaN(got[0]) && Double.isNaN(got[1]), "NaN at " + at + " of " + len);
        }
      }
    }
  }

  @Test
  @DisplayName("a row scaled in vectors holds the scalar products and their largest and smallest; division is exact"
      + " to the scalar quotient")
  void scaleAndDivide() {
    SplittableRandom r = new SplittableRandom(17);
    for (int len = 0; len <= 40; len++) {
      double[] s = r.doubles(len + 4, -80, 80).toArray();
      double[] v = s.clone();
      double sigma = 0.25 + r.nextDouble();
      double[] range = new double[2];
      Vectorised.scaleRow(v, 2, 2 + len, sigma, range);
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (int j = 0; j < s.length; j++) {
        double want = j >= 2 && j < 2 + len ? sigma * s[j] : s[j];
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(v[j]), "scaled entry " + j);
        if (j >= 2 && j < 2 + len) {
          max = Math.max(max, want);
          min = Math.min(min, want);
        }
      }
      assertEquals(max, range[0]);
      assertEquals(min, range[1]);
      double sum = 1 + r.nextDouble() * 50;
      double[] w = s.clone();
      Vectorised.divide(w, 1, 1 + len, sum);
      for (int j = 0; j < s.length; j++) {
        double want = j >= 1 && j < 1 + len ? s[j] / sum : s[j];
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(w[j]), "quotient " + j);
      }
    }
    double[] bad = {1, 2, Double.POSITIVE_INFINITY, 3, 4, 5, 6, 7, 8, Double.NaN};
    double[] range = new double[2];
    Vectorised.scaleRow(bad, 0, 9, 2, range);
    assertEquals(Double.POSITIVE_INFINITY, range[0], "an infinite score shows as the largest");
    Vectorised.scaleRow(bad, 0, 10, 2, range);
    assertTrue(Double.isNaN(range[0]) && Double.isNaN(range[1]), "a NaN score shows in both");
  }

  @Test
  @DisplayName("by hand: a = (1, 2, 5), b = (1, 1, 1), keep 2, c = 1/2, floor 1 give errors (1, 0, 3), tolerances"
      + " (3/2, 2, 7/2): largest error 3, largest ratio 6/7; an empty row gives 0 and 0")
  void byHand() {
    double[] a = {9, 1, 2, 5};
    double[] b = {1, 1, 1};
    double[] out = {-1, -1};
    RowCompare.scaled(a, 1, b, 0, 3, 2, 0.5, 1, out);
    assertEquals(3.0, out[0]);
    assertEquals(3 / 3.5, out[1]);
    double[] scalar = {0, 0};
    RowCompare.scalar(a, 1, b, 0, 0, 3, 2, 0.5, 1, scalar);
    assertEquals(3.0, scalar[0]);
    assertEquals(3 / 3.5, scalar[1]);
    double[] empty = {-1, -1};
    RowCompare.scaled(a, 0, b, 0, 0, 2, 0.5, 1, empty);
    assertEquals(0.0, empty[0]);
    assertEquals(0.0, empty[1]);
    // each kernel through the dispatch, whichever the warm-up has put in force
    for (boolean vector : new boolean[] {false, Gemm.VECTOR}) {
      double[] chosen = {-1, -1};
      RowCompare.scaled(vector, a, 1, b, 0, 3, 2, 0.5, 1, chosen);
      assertEquals(3.0, chosen[0], "vector " + vector);
      assertEquals(3 / 3.5, chosen[1], "vector " + vector);
    }
  }
}
