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
    if (n == 1) {
      // one term: the product itself (or the term), without the fold; a factor that is exactly 0 gives 0, as below
      Modular x = (Modular) a[aOff];
      Modular y = b == null ? null : (Modular) b[bOff];
      return x.m == Double.NEGATIVE_INFINITY || y != null && y.m == Double.NEGATIVE_INFINITY ? ar.getZero()
          : y == null ? x : x.multiply(y);
    }
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
      heights[t] = height(ar, x) + (y == null ? 0 : height(ar, y));
    }
    Wide w = ar.precision == null ? null : wide(xs, live, f, ar.precision);
    if (atoms == 0) {
      return new Modular(ar, s, lo, hi, w, sign, sumBound(heights), NONE, NONE);
    }
    int[][] g = sharedExponents(xs, live, f);
    double shared = 0;
    for (int i = 0; i < g[0].length; i++) {
      shared += g[1][i] * bits[g[0][i]];
    }
    return new Modular(ar, s, lo, hi, w, sign, sumBound(heights) - shared, g[0], g[1]);
  }

  /**
   * {@code g(a) = min_t e_t(a)} over the {@code live} terms ({@code f} factors each, side by side in {@code xs}),
   * where a term's exponent of atom a is the sum of its factors' and an atom absent from a term has exponent 0
   * there; returns {ids ascending, exponents}, zeros dropped. Ids are small (atoms are numbered as registered), so
   * the fold runs over arrays indexed by id, one pass over every factor's atoms.
   */
  private static int[][] sharedExponents(Modular[] xs, int live, int f) {
    int ids = 0;
    for (int u = 0; u < f * live; u++) {
      int[] a = xs[u].atoms;
      if (a.length > 0) {
        ids = Math.max(ids, a[a.length - 1] + 1);
      }
    }
    // per id: g so far, then how many terms had the atom; a term's exponents come from one merge of its factors'
    // ascending atom lists
    int[] work = new int[2 * ids];
    for (int t = 0; t < live; t++) {
      Modular x = xs[f * t];
      int[] xa = x.atoms;
      int[] ya = f == 1 ? NONE : xs[f * t + 1].atoms;
      int[] ye = f == 1 ? NONE : xs[f * t + 1].exps;
      int i = 0;
      int j = 0;
      while (i < xa.length || j < ya.length) {
        int id = Math.min(i < xa.length ? xa[i] : Integer.MAX_VALUE, j < ya.length ? ya[j] : Integer.MAX_VALUE);
        int e = 0;
        if (i < xa.length && xa[i] == id) {
          e += x.exps[i++];
        }
        if (j < ya.length && ya[j] == id) {
          e += ye[j++];
        }
        work[id] = work[ids + id] == 0 ? e : Math.min(work[id], e);
        work[ids + id]++;
      }
    }
    int size = 0;
    for (int id = 0; id < ids; id++) {
      // an atom some term lacks has exponent 0 in that term
      int gi = work[ids + id] == 0 ? 0 : work[ids + id] < live ? Math.min(work[id], 0) : work[id];
      work[id] = gi;
      size += gi != 0 ? 1 : 0;
    }
    int[] atoms = new int[size];
    int[] exps = new int[size];
    int n = 0;
    for (int id = 0; id < ids; id++) {
      if (work[id] != 0) {
        atoms[n] = id;
        exps[n++] = work[id];
      }
    }
    return new int[][] {atoms, exps};
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

  /** {@link Modular#height}, 0 for the constant 1 as {@link Modular#multiply} takes it. */
  private static double height(ModularArith ar, Modular v) {
    return v == ar.getOne() ? 0 : v.height();
  }

  private static final int[] NONE = {};

  /**
   * {@link #additionTree}'s bound, computed directly when the heights are integers at most 56 apart (as in every
   * computation from integer bit lengths): then it is {@code ⌈log2 Σ_t 2^{h_t}⌉} ({@link #additionTree}), here
   * {@code min_t h_t + ⌈log2 S⌉} with the integer {@code S = Σ_t 2^{h_t − min}} summed exactly in a long (below
   * {@code 128·2^56}), without sorting. Other heights go through the tree. Sorts {@code h} only then.
   */
  static double sumBound(double[] h) {
    int n = h.length;
    if (n < 2 || n >= 128) {
      return additionTree(h);
    }
    double min = h[0];
    double max = h[0];
    boolean integers = true;
    for (double v : h) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      integers &= v == Math.rint(v);
    }
    // NaN (infinite heights) fails the test as well
    if (!(integers && max - min <= 56)) {
      return additionTree(h);
    }
    long sum = 0;
    for (double v : h) {
      sum += 1L << (int) (v - min);
    }
    // ⌈log2 S⌉ for S ≥ 2 is the bit length of S − 1
    return min + (64 - Long.numberOfLeadingZeros(sum - 1));
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
