package io.prefixproof.algebra;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.Field;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * An immutable dense {@code rows × cols} matrix over a field. Zero rows or columns are allowed (an
 * empty prefix is a {@code 0 × d} matrix), which Commons Math's {@code FieldMatrix} rejects; equality
 * is entry-wise {@code equals}, so exact matrices compare exactly.
 *
 * @param <T> the scalar type
 */
public final class Mat<T extends FieldElement<T>> {
  private final Field<T> field;
  private final int rows;
  private final int cols;
  private final Object[] data;

  private Mat(Field<T> field, int rows, int cols, Object[] data) {
    this.field = field;
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** A functional builder of entries. */
  @FunctionalInterface
  public interface Entries<T> {
    T at(int i, int j);
  }

  /** {@code m_ij = f(i, j)}. */
  public static <T extends FieldElement<T>> Mat<T> of(Field<T> field, int rows, int cols, Entries<T> f) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("matrix shape must be non-negative, got " + rows + "x" + cols);
    }
    Object[] d = new Object[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        T v = f.at(i, j);
        if (v == null) {
          throw new IllegalArgumentException("null entry at (" + i + ", " + j + ")");
        }
        d[i * cols + j] = v;
      }
    }
    return new Mat<>(field, rows, cols, d);
  }

  public static <T extends FieldElement<T>> Mat<T> zeros(Field<T> field, int rows, int cols) {
    return of(field, rows, cols, (i, j) -> field.getZero());
  }

  public static <T extends FieldElement<T>> Mat<T> identity(Field<T> field, int n) {
    return of(field, n, n, (i, j) -> i == j ? field.getOne() : field.getZero());
  }

  /** A {@code 1 × n} row vector. */
  public static <T extends FieldElement<T>> Mat<T> row(Field<T> field, List<T> values) {
    return of(field, 1, values.size(), (i, j) -> values.get(j));
  }

  /** Exact matrix from integer numerators over one denominator, for hand-written examples. */
  public static Mat<BigFraction> ofInts(int den, int[][] nums) {
    int c = nums.length == 0 ? 0 : nums[0].length;
    for (int[] r : nums) {
      if (r.length != c) {
        throw new IllegalArgumentException("ragged rows: expected " + c + " columns, got " + r.length);
      }
    }
    return of(
        org.apache.commons.math3.fraction.BigFractionField.getInstance(),
        nums.length,
        c,
        (i, j) -> new BigFraction(nums[i][j], den));
  }

  public Field<T> field() {
    return field;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The shape as {@code rows x cols}, for messages. */
  public String shape() {
    return rows + "x" + cols;
  }

  @SuppressWarnings("unchecked")
  public T get(int i, int j) {
    if (i < 0 || i >= rows || j < 0 || j >= cols) {
      throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside " + shape());
    }
    return (T) data[i * cols + j];
  }

  /** {@code c = a b}: {@code c_ij = Σ_k a_ik b_kj}. */
  public Mat<T> times(Mat<T> b) {
    if (cols != b.rows) {
      throw new IllegalArgumentException("cannot multiply " + shape() + " by " + b.shape());
    }
    if (data.length > 0 && data[0] instanceof BigFraction) {
      return of(field, rows, b.cols, (i, j) -> exactDot(i, b, j, false));
    }
    if (data.length > 0 && data[0] instanceof Modular) {
      return of(field, rows, b.cols, (i, j) -> cast(ModularDot.dot(data, i * cols, 1, b.data, j, b.cols, cols)));
    }
    return of(
        field,
        rows,
        b.cols,
        (i, j) -> {
          T s = field.getZero();
          for (int k = 0; k < cols; k++) {
            s = s.add(get(i, k).multiply(b.get(k, j)));
          }
          return s;
        });
  }

  /** The exact dot product of row i with column j of b (row j when {@code transposed}), reduced once. */
  @SuppressWarnings("unchecked")
  private T exactDot(int i, Mat<T> b, int j, boolean transposed) {
    UnreducedSum sum = new UnreducedSum();
    for (int k = 0; k < cols; k++) {
      sum.addProduct((BigFraction) get(i, k), (BigFraction) (transposed ? b.get(j, k) : b.get(k, j)));
    }
    return (T) sum.value();
  }

  @SuppressWarnings("unchecked")
  private T cast(Object v) {
    return (T) v;
  }

  /** {@code c = a bᵀ}: {@code c_ij = Σ_k a_ik b_jk} (rows of a against rows of b). */
  public Mat<T> timesTransposed(Mat<T> b) {
    requireSameCols(b);
    return of(field, rows, b.rows, (i, j) -> rowDot(i, b, j));
  }

  /**
   * {@code Σ_k a_ik b_jk}: row i of this matrix against row j of b, entry (i, j) of {@link #timesTransposed}
   * alone (exact fractions reduced once, modular values in one pass).
   */
  public T rowDot(int i, Mat<T> b, int j) {
    requireSameCols(b);
    if (i < 0 || i >= rows || j < 0 || j >= b.rows) {
      throw new IndexOutOfBoundsException("rows " + i + " and " + j + " outside " + shape() + " and " + b.shape());
    }
    if (cols > 0 && data[0] instanceof BigFraction) {
      return exactDot(i, b, j, true);
    }
    if (cols > 0 && data[0] instanceof Modular) {
      return cast(ModularDot.dot(data, i * cols, 1, b.data, j * b.cols, 1, cols));
    }
    T s = field.getZero();
    for (int k = 0; k < cols; k++) {
      s = s.add(get(i, k).multiply(b.get(j, k)));
    }
    return s;
  }

  private void requireSameCols(Mat<T> b) {
    if (cols != b.cols) {
      throw new IllegalArgumentException("cannot multiply " + shape() + " by the transpose of " + b.shape());
    }
  }

  public Mat<T> transpose() {
    return of(field, cols, rows, (i, j) -> get(j, i));
  }

  public Mat<T> plus(Mat<T> b) {
    requireSameShape(b, "add");
    return of(field, rows, cols, (i, j) -> Scalars.add(get(i, j), b.get(i, j)));
  }

  public Mat<T> minus(Mat<T> b) {
    requireSameShape(b, "subtract");
    return of(field, rows, cols, (i, j) -> Scalars.subtract(get(i, j), b.get(i, j)));
  }

  public Mat<T> scale(T s) {
    return of(field, rows, cols, (i, j) -> get(i, j).multiply(s));
  }

  /** Adds the {@code 1 × cols} row vector {@code v} to every row. */
  public Mat<T> plusRow(Mat<T> v) {
    if (v.rows != 1 || v.cols != cols) {
      throw new IllegalArgumentException("cannot add row vector " + v.shape() + " to rows of " + shape());
    }
    return of(field, rows, cols, (i, j) -> Scalars.add(get(i, j), v.get(0, j)));
  }

  public Mat<T> map(UnaryOperator<T> f) {
    return of(field, rows, cols, (i, j) -> f.apply(get(i, j)));
  }

  /** Rows {@code from} (inclusive) to {@code to} (exclusive). */
  public Mat<T> rows(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") outside " + shape());
    }
    return of(field, to - from, cols, (i, j) -> get(from + i, j));
  }

  /** Columns {@code from} (inclusive) to {@code to} (exclusive). */
  public Mat<T> cols(int from, int to) {
    if (from < 0 || to > cols || from > to) {
      throw new IndexOutOfBoundsException("columns [" + from + ", " + to + ") outside " + shape());
    }
    return of(field, rows, to - from, (i, j) -> get(i, from + j));
  }

  public Mat<T> row(int i) {
    return rows(i, i + 1);
  }

  /** This matrix with entry (i, j) replaced. */
  public Mat<T> with(int i, int j, T v) {
    get(i, j);
    return of(field, rows, cols, (r, c) -> r == i && c == j ? v : get(r, c));
  }

  /** {@code [a; b]}: rows of {@code a} followed by rows of {@code b}. */
  public Mat<T> vstack(Mat<T> b) {
    if (cols != b.cols && rows > 0 && b.rows > 0) {
      throw new IllegalArgumentException("cannot stack " + shape() + " on " + b.shape());
    }
    int c = rows > 0 ? cols : b.cols;
    return of(field, rows + b.rows, c, (i, j) -> i < rows ? get(i, j) : b.get(i - rows, j));
  }

  /** {@code [a, b]}: columns of {@code a} followed by columns of {@code b}. */
  public Mat<T> hstack(Mat<T> b) {
    if (rows != b.rows) {
      throw new IllegalArgumentException("cannot place " + b.shape() + " beside " + shape());
    }
    return of(field, rows, cols + b.cols, (i, j) -> j < cols ? get(i, j) : b.get(i, j - cols));
  }

  /** Entries converted to another arithmetic, through {@code convert}. */
  public <U extends FieldElement<U>> Mat<U> convert(Field<U> to, java.util.function.Function<T, U> convert) {
    return Mat.of(to, rows, cols, (i, j) -> convert.apply(get(i, j)));
  }

  /** Row-major doubles through {@code arith}. */
  public double[][] toDoubles(Arith<T> arith) {
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i][j] = arith.toDouble(get(i, j));
      }
    }
    return out;
  }

  private void requireSameShape(Mat<T> b, String op) {
    if (rows != b.rows || cols != b.cols) {
      throw new IllegalArgumentException("cannot " + op + " " + shape() + " and " + b.shape());
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Mat)) {
      return false;
    }
    Mat<?> m = (Mat<?>) o;
    if (rows != m.rows || cols != m.cols) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      if (!Scalars.same(data[i], m.data[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(data);
  }

  /** Rows in brackets, entries as their own {@code toString} (fractions print as {@code a / b}). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < rows; i++) {
      sb.append(i == 0 ? "[" : "; [");
      for (int j = 0; j < cols; j++) {
        if (j > 0) {
          sb.append(", ");
        }
        sb.append(Scalars.format(get(i, j)));
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }
}
