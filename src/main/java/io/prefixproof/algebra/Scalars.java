package io.prefixproof.algebra;

import java.math.BigInteger;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.RealFieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/** Readable printing of scalars of any mode. */
public final class Scalars {
  private Scalars() {}

  /**
   * Exact equality. For {@link BigFraction} it compares numerators and denominators: every BigFraction is
   * kept reduced with a positive denominator by its constructors, so this is {@code equals} without the
   * two gcd reductions {@code BigFraction.equals} repeats on every call. Other types use {@code equals}.
   */
  public static boolean same(Object a, Object b) {
    if (a instanceof BigFraction && b instanceof BigFraction) {
      BigFraction x = (BigFraction) a;
      BigFraction y = (BigFraction) b;
      return x.getNumerator().equals(y.getNumerator()) && x.getDenominator().equals(y.getDenominator());
    }
    return a.equals(b);
  }

  /** {@code a + b}; exact fractions by Knuth's addition ({@link Fractions#add}). */
  @SuppressWarnings("unchecked")
  public static <T extends FieldElement<T>> T add(T a, T b) {
    if (a instanceof BigFraction) {
      return (T) Fractions.add((BigFraction) a, (BigFraction) b);
    }
    return a.add(b);
  }

  /** {@code a − b}; exact fractions by Knuth's addition of {@code −b}. */
  @SuppressWarnings("unchecked")
  public static <T extends FieldElement<T>> T subtract(T a, T b) {
    if (a instanceof BigFraction) {
      return (T) Fractions.add((BigFraction) a, Fractions.negate((BigFraction) b));
    }
    return a.subtract(b);
  }

  /** {@code a/b}; exact fractions cancel crosswise instead of reducing the product ({@link Fractions#divide}). */
  @SuppressWarnings("unchecked")
  public static <T extends FieldElement<T>> T divide(T a, T b) {
    if (a instanceof BigFraction) {
      return (T) Fractions.divide((BigFraction) a, (BigFraction) b);
    }
    return a.divide(b);
  }

  /**
   * The sum of {@code xs}; exact fractions are added unreduced and reduced once ({@link UnreducedSum}), modular
   * values in one pass ({@link ModularDot}).
   */
  @SuppressWarnings("unchecked")
  public static <T extends FieldElement<T>> T sum(org.apache.commons.math3.Field<T> field, java.util.List<T> xs) {
    if (!xs.isEmpty() && xs.get(0) instanceof BigFraction) {
      UnreducedSum s = new UnreducedSum();
      xs.forEach(x -> s.add((BigFraction) x));
      return (T) s.value();
    }
    if (!xs.isEmpty() && xs.get(0) instanceof Modular) {
      return (T) ModularDot.dot(xs.toArray(), 0, 1, null, 0, 0, xs.size());
    }
    T s = field.getZero();
    for (T x : xs) {
      s = s.add(x);
    }
    return s;
  }

  /**
   * Whether {@code target = Σ_k xs_k·ys_k} exactly. For {@link BigFraction} the sum is kept unreduced and
   * compared by cross-multiplication ({@code a/b = c/d} iff {@code ad = bc}), which decides rational
   * equality exactly without the gcd that building the reduced sum would cost; other types compute the
   * sum and use {@code equals}.
   */
  public static <T extends FieldElement<T>> boolean isDot(T target, java.util.List<T> xs, java.util.List<T> ys) {
    if (target instanceof BigFraction) {
      return unreducedDot(xs, ys).equalsValue((BigFraction) target);
    }
    return dot(target.getField(), xs, ys).equals(target);
  }

  /** {@code Σ_k xs_k·ys_k}, exact fractions summed unreduced and reduced once, modular values in one pass. */
  @SuppressWarnings("unchecked")
  public static <T extends FieldElement<T>> T dot(org.apache.commons.math3.Field<T> field, java.util.List<T> xs,
      java.util.List<T> ys) {
    if (!xs.isEmpty() && xs.get(0) instanceof BigFraction) {
      return (T) unreducedDot(xs, ys).value();
    }
    if (!xs.isEmpty() && xs.get(0) instanceof Modular) {
      return (T) ModularDot.dot(xs.toArray(), 0, 1, ys.toArray(), 0, 1, xs.size());
    }
    T s = field.getZero();
    for (int k = 0; k < xs.size(); k++) {
      s = s.add(xs.get(k).multiply(ys.get(k)));
    }
    return s;
  }

  private static <T> UnreducedSum unreducedDot(java.util.List<T> xs, java.util.List<T> ys) {
    UnreducedSum s = new UnreducedSum();
    for (int k = 0; k < xs.size(); k++) {
      s.addProduct((BigFraction) xs.get(k), (BigFraction) ys.get(k));
    }
    return s;
  }

  /** {@code 3/4}, {@code -2}, or a double with 6 significant digits for real modes. */
  public static String format(FieldElement<?> v) {
    if (v instanceof BigFraction) {
      BigFraction f = (BigFraction) v;
      return f.getDenominator().equals(BigInteger.ONE)
          ? f.getNumerator().toString()
          : f.getNumerator() + "/" + f.getDenominator();
    }
    if (v instanceof RealFieldElement) {
      return String.format("%.6g", ((RealFieldElement<?>) v).getReal());
    }
    return v.toString();
  }
}
