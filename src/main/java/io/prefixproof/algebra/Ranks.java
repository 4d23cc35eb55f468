package io.prefixproof.algebra;

import org.apache.commons.math3.FieldElement;

/** Exact rank by Gaussian elimination over a field (entries compared with {@code equals} to zero). */
public final class Ranks {
  private Ranks() {}

  /** The rank of {@code m}; exact for exact fields. */
  public static <T extends FieldElement<T>> int rank(Mat<T> m) {
    int rows = m.rows();
    int cols = m.cols();
    Object[][] a = new Object[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        a[i][j] = m.get(i, j);
      }
    }
    T zero = m.field().getZero();
    int rank = 0;
    for (int c = 0; c < cols && rank < rows; c++) {
      int pivot = -1;
      for (int r = rank; r < rows; r++) {
        if (!at(a, r, c).equals(zero)) {
          pivot = r;
          break;
        }
      }
      if (pivot < 0) {
        continue;
      }
      Object[] tmp = a[pivot];
      a[pivot] = a[rank];
      a[rank] = tmp;
      for (int r = rank + 1; r < rows; r++) {
        T f = Ranks.<T>at(a, r, c).divide(at(a, rank, c));
        for (int j = c; j < cols; j++) {
          a[r][j] = Ranks.<T>at(a, r, j).subtract(f.multiply(at(a, rank, j)));
        }
      }
      rank++;
    }
    return rank;
  }

  /** True when the column {@code v} lies in the span of the columns of {@code basis}. */
  public static <T extends FieldElement<T>> boolean inColumnSpan(Mat<T> basis, Mat<T> v) {
    return rank(basis.hstack(v)) == rank(basis);
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object[][] a, int i, int j) {
    return (T) a[i][j];
  }
}
