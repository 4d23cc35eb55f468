package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Exact ranks of matrices whose rank is evident by inspection, and column-span membership. */
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
}
