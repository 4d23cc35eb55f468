package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.apache.commons.math3.util.Decimal64;
import org.apache.commons.math3.util.Decimal64Field;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The immutable matrix: products in both modes, slicing, stacking, empty shapes, and every refused shape. */
class MatTest {

  static final BigFractionField F = BigFractionField.getInstance();

  static Mat<BigFraction> m(int den, int[]... rows) {
    return Mat.ofInts(den, rows);
  }

  static Mat<Decimal64> d(double[]... rows) {
    return Mat.of(Decimal64Field.getInstance(), rows.length, rows[0].length, (i, j) -> new Decimal64(rows[i][j]));
  }

  static void assertRefused(Class<? extends RuntimeException> type, String message, Executable call) {
    assertEquals(message, assertThrows(type, call).getMessage());
  }

  /** A = [[1, 2, 3], [4, 5, 6]] (2x3), B = [[1, 0], [0, 1], [1, −1]] (3x2). */
  static final Mat<BigFraction> A = m(1, new int[] {1, 2, 3}, new int[] {4, 5, 6});
  static final Mat<BigFraction> B = m(1, new int[] {1, 0}, new int[] {0, 1}, new int[] {1, -1});

  @Test
  @DisplayName("A B and A Aᵀ by hand, exact and in doubles")
  void products() {
    // A B = [[1 + 3, 2 − 3], [4 + 6, 5 − 6]]; A Aᵀ = [[14, 32], [32, 77]]
    assertEquals(m(1, new int[] {4, -1}, new int[] {10, -1}), A.times(B));
    assertEquals(m(1, new int[] {14, 32}, new int[] {32, 77}), A.timesTransposed(A));
    assertEquals(m(1, new int[] {4, 10}, new int[] {-1, -1}), A.timesTransposed(B.transpose()).transpose());
    Mat<Decimal64> ad = d(new double[] {1, 2, 3}, new double[] {4, 5, 6});
    Mat<Decimal64> bd = d(new double[] {1, 0}, new double[] {0, 1}, new double[] {1, -1});
    assertEquals(d(new double[] {4, -1}, new double[] {10, -1}), ad.times(bd));
    assertEquals(d(new double[] {14, 32}, new double[] {32, 77}), ad.timesTransposed(ad));
    // empty inner dimension: 2x0 times 0x3 is the 2x3 zero matrix
    assertEquals(Mat.zeros(F, 2, 3), Mat.zeros(F, 2, 0).times(Mat.zeros(F, 0, 3)));
    assertEquals(Mat.zeros(F, 2, 3), Mat.zeros(F, 2, 0).timesTransposed(Mat.zeros(F, 3, 0)));
    assertRefused(IllegalArgumentException.class, "cannot multiply 2x3 by 2x3", () -> A.times(A));
    assertRefused(IllegalArgumentException.class, "cannot multiply 2x3 by the transpose of 3x2", () -> A.timesTransposed(B));
  }

  @Test
  @DisplayName("entry-wise sums, differences, scaling, row broadcast and maps")
  void entryWise() {
    Mat<BigFraction> h = m(2, new int[] {1, 1, 1}, new int[] {0, 2, -2});
    assertEquals(m(2, new int[] {3, 5, 7}, new int[] {8, 12, 10}), A.plus(h));
    assertEquals(m(2, new int[] {1, 3, 5}, new int[] {8, 8, 14}), A.minus(h));
    assertEquals(m(3, new int[] {1, 2, 3}, new int[] {4, 5, 6}), A.scale(new BigFraction(1, 3)));
    assertEquals(m(1, new int[] {2, 2, 2}, new int[] {5, 5, 5}), A.plusRow(m(1, new int[] {1, 0, -1})));
    assertEquals(m(1, new int[] {1, 4, 9}, new int[] {16, 25, 36}), A.map(x -> x.multiply(x)));
    assertRefused(IllegalArgumentException.class, "cannot add 2x3 and 3x2", () -> A.plus(B));
    assertRefused(IllegalArgumentException.class, "cannot subtract 2x3 and 2x2", () -> A.minus(Mat.zeros(F, 2, 2)));
    assertRefused(IllegalArgumentException.class, "cannot add 2x3 and 1x3", () -> A.plus(Mat.zeros(F, 1, 3)));
    assertRefused(IllegalArgumentException.class, "cannot add row vector 2x3 to rows of 2x3", () -> A.plusRow(A));
    assertRefused(IllegalArgumentException.class, "cannot add row vector 1x2 to rows of 2x3",
        () -> A.plusRow(Mat.zeros(F, 1, 2)));
  }

  @Test
  @DisplayName("slices, single entries and replaced entries; every index outside the shape is refused")
  void slicing() {
    assertEquals(m(1, new int[] {4, 5, 6}), A.rows(1, 2));
    assertEquals(m(1, new int[] {4, 5, 6}), A.row(1));
    assertEquals(m(1, new int[] {2, 3}, new int[] {5, 6}), A.cols(1, 3));
    assertEquals(Mat.zeros(F, 0, 3), A.rows(1, 1));
    assertEquals(m(1, new int[] {1, 2, 3}, new int[] {4, 9, 6}), A.with(1, 1, new BigFraction(9)));
    assertEquals(new BigFraction(6), A.get(1, 2));
    for (int[] ij : new int[][] {{-1, 0}, {2, 0}, {0, -1}, {0, 3}}) {
      assertRefused(IndexOutOfBoundsException.class, "(" + ij[0] + ", " + ij[1] + ") outside 2x3", () -> A.get(ij[0], ij[1]));
    }
    assertRefused(IndexOutOfBoundsException.class, "(2, 0) outside 2x3", () -> A.with(2, 0, BigFraction.ONE));
    assertRefused(IndexOutOfBoundsException.class, "rows [-1, 1) outside 2x3", () -> A.rows(-1, 1));
    assertRefused(IndexOutOfBoundsException.class, "rows [0, 3) outside 2x3", () -> A.rows(0, 3));
    assertRefused(IndexOutOfBoundsException.class, "rows [2, 1) outside 2x3", () -> A.rows(2, 1));
    assertRefused(IndexOutOfBoundsException.class, "columns [-1, 1) outside 2x3", () -> A.cols(-1, 1));
    assertRefused(IndexOutOfBoundsException.class, "columns [0, 4) outside 2x3", () -> A.cols(0, 4));
    assertRefused(IndexOutOfBoundsException.class, "columns [2, 1) outside 2x3", () -> A.cols(2, 1));
    assertEquals(Mat.zeros(F, 2, 0), A.cols(3, 3));
  }

  @Test
  @DisplayName("stacking: rows below rows (an empty side takes the other's width), columns beside columns")
  void stacking() {
    assertEquals(m(1, new int[] {1, 2, 3}, new int[] {4, 5, 6}, new int[] {1, 2, 3}), A.vstack(A.row(0)));
    assertEquals(A, Mat.zeros(F, 0, 7).vstack(A));
    assertEquals(A, A.vstack(Mat.zeros(F, 0, 7)));
    assertEquals(m(1, new int[] {1, 2, 3, 1, 0}, new int[] {4, 5, 6, 0, 1}), A.hstack(B.rows(0, 2)));
    assertRefused(IllegalArgumentException.class, "cannot stack 2x3 on 3x2", () -> A.vstack(B));
    assertRefused(IllegalArgumentException.class, "cannot place 3x2 beside 2x3", () -> A.hstack(B));
  }

  @Test
  @DisplayName("factories: identity, zeros, a row from a list, integer rows; negative, null and ragged input refused")
  void factories() {
    assertEquals(m(1, new int[] {1, 0}, new int[] {0, 1}), Mat.identity(F, 2));
    assertEquals(m(1, new int[] {0, 0, 0}), Mat.zeros(F, 1, 3));
    assertEquals(m(2, new int[] {1, 4}), Mat.row(F, List.of(new BigFraction(1, 2), new BigFraction(2))));
    assertEquals(0, Mat.ofInts(1, new int[0][]).rows());
    assertEquals(0, Mat.ofInts(1, new int[0][]).cols());
    assertRefused(IllegalArgumentException.class, "ragged rows: expected 2 columns, got 1",
        () -> Mat.ofInts(1, new int[][] {{1, 2}, {3}}));
    assertRefused(IllegalArgumentException.class, "matrix shape must be non-negative, got -1x2",
        () -> Mat.zeros(F, -1, 2));
    assertRefused(IllegalArgumentException.class, "matrix shape must be non-negative, got 2x-1",
        () -> Mat.zeros(F, 2, -1));
    assertRefused(IllegalArgumentException.class, "null entry at (0, 1)",
        () -> Mat.of(F, 1, 2, (i, j) -> j == 0 ? BigFraction.ONE : null));
  }

  @Test
  @DisplayName("equality by shape and value, hash, conversion, doubles, printing")
  void valueSemantics() {
    Mat<BigFraction> column = m(1, new int[] {1}, new int[] {2});
    assertNotEquals(column.transpose(), column);
    assertNotEquals(A, A.with(1, 2, BigFraction.ZERO));
    assertNotEquals(A, A.rows(0, 1));
    assertNotEquals(A, "A");
    assertEquals(A, m(2, new int[] {2, 4, 6}, new int[] {8, 10, 12}));
    assertEquals(A.hashCode(), m(2, new int[] {2, 4, 6}, new int[] {8, 10, 12}).hashCode());
    assertNotEquals(column.hashCode(), column.transpose().hashCode());
    assertEquals(d(new double[] {0.5, 1}), m(2, new int[] {1, 2}).convert(Decimal64Field.getInstance(),
        v -> new Decimal64(v.doubleValue())));
    assertArrayEquals(new double[][] {{0.25, -1}}, m(4, new int[] {1, -4}).toDoubles(Arith.exact()));
    assertEquals("[[1, 1/2]; [-3, 0]]", m(2, new int[] {2, 1}, new int[] {-6, 0}).toString());
    assertEquals("[]", Mat.zeros(F, 0, 2).toString());
    assertEquals("2x3", A.shape());
    assertEquals(F, A.field());
  }
}
