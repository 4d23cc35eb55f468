package io.prefixproof.algebra;

import static io.prefixproof.algebra.MatTest.A;
import static io.prefixproof.algebra.MatTest.B;
import static io.prefixproof.algebra.MatTest.F;
import static io.prefixproof.algebra.MatTest.assertRefused;

import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The refusals of {@link Mat#rowDot} and {@link Mat#timesTransposed} where no entry is read: a single entry of
 * mismatched operands, operands with no rows, and row indices just past the end of matrices with no columns (where an
 * unchecked index would read nothing and give 0).
 */
class MatRowDotTest {

  @Test
  @DisplayName("one entry of A Bᵀ with 3 against 2 columns is refused, as the whole product is")
  void rowDotOfMismatchedColumns() {
    assertRefused(IllegalArgumentException.class, "cannot multiply 2x3 by the transpose of 3x2", () -> A.rowDot(0, B, 0));
  }

  @Test
  @DisplayName("a 0x3 matrix times the transpose of a 2x2 one is refused although the product has no entries")
  void noRowsStillNeedEqualColumns() {
    Mat<BigFraction> none = Mat.zeros(F, 0, 3);
    Mat<BigFraction> square = Mat.zeros(F, 2, 2);
    assertRefused(IllegalArgumentException.class, "cannot multiply 0x3 by the transpose of 2x2",
        () -> none.timesTransposed(square));
  }

  @Test
  @DisplayName("row indices equal to the row counts are refused for matrices with no columns")
  void indicesAtTheRowCounts() {
    Mat<BigFraction> a = Mat.zeros(F, 2, 0);
    Mat<BigFraction> b = Mat.zeros(F, 3, 0);
    assertRefused(IndexOutOfBoundsException.class, "rows 2 and 0 outside 2x0 and 3x0", () -> a.rowDot(2, b, 0));
    assertRefused(IndexOutOfBoundsException.class, "rows 0 and 3 outside 2x0 and 3x0", () -> a.rowDot(0, b, 3));
  }
}
