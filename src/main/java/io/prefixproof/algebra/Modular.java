package io.prefixproof.algebra;

import org.apache.commons.math3.Field;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.exception.MathArithmeticException;
import org.apache.commons.math3.exception.util.LocalizedFormats;

/**
 * A rational number {@code v} known through three cheap shadows, each computed by the same operations:
 *
 * <ul>
 *   <li>its residues {@code v mod p_k} for the primes of its {@link ModularArith} (in Montgomery form): the
 *       image of {@code v} under the ring map {@code Z_(p) → F_p}, defined while no divisor of the
 *       computation vanished modulo {@code p}; a prime where one did is marked {@link #DEAD} from then on;
 *   <li>a certified enclosure {@code lo ≤ v ≤ hi} in doubles with directed rounding ({@link Enclosure});
 *       an infinite bound bounds nothing on its side; and its sign where the operations alone fix it
 *       (products and quotients of known signs, sums of terms of one sign), which survives where the
 *       enclosure underflows or overflows, as for the dyadic kernel of a score of −10^6; and, when its
 *       arithmetic was {@link ModularArith#widened}, a second, tighter enclosure in decimals ({@link Wide}),
 *       for the signs and floors the doubles cannot settle;
 *   <li>a factored form that bounds its height: {@code v = M·∏ a_i^{e_i}} with an integer {@code |M| ≤
 *       2^m} and signed exponents over <em>atoms</em> {@code a_i}, positive integers registered in the
 *       {@link ModularArith} with a bound on their bits. An atom is made when a value is first used as a
 *       divisor (the divisor's own {@code M}) or from an input's denominator, so {@code t = A/S} with {@code
 *       A = a/P, S = s/P} keeps no trace of {@code P}, and a sum keeps the atoms its terms share ({@code
 *       G = ∏ a_i^{min(e_i, f_i)}} times an integer). The reduced numerator of {@code v} then has at most
 *       {@code m + Σ_{e_i>0} e_i bits(a_i)} bits and its denominator at most {@code Σ_{e_i<0} −e_i bits(a_i)},
 *       without any gcd. Every atom with a negative exponent is a unit modulo every live prime.
 * </ul>
 *
 * Field operations never decide anything; equality and signs are decided by {@link ModularArith}, which
 * says how certain each decision is.
 */
public final class Modular implements FieldElement<Modular> {
  /** Marks the residue of a prime at which a divisor of the computation was 0. */
  static final long DEAD = -1;

  /** The sign of a value that neither its operations nor its enclosure settle. */
  static final int UNKNOWN = 2;

  final ModularArith arith;
  final long[] r;
  final double lo;
  final double hi;
  /** The decimal enclosure, or null (the arithmetic is not widened, or the value is unbounded there). */
  final Wide w;
  /** −1, 0 or 1 when certain, {@link #UNKNOWN} otherwise. */
  final int sign;
  /** log2 bound on |M|; −∞ only for the constant 0. */
  final double m;
  /** Atom ids, ascending, and their exponents (never 0). */
  final int[] atoms;
  final int[] exps;
  /** This value's own atom once it has been a divisor (−1 before): the same divisor, the same atom. */
  private int atom = -1;
  /** The residues of {@code 1/this} once it has been a divisor (null before). */
  private Inverse inverse;

  /** {@link #height()}, computed with the value (a lazily cached copy would cost a fence per first use). */
  private final double height;

  /** Residues of a reciprocal, {@link #DEAD} where the divisor's residue is 0 (final: safe to publish). */
  private record Inverse(long[] r) {}

  Modular(ModularArith arith, long[] r, double lo, double hi, Wide w, int sign, double m, int[] atoms, int[] exps) {
    this.arith = arith;
    this.r = r;
    this.lo = Double.isNaN(lo) ? Double.NEGATIVE_INFINITY : Math.min(lo, Double.MAX_VALUE);
    this.hi = Double.isNaN(hi) ? Double.POSITIVE_INFINITY : Math.max(hi, -Double.MAX_VALUE);
    this.w = w;
    int s = sign != UNKNOWN ? sign : this.lo > 0 ? 1 : this.hi < 0 ? -1 : this.lo == 0 && this.hi == 0 ? 0 : UNKNOWN;
    this.sign = s == UNKNOWN && w != null ? w.sign() : s;
    this.m = m;
    this.atoms = atoms;
    this.exps = exps;
    double h = m;
    if (atoms.length > 0) {
      double[] bits = arith.atomBitsTable();
      for (int i = 0; i < atoms.length; i++) {
        h += exps[i] * bits[atoms[i]];
      }
    }
    this.height = h;
  }

  /** Lower end of the certified enclosure. */
  public double lo() {
    return lo;
  }

  /** Upper end of the certified enclosure. */
  public double hi() {
    return hi;
  }

  /** Bound on log2 of the reduced numerator ({@code −∞} for the constant 0). */
  public double numeratorBits() {
    return m + atomBits(exps, 1);
  }

  /** Bound on log2 of the reduced denominator. */
  public double denominatorBits() {
    return atomBits(exps, -1);
  }

  /**
   * Bound on log2 of the reduced numerator of {@code this − b}: that of the factored form {@link Sum} gives the
   * difference, {@code m} plus the bits of the shared atoms with positive exponents, from the same fold over both
   * atom lists without building the form.
   */
  double differenceBits(Modular b) {
    if (m == Double.NEGATIVE_INFINITY || b.m == Double.NEGATIVE_INFINITY) {
      return (m == Double.NEGATIVE_INFINITY ? b : this).numeratorBits();
    }
    double[] bits = arith.atomBitsTable();
    double restX = m;
    double restY = b.m;
    double shared = 0;
    int i = 0;
    int j = 0;
    while (i < atoms.length || j < b.atoms.length) {
      int id = Math.min(i < atoms.length ? atoms[i] : Integer.MAX_VALUE,
          j < b.atoms.length ? b.atoms[j] : Integer.MAX_VALUE);
      int e = i < atoms.length && atoms[i] == id ? exps[i++] : 0;
      int f = j < b.atoms.length && b.atoms[j] == id ? b.exps[j++] : 0;
      int g = Math.min(e, f);
      restX += (e - g) * bits[id];
      restY += (f - g) * bits[id];
      shared += Math.max(g, 0) * bits[id];
    }
    return Math.max(restX, restY) + 1 + shared;
  }

  /**
   * {@code m + Σ_i e_i bits(a_i)} over all atoms, each exponent with its sign: a bound on log2 of the integer {@code
   * |v|·∏ a_i^{−e_i}}; computed with the value (an atom's bound never changes once registered, and every atom
   * of a value is registered before the value is made).
   */
  double height() {
    return height;
  }

  /** {@code Σ sign·e_i bits(a_i)} over the exponents of that sign. */
  private double atomBits(int[] es, int sign) {
    double bits = 0;
    for (int i = 0; i < atoms.length; i++) {
      if (es[i] * sign > 0) {
        bits += es[i] * sign * arith.atomBits(atoms[i]);
      }
    }
    return bits;
  }

  /** Whether a divisor of this value's computation vanished modulo prime {@code k}. */
  public boolean dead(int k) {
    return r[k] == DEAD;
  }

  @Override
  public Modular add(Modular b) {
    ModPrime[] ps = arith.primes;
    long[] s = new long[ps.length];
    for (int k = 0; k < ps.length; k++) {
      s[k] = r[k] == DEAD || b.r[k] == DEAD ? DEAD : ps[k].add(r[k], b.r[k]);
    }
    Sum f = new Sum(this, b);
    int sg = sign == 0 ? b.sign : b.sign == 0 || b.sign == sign ? sign : UNKNOWN;
    return new Modular(arith, s, Enclosure.addDown(lo, b.lo), Enclosure.addUp(hi, b.hi),
        wide(b) ? w.add(b.w, arith.precision) : null, sg, f.m, f.atoms, f.exps);
  }

  @Override
  public Modular subtract(Modular b) {
    return add(b.negate());
  }

  @Override
  public Modular negate() {
    ModPrime[] ps = arith.primes;
    long[] s = new long[ps.length];
    for (int k = 0; k < ps.length; k++) {
      s[k] = r[k] == DEAD ? DEAD : ps[k].sub(0, r[k]);
    }
    return new Modular(arith, s, -hi, -lo, w == null ? null : w.negate(), sign == UNKNOWN ? UNKNOWN : -sign, m, atoms, exps);
  }

  @Override
  public Modular multiply(int n) {
    return multiply(arith.of(n));
  }

  @Override
  public Modular multiply(Modular b) {
    if (b == arith.getOne() || this == arith.getOne()) {
      // x·1 = x in every shadow, and the height needs no bit for the 1
      return b == arith.getOne() ? this : b;
    }
    ModPrime[] ps = arith.primes;
    long[] s = new long[ps.length];
    for (int k = 0; k < ps.length; k++) {
      s[k] = r[k] == DEAD || b.r[k] == DEAD ? DEAD : ps[k].mul(r[k], b.r[k]);
    }
    double l;
    double h;
    if (lo >= 0 && b.lo >= 0) {
      // both enclosures in [0, ∞]: the product is monotone in each factor
      l = Enclosure.mulDown(lo, b.lo);
      h = Enclosure.mulUp(hi, b.hi);
    } else {
      l = Math.min(Math.min(Enclosure.mulDown(lo, b.lo), Enclosure.mulDown(lo, b.hi)),
          Math.min(Enclosure.mulDown(hi, b.lo), Enclosure.mulDown(hi, b.hi)));
      h = Math.max(Math.max(Enclosure.mulUp(lo, b.lo), Enclosure.mulUp(lo, b.hi)),
          Math.max(Enclosure.mulUp(hi, b.lo), Enclosure.mulUp(hi, b.hi)));
    }
    int[][] f = merge(atoms, exps, b.atoms, b.exps, 1, -1, 0);
    return new Modular(arith, s, l, h, wide(b) ? w.multiply(b.w, arith.precision) : null, productSign(b), m + b.m,
        f[0], f[1]);
  }

  /**
   * {@code a/b}. A prime at which {@code b}'s residue is 0 is marked {@link #DEAD} in the result (b may be
   * non-zero there: p divides its numerator); a {@code b} that is 0 throws, as {@code BigFraction} does.
   */
  @Override
  public Modular divide(Modular b) throws MathArithmeticException {
    if (arith.isZero(b)) {
      throw new MathArithmeticException(LocalizedFormats.ZERO_DENOMINATOR);
    }
    ModPrime[] ps = arith.primes;
    long[] inv = b.inverse().r();
    if (this == arith.getZero() && live(inv)) {
      // 0/b is the constant 0 in every shadow where b has an inverse at every prime (a masked-out weight)
      return this;
    }
    long[] s = new long[ps.length];
    for (int k = 0; k < ps.length; k++) {
      s[k] = r[k] == DEAD || inv[k] == DEAD ? DEAD : ps[k].mul(r[k], inv[k]);
    }
    double l = Double.NEGATIVE_INFINITY;
    double h = Double.POSITIVE_INFINITY;
    if (b.lo > 0) {
      // a positive divisor (a row sum of kernel values): the sign case's two roundings
      l = Enclosure.quotientLowPositive(lo, b.lo, b.hi);
      h = Enclosure.quotientHighPositive(hi, b.lo, b.hi);
    } else if (b.hi < 0) {
      l = Math.min(Math.min(Enclosure.divDown(lo, b.lo), Enclosure.divDown(lo, b.hi)),
          Math.min(Enclosure.divDown(hi, b.lo), Enclosure.divDown(hi, b.hi)));
      h = Math.max(Math.max(Enclosure.divUp(lo, b.lo), Enclosure.divUp(lo, b.hi)),
          Math.max(Enclosure.divUp(hi, b.lo), Enclosure.divUp(hi, b.hi)));
    }
    int[][] f = merge(atoms, exps, b.atoms, b.exps, -1, b.atomId(), -1);
    return new Modular(arith, s, l, h, wide(b) ? w.divide(b.w, arith.precision) : null, productSign(b), m, f[0], f[1]);
  }

  /** Whether no residue in {@code rs} is {@link #DEAD}. */
  private static boolean live(long[] rs) {
    for (long x : rs) {
      if (x == DEAD) {
        return false;
      }
    }
    return true;
  }

  /** The residues of {@code 1/this}, computed (by Fermat) the first time this value divides. */
  private Inverse inverse() {
    Inverse i = inverse;
    if (i == null) {
      ModPrime[] ps = arith.primes;
      long[] inv = new long[ps.length];
      for (int k = 0; k < ps.length; k++) {
        inv[k] = r[k] == DEAD || r[k] == 0 ? DEAD : ps[k].inverse(r[k]);
      }
      i = new Inverse(inv);
      inverse = i;
    }
    return i;
  }

  /** Whether the residues of {@code 1/this} are known already (this value has divided, or was batch-inverted). */
  boolean inverted() {
    return inverse != null;
  }

  /**
   * Sets the residues of {@code 1/this} computed elsewhere ({@link BatchInverse}): per prime the Montgomery form of
   * the inverse, {@link #DEAD} where this value is dead or its residue is 0, as {@link #inverse()} would give.
   */
  void inverseIs(long[] inv) {
    inverse = new Inverse(inv);
  }

  /** Whether both operands carry a decimal enclosure. */
  private boolean wide(Modular b) {
    return w != null && b.w != null;
  }

  /** The sign of {@code this·b} or {@code this/b} when both signs are known. */
  private int productSign(Modular b) {
    return sign == UNKNOWN || b.sign == UNKNOWN ? UNKNOWN : sign * b.sign;
  }

  /** This value's atom, registered with the bound on its {@code M} the first time it divides. */
  private int atomId() {
    if (atom < 0) {
      atom = arith.newAtom(m);
    }
    return atom;
  }

  /**
   * The exponents {@code e + sign·f} over the union of both atom lists, plus {@code extraExp} on atom
   * {@code extra} (−1 for none); zeros dropped. Returns {ids, exponents}.
   */
  static int[][] merge(int[] a, int[] e, int[] b, int[] f, int sign, int extra, int extraExp) {
    if (extra < 0 && b.length == 0) {
      return new int[][] {a, e};
    }
    if (extra < 0 && a.length == 0 && sign == 1) {
      return new int[][] {b, f};
    }
    // a counting pass, then the same pass writing into arrays of the exact size
    int n = mergeInto(a, e, b, f, sign, extra, extraExp, null, null);
    int[] ids = new int[n];
    int[] xs = new int[n];
    mergeInto(a, e, b, f, sign, extra, extraExp, ids, xs);
    return new int[][] {ids, xs};
  }

  /** The pass of {@link #merge}: writes the non-zero exponents to {@code ids, xs} unless null; returns their count. */
  private static int mergeInto(int[] a, int[] e, int[] b, int[] f, int sign, int extra, int extraExp, int[] ids,
      int[] xs) {
    int i = 0;
    int j = 0;
    int n = 0;
    boolean extraDone = extra < 0;
    while (i < a.length || j < b.length || !extraDone) {
      int id = Math.min(i < a.length ? a[i] : Integer.MAX_VALUE, j < b.length ? b[j] : Integer.MAX_VALUE);
      if (!extraDone && extra <= id) {
        id = extra;
      }
      int x = 0;
      if (i < a.length && a[i] == id) {
        x += e[i++];
      }
      if (j < b.length && b[j] == id) {
        x += sign * f[j++];
      }
      if (!extraDone && extra == id) {
        x += extraExp;
        extraDone = true;
      }
      if (x != 0) {
        if (ids != null) {
          ids[n] = id;
          xs[n] = x;
        }
        n++;
      }
    }
    return n;
  }

  /**
   * The factored form of {@code x + y} for {@code x = M·∏a^e}, {@code y = N·∏a^f}: the shared part {@code G =
   * ∏ a^{min(e, f)}} (absent exponents are 0) times the integer {@code M ∏a^{e−min} + N ∏a^{f−min}}, whose
   * log2 is at most the larger of its terms' plus one.
   */
  static final class Sum {
    final double m;
    final int[] atoms;
    final int[] exps;

    Sum(Modular x, Modular y) {
      if (x.m == Double.NEGATIVE_INFINITY || y.m == Double.NEGATIVE_INFINITY) {
        Modular other = x.m == Double.NEGATIVE_INFINITY ? y : x;
        m = other.m;
        atoms = other.atoms;
        exps = other.exps;
        return;
      }
      if (java.util.Arrays.equals(x.atoms, y.atoms) && java.util.Arrays.equals(x.exps, y.exps)) {
        // every atom shared with the same exponent: G is all of it, as the loop below would find
        m = Math.max(x.m, y.m) + 1;
        atoms = x.atoms;
        exps = x.exps;
        return;
      }
      Modular withAtoms = y.atoms.length == 0 ? x : y;
      if (x.atoms.length + y.atoms.length == withAtoms.atoms.length && allNegative(withAtoms.exps)) {
        // one term without atoms (an integer, as the dyadic kernel's 1 − ⌊s⌋) and the other's all denominators:
        // G is the other's form, min(e, 0) = e, as the loop below would find
        Modular plain = withAtoms == x ? y : x;
        double rest = plain.m;
        for (int i = 0; i < withAtoms.atoms.length; i++) {
          rest -= withAtoms.exps[i] * x.arith.atomBits(withAtoms.atoms[i]);
        }
        m = Math.max(withAtoms.m, rest) + 1;
        atoms = withAtoms.atoms;
        exps = withAtoms.exps;
        return;
      }
      int[] ids = new int[x.atoms.length + y.atoms.length];
      int[] xs = new int[ids.length];
      double restX = x.m;
      double restY = y.m;
      int i = 0;
      int j = 0;
      int n = 0;
      while (i < x.atoms.length || j < y.atoms.length) {
        int id = Math.min(i < x.atoms.length ? x.atoms[i] : Integer.MAX_VALUE,
            j < y.atoms.length ? y.atoms[j] : Integer.MAX_VALUE);
        int e = i < x.atoms.length && x.atoms[i] == id ? x.exps[i++] : 0;
        int f = j < y.atoms.length && y.atoms[j] == id ? y.exps[j++] : 0;
        int g = Math.min(e, f);
        double bits = x.arith.atomBits(id);
        restX += (e - g) * bits;
        restY += (f - g) * bits;
        if (g != 0) {
          ids[n] = id;
          xs[n++] = g;
        }
      }
      m = Math.max(restX, restY) + 1;
      atoms = java.util.Arrays.copyOf(ids, n);
      exps = java.util.Arrays.copyOf(xs, n);
    }
  }

  /** Whether every exponent is negative. */
  private static boolean allNegative(int[] exps) {
    for (int e : exps) {
      if (e >= 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Modular reciprocal() throws MathArithmeticException {
    return arith.getOne().divide(this);
  }

  @Override
  public Field<Modular> getField() {
    return arith;
  }

  /** Equality decided by {@link ModularArith#same}: certified, or with the error its tally records. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Modular && arith.same(this, (Modular) o);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(r);
  }

  /** The midpoint of the enclosure, {@code ≈m}; the residues say nothing readable. */
  @Override
  public String toString() {
    return lo == hi ? String.valueOf(lo) : "≈" + String.format("%.6g", lo / 2 + hi / 2);
  }
}
