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
 *   <li>enclosure: each product's bounds ({@link #productLow}, {@link #productHigh}), summed with directed rounding;
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
      return exactlyZero(x, y) ? ar.getZero() : y == null ? x : x.multiply(y);
    }
    ModPrime[] ps = ar.primes;
    Scratch sc = Scratch.of(ps.length, n);
    // per prime: the sum's residue, or DEAD; a dot product accumulates (high, low) words in the scratch first
    long[] s = new long[ps.length];
    long[] accHi = sc.hi;
    long[] accLo = sc.lo;
    for (int k = 0; k < ps.length; k++) {
      accHi[k] = 0;
      accLo[k] = 0;
    }
    double[] heights = sc.heights;
    double lo = 0;
    double hi = 0;
    int sign = 0;
    int live = 0;
    int maxId = -1;
    for (int t = 0; t < n; t++) {
      Modular x = (Modular) a[aOff + t * aStep];
      Modular y = b == null ? null : (Modular) b[bOff + t * bStep];
      if (exactlyZero(x, y)) {
        continue;
      }
      if (y == null) {
        addResidues(ps, s, x.r);
      } else {
        addProducts(ps, s, accHi, accLo, x.r, y.r);
      }
      lo = Enclosure.addDown(lo, y == null ? x.lo : productLow(x.lo, x.hi, y.lo, y.hi));
      hi = Enclosure.addUp(hi, y == null ? x.hi : productHigh(x.lo, x.hi, y.lo, y.hi));
      int st = y == null ? x.sign : x.sign == Modular.UNKNOWN || y.sign == Modular.UNKNOWN ? Modular.UNKNOWN
          : x.sign * y.sign;
      sign = sign == 0 ? st : st == 0 || st == sign ? sign : Modular.UNKNOWN;
      heights[live++] = height(ar, x) + (y == null ? 0 : height(ar, y));
      maxId = Math.max(maxId, lastAtom(x));
      if (y != null) {
        maxId = Math.max(maxId, lastAtom(y));
      }
    }
    if (live == 0) {
      return ar.getZero();
    }
    if (b != null) {
      for (int k = 0; k < ps.length; k++) {
        if (s[k] != Modular.DEAD) {
          s[k] = ps[k].reduce(accHi[k], accLo[k]);
        }
      }
    }
    Wide w = ar.precision == null ? null : wide(a, aOff, aStep, b, bOff, bStep, n, ar.precision);
    double bound = sumBound(heights, live);
    if (maxId < 0) {
      return new Modular(ar, s, lo, hi, w, sign, bound, NONE, NONE);
    }
    int size = sharedExponents(a, aOff, aStep, b, bOff, bStep, n, live, maxId, sc);
    double[] bits = ar.atomBitsTable();
    int[] atoms = java.util.Arrays.copyOf(sc.atoms, size);
    int[] exps = java.util.Arrays.copyOf(sc.exps, size);
    double shared = 0;
    for (int i = 0; i < size; i++) {
      shared += exps[i] * bits[atoms[i]];
    }
    return new Modular(ar, s, lo, hi, w, sign, bound - shared, atoms, exps);
  }

  /** Whether the term {@code x·y} (or {@code x} when {@code y} is null) has a factor that is exactly 0. */
  private static boolean exactlyZero(Modular x, Modular y) {
    return x.m == Double.NEGATIVE_INFINITY || y != null && y.m == Double.NEGATIVE_INFINITY;
  }

  /** The largest atom id of {@code x}, −1 when it has none. */
  private static int lastAtom(Modular x) {
    return x.atoms.length == 0 ? -1 : x.atoms[x.atoms.length - 1];
  }

  /** Adds the residues {@code xr} to the sum {@code s} per prime; a prime dead in either stays or becomes DEAD. */
  private static void addResidues(ModPrime[] ps, long[] s, long[] xr) {
    for (int k = 0; k < ps.length; k++) {
      s[k] = s[k] == Modular.DEAD || xr[k] == Modular.DEAD ? Modular.DEAD : ps[k].add(s[k], xr[k]);
    }
  }

  /**
   * Adds the 128-bit product of the Montgomery forms {@code xr[k]·yr[k]} to {@code (hi[k], lo[k])} per prime, reduced
   * once at the end ({@code Σ (x R)(y R) R^{-1} = (Σ x y) R}); a prime dead in a factor is marked DEAD in {@code s}.
   */
  private static void addProducts(ModPrime[] ps, long[] s, long[] hi, long[] lo, long[] xr, long[] yr) {
    for (int k = 0; k < ps.length; k++) {
      long x = xr[k];
      long y = yr[k];
      if (x == Modular.DEAD || y == Modular.DEAD) {
        s[k] = Modular.DEAD;
      } else {
        // (hi, lo) < p·2^64 before; x y < p² < (p/4)·2^64 for p < 2^62, so hi + high(x y) + carry < 2p, and
        // subtracting p·2^64 (≡ 0 mod p) once keeps the invariant
        long l = lo[k] + x * y;
        long h = hi[k] + Math.multiplyHigh(x, y) + (Long.compareUnsigned(l, lo[k]) < 0 ? 1 : 0);
        lo[k] = l;
        hi[k] = h >= ps[k].p ? h - ps[k].p : h;
      }
    }
  }

  /**
   * {@code g(a) = min_t e_t(a)} over the {@code live} terms that are not exactly 0, where a term's exponent of atom
   * a is the sum of its factors' and an atom absent from a term has exponent 0 there; writes the non-zero ones,
   * ids ascending, to the scratch's atoms and exps and returns how many. Ids are small (atoms are numbered as
   * registered, every one here at most {@code maxId}), so the fold runs over the scratch's arrays indexed by id,
   * one pass over every factor's atoms.
   */
  private static int sharedExponents(Object[] a, int aOff, int aStep, Object[] b, int bOff, int bStep, int n,
      int live, int maxId, Scratch sc) {
    // per id: g so far, and how many terms had the atom; a term's exponents come from one merge of its factors'
    // ascending atom lists
    int[] min = sc.min(maxId + 1);
    int[] count = sc.count;
    for (int t = 0; t < n; t++) {
      Modular x = (Modular) a[aOff + t * aStep];
      Modular y = b == null ? null : (Modular) b[bOff + t * bStep];
      if (exactlyZero(x, y)) {
        continue;
      }
      int[] xa = x.atoms;
      int[] xe = x.exps;
      int[] ya = y == null ? NONE : y.atoms;
      int[] ye = y == null ? NONE : y.exps;
      int i = 0;
      int j = 0;
      while (i < xa.length || j < ya.length) {
        int id = Math.min(i < xa.length ? xa[i] : Integer.MAX_VALUE, j < ya.length ? ya[j] : Integer.MAX_VALUE);
        int e = 0;
        if (i < xa.length && xa[i] == id) {
          e += xe[i++];
        }
        if (j < ya.length && ya[j] == id) {
          e += ye[j++];
        }
        min[id] = count[id] == 0 ? e : Math.min(min[id], e);
        count[id]++;
      }
    }
    int size = 0;
    for (int id = 0; id <= maxId; id++) {
      // an atom some term lacks has exponent 0 in that term
      int g = count[id] == 0 ? 0 : count[id] < live ? Math.min(min[id], 0) : min[id];
      count[id] = 0;
      if (g != 0) {
        sc.atoms[size] = id;
        sc.exps[size++] = g;
      }
    }
    return size;
  }

  /**
   * The working arrays of one thread's dot products: the residue accumulators, the terms' heights and the fold's
   * per-id arrays, grown when a larger sum or atom id comes; the fold leaves its counts at 0.
   */
  private static final class Scratch {
    private static final ThreadLocal<Scratch> OF_THREAD = ThreadLocal.withInitial(Scratch::new);

    long[] hi = new long[8];
    long[] lo = new long[8];
    double[] heights = new double[16];
    int[] min = new int[64];
    int[] count = new int[64];
    int[] atoms = new int[64];
    int[] exps = new int[64];

    /** This thread's scratch with room for {@code primes} primes and {@code terms} terms. */
    static Scratch of(int primes, int terms) {
      Scratch sc = OF_THREAD.get();
      if (sc.hi.length < primes) {
        sc.hi = new long[primes];
        sc.lo = new long[primes];
      }
      if (sc.heights.length < terms) {
        sc.heights = new double[Math.max(terms, 2 * sc.heights.length)];
      }
      return sc;
    }

    /** The per-id minima with room for {@code ids} ids (the counts, atoms and exps grow with them). */
    int[] min(int ids) {
      if (min.length < ids) {
        int size = Math.max(ids, 2 * min.length);
        min = new int[size];
        count = new int[size];
        atoms = new int[size];
        exps = new int[size];
      }
      return min;
    }
  }

  /**
   * The decimal enclosure of the sum of the terms that are not exactly 0 by the operations of {@link Wide}, or null
   * when a factor has none.
   */
  private static Wide wide(Object[] a, int aOff, int aStep, Object[] b, int bOff, int bStep, int n,
      Wide.Precision p) {
    Wide sum = Wide.of(0);
    for (int t = 0; t < n; t++) {
      Modular x = (Modular) a[aOff + t * aStep];
      Modular y = b == null ? null : (Modular) b[bOff + t * bStep];
      if (exactlyZero(x, y)) {
        continue;
      }
      if (x.w == null || y != null && y.w == null) {
        return null;
      }
      sum = sum.add(y == null ? x.w : x.w.multiply(y.w, p), p);
    }
    return sum;
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
   * {@code 128·2^56}), without sorting. Other heights go through the tree. Reads {@code h[0..n)}, and sorts it only
   * then.
   */
  static double sumBound(double[] h, int n) {
    if (n < 2 || n >= 128) {
      return additionTree(h, n);
    }
    double min = h[0];
    double max = h[0];
    boolean integers = true;
    for (int t = 0; t < n; t++) {
      double v = h[t];
      min = Math.min(min, v);
      max = Math.max(max, v);
      integers &= v == Math.rint(v);
    }
    // NaN (infinite heights) fails the test as well
    if (!(integers && max - min <= 56)) {
      return additionTree(h, n);
    }
    long sum = 0;
    for (int t = 0; t < n; t++) {
      sum += 1L << (int) (h[t] - min);
    }
    // ⌈log2 S⌉ for S ≥ 2 is the bit length of S − 1
    return min + (64 - Long.numberOfLeadingZeros(sum - 1));
  }

  /**
   * A bound {@code H} with {@code Σ_t 2^{h_t} ≤ 2^H}: the best tree of pairwise additions, each bounded by the
   * larger bound plus one, found by adding the two smallest first (optimal for this cost, Golumbic 1976; for
   * integer {@code h_t} it is {@code ⌈log2 Σ_t 2^{h_t}⌉}). The merged bounds come out in non-decreasing order,
   * so a second queue keeps them sorted. Reads and sorts {@code h[0..n)}, {@code n ≥ 1}.
   */
  static double additionTree(double[] h, int n) {
    if (n <= 2) {
      return n == 1 ? h[0] : Math.max(h[0], h[1]) + 1;
    }
    // insertion sort for the short lists of most dot products, the library's sort beyond
    if (n > 32) {
      Arrays.sort(h, 0, n);
    }
    for (int i = 1; i < n; i++) {
      double v = h[i];
      int j = i - 1;
      while (j >= 0 && h[j] > v) {
        h[j + 1] = h[j];
        j--;
      }
      h[j + 1] = v;
    }
    double[] merged = new double[n];
    int i = 0;
    int head = 0;
    int tail = 0;
    for (int left = n; left > 1; left--) {
      // take the two smallest of both queues; their sum is bounded by the larger one's bound plus one
      double a = i < n && (head == tail || h[i] <= merged[head]) ? h[i++] : merged[head++];
      double b = i < n && (head == tail || h[i] <= merged[head]) ? h[i++] : merged[head++];
      merged[tail++] = Math.max(a, b) + 1;
    }
    return merged[tail - 1];
  }

  /**
   * A double ≤ x·y for all x ∈ [xl, xh], y ∈ [yl, yh]. When every corner's product is finite and at least {@link
   * Enclosure#TINY} in magnitude, it is the largest double ≤ the least exact corner product: every corner is rounded
   * down ({@link Enclosure#below}) and the least taken, without a branch on the signs (random signs are what a
   * processor mispredicts); rounding down is monotone there, so this is the sign case's corner rounded down.
   * Otherwise from the factors' sign case (all four corners when signs are mixed), by {@link Enclosure#mulDown},
   * which widens a product below TINY by TINY.
   */
  static double productLow(double xl, double xh, double yl, double yh) {
    double a = xl * yl;
    double b = xl * yh;
    double c = xh * yl;
    double d = xh * yh;
    double least = Math.min(Math.min(Math.abs(a), Math.abs(b)), Math.min(Math.abs(c), Math.abs(d)));
    double most = Math.max(Math.max(Math.abs(a), Math.abs(b)), Math.max(Math.abs(c), Math.abs(d)));
    // NaN (0·∞) fails both tests. The corners are rounded here rather than by mulDown, whose tests for 0, overflow
    // and TINY this one has settled for all four: calling it cost about 4 % of a W2 tiny check
    if (least >= Enclosure.TINY && most <= Double.MAX_VALUE) {
      return Math.min(
          Math.min(Enclosure.below(a, Math.fma(xl, yl, -a)), Enclosure.below(b, Math.fma(xl, yh, -b))),
          Math.min(Enclosure.below(c, Math.fma(xh, yl, -c)), Enclosure.below(d, Math.fma(xh, yh, -d))));
    }
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
