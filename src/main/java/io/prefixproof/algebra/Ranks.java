package io.prefixproof.algebra;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.FieldElement;

/** Exact rank and linear systems by Gauss–Jordan elimination over a field (entries compared with {@code equals} to zero). */
public final class Ranks {
  private Ranks() {}

  /** The rank of {@code m}; exact for exact fields. */
  public static <T extends FieldElement<T>> int rank(Mat<T> m) {
    return reduce(entries(m), m.cols(), m.field().getZero()).size();
  }

  /** True when the column {@code v} lies in the span of the columns of {@code basis}. */
  public static <T extends FieldElement<T>> boolean inColumnSpan(Mat<T> basis, Mat<T> v) {
    return rank(basis.hstack(v)) == rank(basis);
  }

  /**
   * The solutions of {@code A u = c}: {@code u = particular + Σ_k λ_k nullBasis_k} for all real λ, or null
   * when the system is inconsistent. {@code particular} sets every free variable to 0.
   *
   * @param particular one solution, a column
   * @param nullBasis a basis of the null space of A, each a column
   */
  public record Solution<T extends FieldElement<T>>(Mat<T> particular, List<Mat<T>> nullBasis) {}

  /** Solves {@code A u = c} exactly ({@code c} one column); null when inconsistent. */
  public static <T extends FieldElement<T>> Solution<T> solve(Mat<T> a, Mat<T> c) {
    if (c.cols() != 1 || c.rows() != a.rows()) {
      throw new IllegalArgumentException("right-hand side must be " + a.rows() + "x1, got " + c.shape());
    }
    int n = a.cols();
    T zero = a.field().getZero();
    Object[][] r = entries(a.hstack(c));
    List<Integer> pivots = reduce(r, n, zero);
    for (int i = pivots.size(); i < r.length; i++) {
      if (!at(r, i, n).equals(zero)) {
        return null;
      }
    }
    Object[] u = new Object[n];
    java.util.Arrays.fill(u, zero);
    for (int i = 0; i < pivots.size(); i++) {
      u[pivots.get(i)] = at(r, i, n);
    }
    List<Mat<T>> nullBasis = new ArrayList<>();
    for (int free = 0; free < n; free++) {
      if (pivots.contains(free)) {
        continue;
      }
      Object[] v = new Object[n];
      java.util.Arrays.fill(v, zero);
      v[free] = a.field().getOne();
      for (int i = 0; i < pivots.size(); i++) {
        v[pivots.get(i)] = Ranks.<T>at(r, i, free).negate();
      }
      nullBasis.add(Mat.of(a.field(), n, 1, (i, j) -> cast(v[i])));
    }
    return new Solution<>(Mat.of(a.field(), n, 1, (i, j) -> cast(u[i])), List.copyOf(nullBasis));
  }

  private static <T extends FieldElement<T>> Object[][] entries(Mat<T> m) {
    Object[][] a = new Object[m.rows()][m.cols()];
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < m.cols(); j++) {
        a[i][j] = m.get(i, j);
      }
    }
    return a;
  }

  /**
   * Brings the first {@code cols} columns of {@code a} (in place, all columns transformed) to reduced row
   * echelon form: pivot i is 1 in row i, zero elsewhere in its column. Returns the pivot columns.
   */
  private static <T extends FieldElement<T>> List<Integer> reduce(Object[][] a, int cols, T zero) {
    int rows = a.length;
    int width = rows == 0 ? 0 : a[0].length;
    List<Integer> pivots = new ArrayList<>();
    for (int c = 0; c < cols && pivots.size() < rows; c++) {
      int rank = pivots.size();
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
      T inv = Ranks.<T>at(a, rank, c).reciprocal();
      for (int j = c; j < width; j++) {
        a[rank][j] = Ranks.<T>at(a, rank, j).multiply(inv);
      }
      for (int r = 0; r < rows; r++) {
        if (r == rank || at(a, r, c).equals(zero)) {
          continue;
        }
        T f = at(a, r, c);
        for (int j = c; j < width; j++) {
          a[r][j] = Ranks.<T>at(a, r, j).subtract(f.multiply(at(a, rank, j)));
        }
      }
      pivots.add(c);
    }
    return pivots;
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object[][] a, int i, int j) {
    return (T) a[i][j];
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }
}
