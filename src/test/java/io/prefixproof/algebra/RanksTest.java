package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Exact ranks of matrices whose rank is evident by inspection, column-span membership, and linear systems:
 * solutions reduced by hand, and random systems checked by substitution against a rank computed from
 * minors (a second, elimination-free implementation).
 */
class RanksTest {

  static Mat<BigFraction> m(int[]... rows) {
    return Mat.ofInts(1, rows);
  }

  @Test
  @DisplayName("rank: full, dependent rows, zero, empty, a zero leading pivot that needs a row swap, a tall matrix")
  void ranks() {
    assertEquals(3, Ranks.rank(Mat.identity(BigFractionField.getInstance(), 3)));
    assertEquals(1, Ranks.rank(m(new int[] {1, 2}, new int[] {2, 4})));
    assertEquals(0, Ranks.rank(Mat.zeros(BigFractionField.getInstance(), 2, 3)));
    assertEquals(0, Ranks.rank(Mat.zeros(BigFractionField.getInstance(), 0, 3)));
    assertEquals(2, Ranks.rank(m(new int[] {0, 1}, new int[] {1, 0})));
    assertEquals(2, Ranks.rank(m(new int[] {0, 0, 1}, new int[] {0, 2, 0}, new int[] {0, 4, 2})));
    assertEquals(2, Ranks.rank(m(new int[] {1, 2}, new int[] {3, 4}, new int[] {5, 6})));
    // rows (1, 1), (1, 1), (0, 1): the second is the first, the third is independent
    assertEquals(2, Ranks.rank(m(new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 1})));
    // (1, 2, 3) and (2, 4, 7): the first column alone would say rank 1
    assertEquals(2, Ranks.rank(m(new int[] {1, 2, 3}, new int[] {2, 4, 7})));
  }

  @Test
  @DisplayName("column span: (2, 4) lies in span{(1, 2)}, (1, 0) does not")
  void columnSpan() {
    Mat<BigFraction> basis = m(new int[] {1}, new int[] {2});
    assertTrue(Ranks.inColumnSpan(basis, m(new int[] {2}, new int[] {4})));
    assertFalse(Ranks.inColumnSpan(basis, m(new int[] {1}, new int[] {0})));
  }

  static Mat<BigFraction> col(int... values) {
    int[][] rows = new int[values.length][];
    for (int i = 0; i < values.length; i++) {
      rows[i] = new int[] {values[i]};
    }
    return m(rows);
  }

  @Test
  @DisplayName("solve by hand: x + 2y + z = 3, 2x + 4y = 2 has u = (1, 0, 2) and null space (−2, 1, 0)")
  void solveWithAFreeColumnBetweenPivots() {
    // R2 − 2·R1 = (0, 0, −2 | −4), so z = 2; R1 − z: x + 2y = 1; pivots x and z, y free and set to 0
    Ranks.Solution<BigFraction> s = Ranks.solve(m(new int[] {1, 2, 1}, new int[] {2, 4, 0}), col(3, 2));
    assertEquals(col(1, 0, 2), s.particular());
    assertEquals(List.of(col(-2, 1, 0)), s.nullBasis());
  }

  @Test
  @DisplayName("solve by hand: a row swap (u = (7, 5)), fractions (u = (1/5, 3/5)), a 1×2 zero system")
  void solveSquareAndZeroSystems() {
    Ranks.Solution<BigFraction> swap = Ranks.solve(m(new int[] {0, 1}, new int[] {1, 0}), col(5, 7));
    assertEquals(col(7, 5), swap.particular());
    assertEquals(List.of(), swap.nullBasis());
    // 2x + y = 1, x + 3y = 2: Cramer with det 5 gives x = (3 − 2)/5, y = (4 − 1)/5
    Ranks.Solution<BigFraction> fractions = Ranks.solve(m(new int[] {2, 1}, new int[] {1, 3}), col(1, 2));
    assertEquals(Mat.ofInts(5, new int[][] {{1}, {3}}), fractions.particular());
    Ranks.Solution<BigFraction> zero = Ranks.solve(m(new int[] {0, 0}), col(0));
    assertEquals(col(0, 0), zero.particular());
    assertEquals(List.of(col(1, 0), col(0, 1)), zero.nullBasis());
    assertNull(Ranks.solve(m(new int[] {0, 0}), col(1)));
  }

  @Test
  @DisplayName("solve: an inconsistent row after the rank is found in any later row (3×1 systems), x = 2 otherwise")
  void solveTallSystems() {
    Mat<BigFraction> a = col(1, 2, 3);
    assertEquals(col(2), Ranks.solve(a, col(2, 4, 6)).particular());
    assertNull(Ranks.solve(a, col(2, 5, 6)));
    assertNull(Ranks.solve(a, col(2, 4, 7)));
    assertNull(Ranks.solve(m(new int[] {1, 1}, new int[] {2, 2}), col(1, 3)));
  }

  @Test
  @DisplayName("solve refuses a right-hand side that is not one column of A's height, naming both shapes")
  void solveShapes() {
    Mat<BigFraction> a = m(new int[] {1, 0}, new int[] {0, 1});
    IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
        () -> Ranks.solve(a, m(new int[] {1, 2}, new int[] {3, 4})));
    assertEquals("right-hand side must be 2x1, got 2x2", wide.getMessage());
    IllegalArgumentException shortRhs = assertThrows(IllegalArgumentException.class, () -> Ranks.solve(a, col(1)));
    assertEquals("right-hand side must be 2x1, got 1x1", shortRhs.getMessage());
  }

  /** The determinant by cofactor expansion along the first row (integer entries, no division). */
  static long det(long[][] a) {
    int n = a.length;
    if (n == 0) {
      return 1;
    }
    long sum = 0;
    for (int j = 0; j < n; j++) {
      long[][] minor = new long[n - 1][n - 1];
      for (int i = 1; i < n; i++) {
        for (int k = 0, c = 0; k < n; k++) {
          if (k != j) {
            minor[i - 1][c++] = a[i][k];
          }
        }
      }
      sum += (j % 2 == 0 ? 1 : -1) * a[0][j] * det(minor);
    }
    return sum;
  }

  /** The rank as the size of the largest non-zero minor, trying every choice of rows and columns. */
  static int minorRank(long[][] a) {
    int rows = a.length;
    int cols = rows == 0 ? 0 : a[0].length;
    int best = 0;
    for (int rm = 1; rm < 1 << rows; rm++) {
      for (int cm = 1; cm < 1 << cols; cm++) {
        int k = Integer.bitCount(rm);
        if (k != Integer.bitCount(cm) || k <= best) {
          continue;
        }
        long[][] sub = new long[k][k];
        for (int i = 0, r = 0; i < rows; i++) {
          if ((rm >> i & 1) == 0) {
            continue;
          }
          for (int j = 0, c = 0; j < cols; j++) {
            if ((cm >> j & 1) != 0) {
              sub[r][c++] = a[i][j];
            }
          }
          r++;
        }
        if (det(sub) != 0) {
          best = k;
        }
      }
    }
    return best;
  }

  /** An integer system [A | c] of up to 4×4 with entries in [−2, 2]: c is A·w for a random w or random. */
  static Gen<long[][]> systems() {
    return Gen.combine(Gen.integers(1, 4), Gen.integers(1, 4), List::of).flatMap(shape -> {
      int rows = shape.get(0);
      int cols = shape.get(1);
      return Gen.tuple(Gen.listsOf(Gen.integers(-2, 2), rows * cols), Gen.listsOf(Gen.integers(-2, 2), cols),
          Gen.listsOf(Gen.integers(-2, 2), rows), Gen.booleans()).map(t -> {
            @SuppressWarnings("unchecked")
            List<Integer> entries = (List<Integer>) t.get(0);
            @SuppressWarnings("unchecked")
            List<Integer> w = (List<Integer>) t.get(1);
            @SuppressWarnings("unchecked")
            List<Integer> free = (List<Integer>) t.get(2);
            long[][] s = new long[rows][cols + 1];
            for (int i = 0; i < rows; i++) {
              for (int j = 0; j < cols; j++) {
                s[i][j] = entries.get(i * cols + j);
                s[i][cols] += s[i][j] * w.get(j);
              }
              if ((Boolean) t.get(3)) {
                s[i][cols] = free.get(i);
              }
            }
            return s;
          });
    });
  }

  /** Coordinate j of null vector v is 1, and 0 in the particular solution and in every other null vector. */
  static boolean isFreeIndexOf(Ranks.Solution<BigFraction> sol, Mat<BigFraction> v, int j) {
    return v.get(j, 0).equals(BigFraction.ONE) && sol.particular().get(j, 0).equals(BigFraction.ZERO)
        && sol.nullBasis().stream().filter(o -> o != v).allMatch(o -> o.get(j, 0).equals(BigFraction.ZERO));
  }

  @Test
  @DisplayName("solve on random integer systems: solvable exactly when the minors say so, A·u = c, A·v = 0, the free"
      + " variables 0 in u and a unit pattern in the null basis, whose size is n − rank")
  void solveAgreesWithSubstitutionAndMinors() {
    Property.of("Ranks.solve", systems()).seed(17).tries(400).check(s -> {
      int n = s[0].length - 1;
      long[][] coefficients = new long[s.length][];
      int[][] a = new int[s.length][n];
      int[][] c = new int[s.length][1];
      for (int i = 0; i < s.length; i++) {
        coefficients[i] = java.util.Arrays.copyOf(s[i], n);
        for (int j = 0; j < n; j++) {
          a[i][j] = (int) s[i][j];
        }
        c[i][0] = (int) s[i][n];
      }
      int rank = minorRank(coefficients);
      Ranks.Solution<BigFraction> sol = Ranks.solve(m(a), m(c));
      if (sol == null) {
        return minorRank(s) > rank;
      }
      Mat<BigFraction> matrix = m(a);
      Mat<BigFraction> zero = Mat.zeros(BigFractionField.getInstance(), s.length, 1);
      if (minorRank(s) != rank || !matrix.times(sol.particular()).equals(m(c)) || sol.nullBasis().size() != n - rank) {
        return false;
      }
      List<Integer> freeIndices = new ArrayList<>();
      for (Mat<BigFraction> v : sol.nullBasis()) {
        if (!matrix.times(v).equals(zero)) {
          return false;
        }
        for (int j = 0; j < n; j++) {
          if (!freeIndices.contains(j) && isFreeIndexOf(sol, v, j)) {
            freeIndices.add(j);
            break;
          }
        }
      }
      return freeIndices.size() == n - rank;
    });
  }
}
