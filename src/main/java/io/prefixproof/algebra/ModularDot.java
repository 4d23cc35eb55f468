package io.prefixproof.algebra;

import java.util.Arrays;

/**
 * Sums and dot products of {@link Modular} values in one pass, {@code s = Σ_t x_t·y_t} (or {@code Σ_t x_t}),
 * with the same three shadows as the chain of {@link Modular#multiply} and {@link Modular#add} it replaces,
 * and no value per intermediate term:
 *
 * <ul>
 *   <li>residues: per prime, the 128-bit products of the Montgomery forms are accumulated and reduced once
 *       ({@code Σ (x R)(y R) R^{-1} = (Σ x y) R}); a prime is dead in {@code s} when it is dead in a factor
 *       of a term that is left in (below);
 *   <li>enclosure: each product's bounds from its factors' sign case, summed with directed rounding;
 *   <li>sign: known when every term's sign is known and no two non-zero signs differ;
 *   <li>factored form: one fold over the terms, no value per addition. With {@code x_t y_t = M_t ∏ a^{e_t(a)}} and {@code g(a) =
 *       min_t e_t(a)} (an atom absent from a term has exponent 0 there), {@code s = ∏ a^{g(a)} · Σ_t M_t ∏
 *       a^{e_t(a) − g(a)}}, a sum of integers each at most {@code 2^{h_t − Σ g(a) bits(a)}} with {@code h_t =
 *       m_t + Σ e_t(a) bits(a)}, so {@code |M| ≤ 2^{H − Σ g(a) bits(a)}} for any {@code H ≥ log2 Σ_t 2^{h_t}};
 *       {@link #additionTree} gives the least such bound a tree of additions can give, so it is never looser
 *       than the chain of additions, whose every step adds a bit to the larger bound.
 * </ul>
 *
 * A widened arithmetic's decimal enclosure ({@link Wide}) is summed term by term with its own outward rounding.
 * Terms with a factor that is exactly 0 (height {@code −∞}) are left out: they add nothing to the value, so a
 * prime dead in them (a vanished divisor in the computation of that 0) does not make the sum's residue unknown.
 */
final class ModularDot {
  private ModularDot() {}

  /**
   * {@code Σ_{t<n} a[aOff + t·aStep] · b[bOff + t·bStep]} over {@link Modular} entries; {@code b == null}
   * gives the plain sum {@code Σ_t a[aOff + t·aStep]}. {@code n ≥ 1}.
   */
  static Modular dot(Object[] a, int aOff, int aStep, Object[] b, int bOff, int bStep, int n) {
    ModularArith ar = ((Modular) a[aOff]).arith;
    Modular[] xs = new Modular[b == null ? n : 2 * n];
    int live = 0;
    int atoms = 0;
    for (int t = 0; t < n; t++) {
      Modular x = (Modular) a[aOff + t * aStep];
      Modular y = b == null ? null : (Modular) b[bOff + t * bStep];
      if (x.m != Double.NEGATIVE_INFINITY && (y == null || y.m != Double.NEGATIVE_INFINITY)) {
        if (y == null) {
          xs[live++] = x;
        } else {
          // a term's factors side by side: x at 2t, y at 2t + 1
          xs[2 * live] = x;
          xs[2 * live++ + 1] = y;
          atoms += y.atoms.length;
        }
        atoms += x.atoms.length;
      }
    }
    if (live == 0) {
      return ar.getZero();
    }
    int f = b == null ? 1 : 2;
    ModPrime[] ps = ar.primes;
    long[] s = new long[ps.length];
    for (int k = 0; k < ps.length; k++) {
      s[k] = f == 1 ? sumResidues(ps[k], xs, live, k) : dotResidues(ps[k], xs, live, k);
    }
    double[] bits = ar.atomBitsTable();
    double lo = 0;
    double hi = 0;
    int sign = 0;
    double[] heights = new double[live];
    for (int t = 0; t < live; t++) {
      Modular x = xs[f * t];
      Modular y = f == 1 ? null : xs[2 * t + 1];
      lo = Enclosure.addDown(lo, y == null ? x.lo : productLow(x.lo, x.hi, y.lo, y.hi));
      hi = Enclosure.addUp(hi, y == null ? x.hi : productHigh(x.lo, x.hi, y.lo, y.hi));
      int st = y == null ? x.sign : x.sign == Modular.UNKNOWN || y.sign == Modular.UNKNOWN ? Modular.UNKNOWN
          : x.sign * y.sign;
      sign = sign == 0 ? st : st == 0 || st == sign ? sign : Modular.UNKNOWN;
      heights[t] = height(ar, bits, x) + (y == null ? 0 : height(ar, bits, y));
    }
    Wide w = ar.precision == null ? null : wide(xs, live, f, ar.precision);
    if (atoms == 0) {
      return new Modular(ar, s, lo, hi, w, sign, additionTree(heights), NONE, NONE);
    }
    // g = min over the terms of each term's exponents (absent: 0), folded in one term at a time into one of
    // two halves of the buffer (ids, then exponents), each big enough for every atom of every term
    int[] buf = new int[4 * atoms];
    int size = merge(buf, 0, 0, xs[0], f == 1 ? null : xs[1], 2 * atoms, atoms, true);
    int from = 2 * atoms;
    for (int t = 1; t < live; t++) {
      int to = 2 * atoms - from;
      size = merge(buf, from, size, xs[f * t], f == 1 ? null : xs[2 * t + 1], to, atoms, false);
      from = to;
    }
    double shared = 0;
    for (int i = 0; i < size; i++) {
      shared += buf[from + atoms + i] * bits[buf[from + i]];
    }
    return new Modular(ar, s, lo, hi, w, sign, additionTree(heights) - shared,
        Arrays.copyOfRange(buf, from, from + size), Arrays.copyOfRange(buf, from + atoms, from + atoms + size));
  }

  /**
   * The decimal enclosure of the sum of the {@code live} terms (factors {@code f} apart) by the operations of
   * {@link Wide}, or null when a factor has none.
   */
  private static Wide wide(Modular[] xs, int live, int f, Wide.Precision p) {
    Wide sum = Wide.of(0);
    for (int t = 0; t < live; t++) {
      Modular x = xs[f * t];
      Modular y = f == 1 ? null : xs[2 * t + 1];
      if (x.w == null || y != null && y.w == null) {
        return null;
      }
      sum = sum.add(y == null ? x.w : x.w.multiply(y.w, p), p);
    }
    return sum;
  }

  /**
   * {@code Σ_t x_t y_t} modulo prime k in Montgomery form ({@code x_t, y_t} at {@code 2t, 2t + 1}), {@link
   * Modular#DEAD} if a factor is dead there.
   */
  private static long dotResidues(ModPrime p, Modular[] xy, int n, int k) {
    long hi = 0;
    long lo = 0;
    for (int t = 0; t < n; t++) {
      long x = xy[2 * t].r[k];
      long y = xy[2 * t + 1].r[k];
      if (x == Modular.DEAD || y == Modular.DEAD) {
        return Modular.DEAD;
      }
      // (hi, lo) < p·2^64 before; x y < p² < (p/4)·2^64 for p < 2^62, so hi + high(x y) + carry < 2p, and
      // subtracting p·2^64 (≡ 0 mod p) once keeps the invariant
      long l = lo + x * y;
      hi += Math.multiplyHigh(x, y) + (Long.compareUnsigned(l, lo) < 0 ? 1 : 0);
      lo = l;
      if (hi >= p.p) {
        hi -= p.p;
      }
    }
    return p.reduce(hi, lo);
  }

  /** {@code Σ_t x_t} modulo prime k in Montgomery form, {@link Modular#DEAD} if a term is dead there. */
  private static long sumResidues(ModPrime p, Modular[] xs, int n, int k) {
    long s = 0;
    for (int t = 0; t < n; t++) {
      long x = xs[t].r[k];
      if (x == Modular.DEAD) {
        return Modular.DEAD;
      }
      s = p.add(s, x);
    }
    return s;
  }

  /**
   * {@code m + Σ_i e_i bits(a_i)} over all of {@code v}'s atoms, each exponent with its sign: a bound on log2 of
   * {@code |v|·∏ a_i^{−e_i}}, an integer; 0 for the constant 1, as {@link Modular#multiply} takes it.
   */
  private static double height(ModularArith ar, double[] bits, Modular v) {
    if (v == ar.getOne()) {
      return 0;
    }
    double h = v.m;
    for (int i = 0; i < v.atoms.length; i++) {
      h += v.exps[i] * bits[v.atoms[i]];
    }
    return h;
  }

  private static final int[] NONE = {};

  /**
   * Writes the exponents {@code min(g(a), e(a))} (absent: 0; zeros dropped) of the running {@code g} ({@code
   * size} atoms at {@code buf[from..]}, their exponents {@code half} further) and of the term {@code x·y} ({@code
   * y} null: the term x), whose exponent {@code e} is the sum of its factors', to {@code buf[to..]} likewise;
   * {@code first} takes the term's exponents as they are. Returns the number written. All lists ascend by atom
   * id, so this is one pass over the three.
   */
  private static int merge(int[] buf, int from, int size, Modular x, Modular y, int to, int half, boolean first) {
    int[] xa = x.atoms;
    int[] ya = y == null ? NONE : y.atoms;
    int i = 0;
    int j = 0;
    int k = 0;
    int n = 0;
    while (i < size || j < xa.length || k < ya.length) {
      int id = Math.min(i < size ? buf[from + i] : Integer.MAX_VALUE,
          Math.min(j < xa.length ? xa[j] : Integer.MAX_VALUE, k < ya.length ? ya[k] : Integer.MAX_VALUE));
      int g = 0;
      if (i < size && buf[from + i] == id) {
        g = buf[from + half + i++];
      }
      int e = 0;
      if (j < xa.length && xa[j] == id) {
        e += x.exps[j++];
      }
      if (k < ya.length && ya[k] == id) {
        e += y.exps[k++];
      }
      int v = first ? e : Math.min(g, e);
      if (v != 0) {
        buf[to + n] = id;
        buf[to + half + n++] = v;
      }
    }
    return n;
  }

  /**
   * A bound {@code H} with {@code Σ_t 2^{h_t} ≤ 2^H}: the best tree of pairwise additions, each bounded by the
   * larger bound plus one, found by adding the two smallest first (optimal for this cost, Golumbic 1976; for
   * integer {@code h_t} it is {@code ⌈log2 Σ_t 2^{h_t}⌉}). The merged bounds come out in non-decreasing order,
   * so a second queue keeps them sorted. Sorts {@code h}.
   */
  static double additionTree(double[] h) {
    if (h.length <= 2) {
      return h.length == 1 ? h[0] : Math.max(h[0], h[1]) + 1;
    }
    // insertion sort for the short lists of most dot products, the library's sort beyond
    if (h.length > 32) {
      Arrays.sort(h);
    }
    for (int i = 1; i < h.length; i++) {
      double v = h[i];
      int j = i - 1;
      while (j >= 0 && h[j] > v) {
        h[j + 1] = h[j];
        j--;
      }
      h[j + 1] = v;
    }
    double[] merged = new double[h.length];
    int i = 0;
    int head = 0;
    int tail = 0;
    for (int left = h.length; left > 1; left--) {
      // take the two smallest of both queues; their sum is bounded by the larger one's bound plus one
      double a = i < h.length && (head == tail || h[i] <= merged[head]) ? h[i++] : merged[head++];
      double b = i < h.length && (head == tail || h[i] <= merged[head]) ? h[i++] : merged[head++];
      merged[tail++] = Math.max(a, b) + 1;
    }
    return merged[tail - 1];
  }

  /**
   * A double ≤ x·y for all x ∈ [xl, xh], y ∈ [yl, yh], from the factors' sign case (all four corners
   * otherwise).
   */
  static double productLow(double xl, double xh, double yl, double yh) {
    if (xl >= 0 && yl >= 0) {
      return Enclosure.mulDown(xl, yl);
    }
    if (xh <= 0 && yh <= 0) {
      return Enclosure.mulDown(xh, yh);
    }
    if (xl >= 0 && yh <= 0) {
      return Enclosure.mulDown(xh, yl);
    }
    if (xh <= 0 && yl >= 0) {
      return Enclosure.mulDown(xl, yh);
    }
    return Math.min(Math.min(Enclosure.mulDown(xl, yl), Enclosure.mulDown(xl, yh)),
        Math.min(Enclosure.mulDown(xh, yl), Enclosure.mulDown(xh, yh)));
  }

  /** A double ≥ x·y over the same boxes: {@code max x·y = −min (−x)·y}, as {@code mulUp(x, y) = −mulDown(−x, y)}. */
  static double productHigh(double xl, double xh, double yl, double yh) {
    return -productLow(-xh, -xl, yl, yh);
  }
}
