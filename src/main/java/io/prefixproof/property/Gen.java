package io.prefixproof.property;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.special.Erf;

/**
 * A generator of values from a {@link Source}. Every value is a function of the choices drawn, so
 * shrinking the choice sequence shrinks the value through {@link #map}, {@link #flatMap} and
 * {@link #filter} alike: a generator that draws a shape first and entries after shrinks the shape first.
 *
 * @param <T> the generated type
 */
@FunctionalInterface
public interface Gen<T> {

  T generate(Source s);

  default <U> Gen<U> map(Function<? super T, ? extends U> f) {
    return s -> f.apply(generate(s));
  }

  /** A dependent generator: the value drawn chooses the next generator (shapes, then entries). */
  default <U> Gen<U> flatMap(Function<? super T, Gen<U>> f) {
    return s -> f.apply(generate(s)).generate(s);
  }

  /** Values satisfying {@code p}: up to 100 draws per case, then the case is rejected. */
  default Gen<T> filter(Predicate<? super T> p) {
    return s -> {
      for (int i = 0; i < 100; i++) {
        T v = generate(s);
        if (p.test(v)) {
          return v;
        }
      }
      throw new Source.Rejected("filter rejected 100 draws in a row");
    };
  }

  static <T> Gen<T> constant(T value) {
    return s -> value;
  }

  /** A generator defined later (for recursive structures). */
  static <T> Gen<T> lazy(Supplier<Gen<T>> g) {
    return s -> g.get().generate(s);
  }

  /** Integers in {@code [lo, hi]}, shrinking towards 0 (or the bound nearest 0), non-negative first. */
  static Gen<Integer> integers(int lo, int hi) {
    return longs(lo, hi).map(Long::intValue);
  }

  /** Every Java int. */
  static Gen<Integer> anyInt() {
    return integers(Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  /**
   * Longs in {@code [lo, hi]}. Encoding: when the range holds 0, a magnitude then a sign, so smaller magnitudes are simpler and +m precedes −m; otherwise the distance from the bound
   * nearest 0.
   */
  static Gen<Long> longs(long lo, long hi) {
    if (lo > hi) {
      throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
    }
    if (lo >= 0) {
      return s -> lo + s.numeric(hi - lo);
    }
    if (hi <= 0) {
      return s -> hi - s.numeric(hi - lo);
    }
    long maxNeg = lo == Long.MIN_VALUE ? Long.MAX_VALUE : -lo;
    return s -> {
      long m = s.numeric(Math.max(maxNeg, hi));
      // the sign is always drawn, even for 0, so every integer takes two choices and the sequence keeps
      // its layout while magnitudes shrink; it is overridden where only one sign fits the range
      boolean negative = s.choice(1) == 1 && m != 0;
      if (negative ? m > maxNeg : m > hi) {
        negative = !negative;
      }
      if (negative && lo == Long.MIN_VALUE && m == Long.MAX_VALUE && s.choice(1) == 1) {
        return Long.MIN_VALUE;
      }
      return negative ? -m : m;
    };
  }

  static Gen<Boolean> booleans() {
    return s -> s.choice(1) == 1;
  }

  /** One of the given generators, earlier ones simpler. */
  @SafeVarargs
  static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    List<Gen<? extends T>> g = new ArrayList<>();
    for (Gen<? extends T> x : gens) {
      g.add(x);
    }
    return s -> g.get((int) s.choice(g.size() - 1)).generate(s);
  }

  /** One of the given values, earlier ones simpler. */
  @SafeVarargs
  static <T> Gen<T> elements(T... values) {
    List<T> v = new ArrayList<>();
    for (T x : values) {
      v.add(x);
    }
    return s -> v.get((int) s.choice(v.size() - 1));
  }

  /** A weighted choice among generators; the recorded choice is the index, so earlier ones are simpler. */
  static <T> Gen<T> frequency(List<Integer> weights, List<Gen<? extends T>> gens) {
    if (weights.size() != gens.size() || weights.isEmpty()) {
      throw new IllegalArgumentException("frequency needs one weight per generator");
    }
    int total = weights.stream().mapToInt(Integer::intValue).sum();
    return s -> {
      // draw a point in [0, total) and map it to an index, so a zero choice is the first generator
      long point = s.choice(total - 1);
      int i = 0;
      long acc = weights.get(0);
      while (point >= acc) {
        acc += weights.get(++i);
      }
      return gens.get(i).generate(s);
    };
  }

  /**
   * Lists of {@code element} with size in {@code [min, max]}: each element after the first {@code min}
   * is preceded by a "more" choice (1 = one more), so deleting an element deletes a span of the sequence.
   */
  static <T> Gen<List<T>> lists(Gen<T> element, int min, int max) {
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("bad list size range [" + min + ", " + max + "]");
    }
    double average = Math.min(max, Math.max(min + 1.0, Math.min(min + 5.0, (min + max) / 2.0)));
    double more = max == min ? 0 : 1 - 1 / (average - min + 1);
    return s -> {
      List<T> out = new ArrayList<>();
      while (out.size() < min) {
        out.add(element.generate(s));
      }
      while (out.size() < max && s.weighted(more)) {
        out.add(element.generate(s));
      }
      return Collections.unmodifiableList(out);
    };
  }

  /** Lists of exactly {@code n} elements (no "more" choices: length fixed by the caller). */
  static <T> Gen<List<T>> listsOf(Gen<T> element, int n) {
    return s -> {
      List<T> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(element.generate(s));
      }
      return Collections.unmodifiableList(out);
    };
  }

  static <A, B, R> Gen<R> combine(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
    return s -> f.apply(a.generate(s), b.generate(s));
  }

  /** Pairs as two-element lists. */
  static <A, B> Gen<Pair<A, B>> pairs(Gen<A> a, Gen<B> b) {
    return combine(a, b, Pair::new);
  }

  /** A pair of values. */
  record Pair<A, B>(A first, B second) {
    @Override
    public String toString() {
      return "(" + first + ", " + second + ")";
    }
  }

  /**
   * Small exact rationals {@code num/den}, num in {@code [numLo, numHi]} (shrinking to 0), den in
   * {@code [1, denMax]} (shrinking to 1: small denominators are simpler).
   */
  static Gen<BigFraction> rationals(int numLo, int numHi, int denMax) {
    if (denMax < 1) {
      throw new IllegalArgumentException("denominator bound must be at least 1, got " + denMax);
    }
    Gen<Integer> nums = integers(numLo, numHi);
    Gen<Integer> dens = integers(1, denMax);
    // small ranges (the usual case) look the reduced fractions up instead of reducing each one again
    long cells = ((long) numHi - numLo + 1) * denMax;
    BigFraction[] table = cells <= 4096 ? new BigFraction[(int) cells] : null;
    for (int i = 0; table != null && i < table.length; i++) {
      int n = numLo + i / denMax;
      table[i] = new BigFraction(BigInteger.valueOf(n), BigInteger.valueOf(n == 0 ? 1 : i % denMax + 1));
    }
    return s -> {
      // the denominator is drawn even for 0 so that every rational takes the same number of choices
      int n = nums.generate(s);
      int d = dens.generate(s);
      return table != null
          ? table[(n - numLo) * denMax + d - 1]
          : new BigFraction(BigInteger.valueOf(n), BigInteger.valueOf(n == 0 ? 1 : d));
    };
  }

  /**
   * Doubles in {@code [lo, hi]} with special values mixed in: 0 (or the bound nearest it), ±tiny
   * (±{@link Double#MIN_VALUE}, ±{@link Double#MIN_NORMAL}), ±huge ({@code ±Double.MAX_VALUE}), the bounds;
   * specials outside the range are skipped. Shrinks towards the simplest of these, then towards small
   * integers.
   */
  static Gen<Double> doubles(double lo, double hi) {
    if (!(lo <= hi) || Double.isNaN(lo) || Double.isNaN(hi)) {
      throw new IllegalArgumentException("bad double range [" + lo + ", " + hi + "]");
    }
    double zero = Math.max(lo, Math.min(hi, 0.0));
    List<Double> specials = new ArrayList<>();
    for (double v : new double[] {zero, lo, hi, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
        -Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE}) {
      if (v >= lo && v <= hi && !specials.contains(v)) {
        specials.add(v);
      }
    }
    long steps = 1L << 53;
    return s -> {
      // kind: 0 = nearest-to-zero, 1 = special, 2 = integer-valued, 3 = anywhere
      long kind = s.choice(15);
      if (kind == 0) {
        return zero;
      }
      if (kind == 1) {
        return specials.get((int) s.choice(specials.size() - 1));
      }
      if (kind <= 4) {
        long k = s.numeric(1 << 20);
        double v = zero + (s.choice(1) == 1 ? -k : k);
        return Math.max(lo, Math.min(hi, v));
      }
      double u = s.choice(steps - 1) / (double) steps;
      return Math.max(lo, Math.min(hi, zero + (s.choice(1) == 1 ? (lo - zero) * u : (hi - zero) * u)));
    };
  }

  /** Gaussian doubles N(mean, sd²) by the inverse CDF; the zero choice is the mean. */
  static Gen<Double> gaussians(double mean, double sd) {
    long steps = 1L << 52;
    return s -> {
      double u = s.choice(steps - 1) / (double) steps;
      // |z| = Φ⁻¹((1 + u)/2) = √2 erf⁻¹(u): magnitude from u, then a sign
      double z = Math.sqrt(2) * Erf.erfInv(Math.min(u, 1 - 1e-16));
      return mean + (s.choice(1) == 1 ? -z : z) * sd;
    };
  }

  /** A fixed number of draws of each generator in order. */
  static Gen<List<Object>> tuple(Gen<?>... gens) {
    List<Gen<?>> g = Arrays.asList(gens);
    return s -> {
      List<Object> out = new ArrayList<>();
      for (Gen<?> x : g) {
        out.add(x.generate(s));
      }
      return Collections.unmodifiableList(out);
    };
  }
}
