package io.prefixproof.algebra;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.math3.Field;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Exact rational arithmetic decided modulo word-sized primes: the same rational function as {@link
 * ExactArith} with the same {@link RationalKernel}, carried as {@link Modular} values (residues, a certified
 * double enclosure, a height bound) instead of {@code BigFraction}s.
 *
 * <p>Decisions. A sign is certified by the enclosure when it excludes 0. Equality {@code x = y} is
 * certified false when a live residue or the enclosures differ, and certified true when both enclosures are
 * the same point or when the height bound {@code B} of the numerator {@code N} of {@code x − y} satisfies
 * {@code 2^B < ∏ p_k} (a non-zero {@code |N| < ∏ p_k} has a non-zero residue, by the Chinese remainder
 * theorem). Otherwise "equal" is decided by all residues agreeing, and is wrong only if every prime divides
 * {@code N ≠ 0}: a non-zero {@code |N| ≤ 2^B} has at most {@code ⌊B/61⌋} prime factors {@code ≥ 2^61},
 * and {@link #random} draws each prime uniformly and independently from the at least 2^55 primes in
 * {@code [2^61, 2^62)} (Rosser–Schoenfeld: {@code x/ln x < π(x) < 1.25506 x/ln x}), so the chance is at most
 * {@code (⌊B/61⌋/2^55)^K} for K primes. {@link #tally} sums these over every decision of a run (a union
 * bound). A sign whose enclosure straddles 0 is 0 when every residue is (the same error), and otherwise
 * {@link Undecided}, as is any decision that meets a prime at which a divisor vanished. {@link #widened}
 * gives every value a second enclosure in decimals of a chosen precision ({@link Wide}), which settles the
 * signs and floors that the doubles leave open after deep computations; what stays undecided the caller
 * decides with {@code BigFraction}.
 */
public final class ModularArith implements Arith<Modular>, Field<Modular> {
  /** A decision the residues and the enclosure cannot make; the caller falls back to exact rationals. */
  public static final class Undecided extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final boolean enclosure;

    Undecided(String what, boolean enclosure) {
      super(what);
      this.enclosure = enclosure;
    }

    /** Whether a tighter enclosure could decide it (a sign or floor), not a prime at which a divisor vanished. */
    public boolean enclosure() {
      return enclosure;
    }
  }

  /**
   * Decisions made so far: {@code certified} ones are right for any primes; {@code probabilistic} ones are
   * wrong with probability at most {@code 2^log2Error} in all (−∞ when there are none, NaN when the primes
   * were chosen rather than drawn, so that no probability applies).
   */
  public record Tally(long certified, long probabilistic, double maxBits, double log2Error) {}

  private static final int[] NONE = {};

  final ModPrime[] primes;
  private final RationalKernel kernel;
  private final boolean drawn;
  /** The decimal enclosures' precision, or null when values carry the double enclosure only. */
  final Wide.Precision precision;
  private final double productBits;
  private final Modular zero;
  private final Modular one;
  private final LongAdder certified = new LongAdder();
  private final LongAdder probabilistic = new LongAdder();
  private double maxBits = Double.NEGATIVE_INFINITY;
  /**
   * The atoms' bit bounds (an atom is registered once under the lock, a bound is read on every sum without
   * it): a new bound is written before the array is stored again in this volatile field, so a reader that
   * learnt an atom's id after its registration reads its bound.
   */
  private volatile double[] atomBits = smallPrimeAtoms();
  /** Atoms 0 to 14 are the {@link #SMALL_PRIMES} in every arithmetic, so that forms over them are shared. */
  private int atomCount = SMALL_PRIMES.length;
  private final java.util.Map<BigInteger, Integer> denominators = new java.util.HashMap<>();
  /** Residues of {@code 1/d} for input denominators of at most 16 bits; shared by {@link #fresh} copies. */
  private final java.util.Map<BigInteger, long[]> inverses;
  /**
   * What {@link #of(BigFraction)} computes of an input with numerator and denominator of at most 16 bits that does
   * not depend on the case (residues, enclosure, sign, numerator bits), keyed by {@link #inputKey}; up to {@link
   * #INPUTS} of them (a few more when threads add at once), shared by {@link #fresh} copies.
   */
  private final java.util.Map<Long, Input> inputs;
  /** The factored forms of {@code 1/d} for input denominators {@code 1 < d <} 64, by d (this arithmetic's atoms). */
  private final Form[] smallForms = new Form[64];

  /** How many inputs a prime set keeps ({@link #inputs}): W2's 171 fractions, with room for other tables. */
  static final int INPUTS = 4096;

  /** An input's shadows that depend on the primes only; {@code r} is shared by every value made from it. */
  private record Input(long[] r, double lo, double hi, int sign, double m) {}

  private ModularArith(ModPrime[] primes, RationalKernel kernel, boolean drawn,
      java.util.Map<BigInteger, long[]> inverses, java.util.Map<Long, Input> inputs, Wide.Precision precision) {
    this.primes = primes;
    this.kernel = kernel;
    this.drawn = drawn;
    this.inverses = inverses;
    this.inputs = inputs;
    this.precision = precision;
    double bits = 0;
    for (ModPrime p : primes) {
      bits += Math.floor(Math.log(p.p) / Math.log(2));
    }
    this.productBits = bits;
    this.zero = constant(0);
    this.one = constant(1);
  }

  /** {@code k} primes drawn uniformly from {@code [2^61, 2^62)} with {@code r}, and the kernel {@code kernel}. */
  public static ModularArith random(RationalKernel kernel, int k, SplittableRandom r) {
    if (k < 1) {
      throw new IllegalArgumentException("need at least one prime, got " + k);
    }
    ModPrime[] ps = new ModPrime[k];
    for (int i = 0; i < k; i++) {
      ps[i] = ModPrime.random(r);
    }
    return new ModularArith(ps, kernel, true, new java.util.concurrent.ConcurrentHashMap<>(),
        new java.util.concurrent.ConcurrentHashMap<>(), null);
  }

  /** The given odd primes below 2^62 (for tests that plant a vanishing denominator); no probability applies. */
  public static ModularArith withPrimes(RationalKernel kernel, long... primes) {
    ModPrime[] ps = new ModPrime[primes.length];
    for (int i = 0; i < primes.length; i++) {
      if (!ModPrime.isPrime(primes[i])) {
        throw new IllegalArgumentException(primes[i] + " is not prime");
      }
      ps[i] = new ModPrime(primes[i]);
    }
    return new ModularArith(ps, kernel, false, new java.util.concurrent.ConcurrentHashMap<>(),
        new java.util.concurrent.ConcurrentHashMap<>(), null);
  }

  /**
   * A new arithmetic over the same primes and kernel, for the next case: its own atoms and tally, the
   * cached inverses of input denominators shared. The error bound of {@link ModularArith} holds for each
   * decision as long as the primes were drawn independently of the case, whatever other cases they served,
   * so a run may draw its primes once instead of once per case.
   */
  public ModularArith fresh() {
    return new ModularArith(primes, kernel, drawn, inverses, inputs, precision);
  }

  /**
   * A new arithmetic over the same primes and kernel whose values also carry an enclosure in decimals of
   * {@code digits} significant digits: the same residues and decisions, slower operations, and the signs and
   * floors that a double enclosure leaves undecided after deep computations decided.
   */
  public ModularArith widened(int digits) {
    return new ModularArith(primes, kernel, drawn, inverses, inputs, Wide.Precision.digits(digits));
  }

  /** The decimal enclosures' significant digits, 0 when values carry the double enclosure only. */
  public int digits() {
    return precision == null ? 0 : precision.digits();
  }

  /** The primes, in order. */
  public long[] primes() {
    long[] out = new long[primes.length];
    for (int i = 0; i < primes.length; i++) {
      out[i] = primes[i].p;
    }
    return out;
  }

  /** The plain residue of {@code v} modulo prime {@code k}, or −1 where a divisor vanished. */
  public long residue(Modular v, int k) {
    return v.r[k] == Modular.DEAD ? -1 : primes[k].value(v.r[k]);
  }

  /** Registers a new atom whose integer has at most {@code bits} bits (log2 bound); returns its id. */
  synchronized int newAtom(double bits) {
    double[] a = atomBits;
    if (atomCount == a.length) {
      a = java.util.Arrays.copyOf(a, 2 * atomCount);
    }
    a[atomCount] = bits;
    atomBits = a;
    return atomCount++;
  }

  double atomBits(int id) {
    return atomBits[id];
  }

  /** The atoms' bit bounds by id, read once for a loop over many atoms (ids registered later are not in it). */
  double[] atomBitsTable() {
    return atomBits;
  }

  /** The bit bounds of a new arithmetic's atoms: the small primes' at their indices in {@link #SMALL_PRIMES}. */
  private static double[] smallPrimeAtoms() {
    double[] bits = new double[64];
    for (int i = 0; i < SMALL_PRIMES.length; i++) {
      bits[i] = denominatorBits(BigInteger.valueOf(SMALL_PRIMES[i]));
    }
    return bits;
  }

  /**
   * The atom of an input denominator or a factor of one, {@code d > 1}, one per distinct value: a small prime's is
   * its index in {@link #SMALL_PRIMES} (registered with every arithmetic), any other's is registered on first use.
   */
  private int denominatorAtom(BigInteger d) {
    if (d.bitLength() <= 6) {
      int i = java.util.Arrays.binarySearch(SMALL_PRIMES, d.intValue());
      if (i >= 0) {
        return i;
      }
    }
    return registeredAtom(d);
  }

  private synchronized int registeredAtom(BigInteger d) {
    Integer id = denominators.get(d);
    if (id == null) {
      id = newAtom(denominatorBits(d));
      denominators.put(d, id);
    }
    return id;
  }

  /** The atom list {2} of every power of two: 2 is atom 0 in every arithmetic (never written to). */
  private static final int[] ATOM_OF_TWO = {0};

  /** Small primes an input denominator is split over, so that denominators such as 2, 4 and 6 share atoms. */
  private static final int[] SMALL_PRIMES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47};

  /** The factored form {@code ∏ a_i^{e_i}} of {@code 1/d}: atoms ascending, exponents negative. */
  private record Form(int[] atoms, int[] exps) {}

  private final java.util.Map<BigInteger, Form> denominatorForms = new java.util.HashMap<>();

  /**
   * The factored form of {@code 1/d} for an input denominator {@code d > 1}: {@code d} split into powers of the
   * {@link #SMALL_PRIMES} and a cofactor, each an atom ({@link #denominatorAtom}), when their bit bounds add up
   * to no more than {@code d}'s own (2^k: k; another prime: its bit length); {@code d} as one atom otherwise.
   * Either way the denominator bound holds, and split denominators share atoms with each other and with the
   * dyadic kernel's powers of two (1/2 + 1/4 has a 2-bit denominator bound, not 3).
   */
  private synchronized Form denominatorForm(BigInteger d) {
    Form f = denominatorForms.get(d);
    if (f != null) {
      return f;
    }
    // factors (the small primes dividing d, then the cofactor) with their multiplicities; a d beyond the longs
    // stays one atom
    BigInteger[] factors = new BigInteger[SMALL_PRIMES.length + 1];
    int[] counts = new int[factors.length];
    int n = 0;
    long rest = d.bitLength() < 63 ? d.longValue() : 1;
    double bits = d.bitLength() < 63 ? 0 : Double.POSITIVE_INFINITY;
    for (int q : SMALL_PRIMES) {
      while (rest % q == 0) {
        rest /= q;
        if (n == 0 || factors[n - 1].longValue() != q) {
          factors[n++] = BigInteger.valueOf(q);
        }
        counts[n - 1]++;
        bits += denominatorBits(factors[n - 1]);
      }
    }
    if (rest != 1) {
      factors[n] = BigInteger.valueOf(rest);
      counts[n++] = 1;
      bits += denominatorBits(factors[n - 1]);
    }
    if (bits > denominatorBits(d)) {
      factors[0] = d;
      counts[0] = 1;
      n = 1;
    }
    // atoms ascending by id (ids follow registration order, not the factors' order)
    int[] atoms = new int[n];
    int[] exps = new int[n];
    for (int i = 0; i < n; i++) {
      int id = denominatorAtom(factors[i]);
      int j = i;
      while (j > 0 && atoms[j - 1] > id) {
        atoms[j] = atoms[j - 1];
        exps[j] = exps[j - 1];
        j--;
      }
      atoms[j] = id;
      exps[j] = -counts[i];
    }
    f = new Form(atoms, exps);
    denominatorForms.put(d, f);
    return f;
  }

  /** The bit bound of the atom of a denominator {@code d > 1}: k for 2^k, the bit length otherwise. */
  private static int denominatorBits(BigInteger d) {
    boolean powerOfTwo = d.getLowestSetBit() == d.bitLength() - 1;
    return d.bitLength() - (powerOfTwo ? 1 : 0);
  }

  private Modular constant(long v) {
    long[] r = new long[primes.length];
    for (int k = 0; k < primes.length; k++) {
      r[k] = primes[k].of(v);
    }
    double d = v;
    boolean exact = Math.abs(v) <= 1L << 53;
    return new Modular(this, r, exact ? d : Math.nextDown(d), exact ? d : Math.nextUp(d),
        precision == null ? null : Wide.of(v), Long.signum(v),
        v == 0 ? Double.NEGATIVE_INFINITY : 64 - Long.numberOfLeadingZeros(Math.abs(v)), NONE, NONE);
  }

  @Override
  public String name() {
    return kernel == RationalKernel.POLYNOMIAL ? "modular" : "modular-" + kernel.name().toLowerCase();
  }

  @Override
  public Field<Modular> field() {
    return this;
  }

  @Override
  public Modular getZero() {
    return zero;
  }

  @Override
  public Modular getOne() {
    return one;
  }

  @Override
  public Class<Modular> getRuntimeClass() {
    return Modular.class;
  }

  @Override
  public Modular of(long value) {
    return value == 0 ? zero : value == 1 ? one : constant(value);
  }

  /** {@code num/den} modulo each prime; a prime dividing {@code den} is dead for this value. */
  @Override
  public Modular of(BigFraction value) {
    BigInteger n = value.getNumerator();
    BigInteger d = value.getDenominator();
    if (d.equals(BigInteger.ONE) && n.bitLength() <= 1 && n.signum() >= 0) {
      // 0 and 1 (a score scale of 1, W_O's identity entries) as the shared constants, which products skip
      return n.signum() == 0 ? zero : one;
    }
    Input in;
    if (n.bitLength() <= 16 && d.bitLength() <= 16) {
      Long key = inputKey(n.intValue(), d.intValue());
      in = inputs.get(key);
      if (in == null) {
        in = input(value);
        if (inputs.size() < INPUTS) {
          inputs.putIfAbsent(key, in);
        }
      }
    } else {
      in = input(value);
    }
    boolean integer = d.equals(BigInteger.ONE);
    Form form = integer ? null : d.bitLength() <= 6 ? smallForm(d.intValue()) : denominatorForm(d);
    return new Modular(this, in.r(), in.lo(), in.hi(), precision == null ? null : Wide.of(value, precision),
        in.sign(), in.m(), integer ? NONE : form.atoms(), integer ? NONE : form.exps());
  }

  /**
   * The key of the input {@code n/d} in {@link #inputs}, for {@code |n|, d < 2^16}: {@code n·2^17 + d}, one long per
   * pair, whose hash ({@code Long.hashCode}) differs for small inputs.
   */
  private static Long inputKey(int n, int d) {
    return ((long) n << 17) + d;
  }

  /** How many inputs this prime set keeps now (at most {@link #INPUTS}). */
  int keptInputs() {
    return inputs.size();
  }

  /** The shadows of an input that do not depend on the case. */
  private Input input(BigFraction value) {
    BigInteger n = value.getNumerator();
    BigInteger d = value.getDenominator();
    long[] inv = d.bitLength() <= 16 ? inverses.computeIfAbsent(d, this::inverse) : inverse(d);
    long[] r = new long[primes.length];
    for (int k = 0; k < primes.length; k++) {
      r[k] = inv[k] == Modular.DEAD ? Modular.DEAD : primes[k].mul(primes[k].of(n), inv[k]);
    }
    double[] e = Enclosure.of(value);
    return new Input(r, e[0], e[1], n.signum(), n.signum() == 0 ? Double.NEGATIVE_INFINITY : n.bitLength());
  }

  /**
   * {@link #denominatorForm} of a denominator {@code 1 < d < 64}, kept in an array by d (no hashing): for every
   * arithmetic when its atoms are all small primes (their ids are the same in every arithmetic), else for this one.
   */
  private Form smallForm(int d) {
    Form f = SHARED_FORMS[d];
    if (f == null) {
      f = smallForms[d];
    }
    if (f == null) {
      f = denominatorForm(BigInteger.valueOf(d));
      boolean shared = f.atoms().length == 0 || f.atoms()[f.atoms().length - 1] < SMALL_PRIMES.length;
      if (shared) {
        SHARED_FORMS[d] = f;
      } else {
        smallForms[d] = f;
      }
    }
    return f;
  }

  /** Forms of {@code 1/d}, {@code d < 64}, over small primes only: the same in every arithmetic (a record: safe to publish). */
  private static final Form[] SHARED_FORMS = new Form[64];

  /** The residues of {@code 1/d} (Montgomery form), {@link Modular#DEAD} for a prime dividing {@code d}. */
  private long[] inverse(BigInteger d) {
    long[] inv = new long[primes.length];
    for (int k = 0; k < primes.length; k++) {
      long dk = primes[k].of(d);
      inv[k] = dk == 0 ? Modular.DEAD : primes[k].inverse(dk);
    }
    return inv;
  }

  @Override
  public Modular ofDouble(double value) {
    if (!Double.isFinite(value)) {
      throw new ArithmeticException("exact mode cannot represent the non-finite value " + value);
    }
    return of(new BigFraction(value));
  }

  /** The residues of every divisor's reciprocal with one Fermat inverse per prime ({@link BatchInverse}). */
  @Override
  public void willDivideBy(java.util.List<Modular> divisors) {
    BatchInverse.invert(this, divisors);
  }

  /** The midpoint of the enclosure. */
  @Override
  public double toDouble(Modular value) {
    return value.lo / 2 + value.hi / 2;
  }

  /** The sign of {@code a − b}; see the class comment for when it is certified. */
  @Override
  public int compare(Modular a, Modular b) {
    // a − 0 is a in every shadow: its sign without the subtraction
    return a == b ? 0 : b == zero ? signum(a) : signum(a.subtract(b));
  }

  /**
   * The sign of {@code x}: as its operations or its enclosure fix it, else 0 when every residue is 0, else
   * {@link Undecided}.
   */
  public int signum(Modular x) {
    if (x.sign != Modular.UNKNOWN) {
      return x.sign;
    }
    if (isZero(x)) {
      return 0;
    }
    throw new Undecided("the sign of a non-zero value enclosed in " + enclosure(x) + " is undecided", true);
  }

  /**
   * ⌊x⌋, decided like a sign: an enclosure places it (the double one, else the decimal one), or {@code x}
   * equals the integer it straddles.
   */
  long floor(Modular x) {
    double f = Math.floor(x.lo);
    double g = Math.floor(x.hi);
    if (x.w != null && (f != g || Math.abs(g) > 0x1p62)) {
      BigInteger wf = x.w.lo.setScale(0, java.math.RoundingMode.FLOOR).toBigIntegerExact();
      BigInteger wg = x.w.hi.setScale(0, java.math.RoundingMode.FLOOR).toBigIntegerExact();
      if (wg.subtract(wf).compareTo(BigInteger.ONE) <= 0) {
        // the decimal ends lie in the doubles' range here, or the out-of-range test below rejects them
        f = wf.doubleValue();
        g = wg.doubleValue();
      }
    }
    if (Math.abs(g) > 0x1p62 || Math.abs(f) > 0x1p62) {
      throw new Undecided("the floor of a value enclosed in " + enclosure(x) + " is out of range", true);
    }
    if (f == g) {
      return (long) f;
    }
    if (g - f > 1) {
      throw new Undecided("the floor of a value enclosed in " + enclosure(x) + " is undecided", true);
    }
    return signum(x.subtract(of((long) g))) >= 0 ? (long) g : (long) f;
  }

  /** The enclosures of {@code x}, for messages. */
  private static String enclosure(Modular x) {
    return "[" + x.lo + ", " + x.hi + "]" + (x.w == null ? "" : " and " + x.w);
  }

  /** Whether {@code x = 0}, decided as {@link #same}. */
  boolean isZero(Modular x) {
    return x == zero || same(x, zero);
  }

  /** Whether {@code a = b}; see the class comment for when it is certified. */
  boolean same(Modular a, Modular b) {
    if (a.hi < b.lo || b.hi < a.lo || a.w != null && b.w != null && a.w.disjoint(b.w)) {
      certified.increment();
      return false;
    }
    if (a.lo == a.hi && b.lo == b.hi || a.w != null && b.w != null && a.w.samePoint(b.w)) {
      certified.increment();
      return true;
    }
    boolean dead = false;
    for (int k = 0; k < primes.length; k++) {
      if (a.r[k] == Modular.DEAD || b.r[k] == Modular.DEAD) {
        dead = true;
      } else if (a.r[k] != b.r[k]) {
        certified.increment();
        return false;
      }
    }
    if (dead) {
      throw new Undecided("a divisor vanished modulo one of the primes " + java.util.Arrays.toString(primes()), false);
    }
    double bits = a.differenceBits(b);
    if (bits < productBits) {
      certified.increment();
    } else {
      probabilistic.increment();
      synchronized (this) {
        maxBits = Math.max(maxBits, bits);
      }
    }
    return true;
  }

  /** The decisions made so far and the bound on the chance that any probabilistic one is wrong. */
  public synchronized Tally tally() {
    long m = probabilistic.sum();
    double log2Error;
    if (m == 0) {
      log2Error = Double.NEGATIVE_INFINITY;
    } else if (!drawn) {
      log2Error = Double.NaN;
    } else {
      double perPrime = Math.log(Math.floor(maxBits / 61)) / Math.log(2) - 55;
      log2Error = Math.log(m) / Math.log(2) + primes.length * perPrime;
    }
    return new Tally(certified.sum(), m, maxBits, log2Error);
  }

  @Override
  public Modular kernel(Modular s) {
    return kernel.apply(s, order);
  }

  private final RationalKernel.Order<Modular> order = new RationalKernel.Order<>() {
    @Override
    public int signum(Modular s) {
      return ModularArith.this.signum(s);
    }

    @Override
    public long floor(Modular s) {
      return ModularArith.this.floor(s);
    }

    @Override
    public Modular powerOfTwo(long e, Modular one) {
      return ModularArith.this.powerOfTwo(e);
    }
  };

  /**
   * {@code 2^e} without a division: residues {@code 2^e} or {@code (1/2)^{−e}} ({@link ModPrime#powerOfTwo}), the
   * exact double (or the bound beyond the doubles' range), sign +1, and the factored form {@code 1·2^e} over
   * the one atom 2, which the powers of a case then share.
   */
  Modular powerOfTwo(long e) {
    if (e == 0) {
      return one;
    }
    long[] r = new long[primes.length];
    for (int k = 0; k < primes.length; k++) {
      r[k] = primes[k].powerOfTwo(e);
    }
    double lo;
    double hi;
    if (e > Double.MAX_EXPONENT) {
      lo = Double.MAX_VALUE;
      hi = Double.POSITIVE_INFINITY;
    } else if (e < -1074) {
      lo = 0;
      hi = Double.MIN_VALUE;
    } else {
      lo = Math.scalb(1.0, (int) e);
      hi = lo;
    }
    return new Modular(this, r, lo, hi, precision == null ? null : Wide.powerOfTwo(e, precision), 1, 0,
        ATOM_OF_TWO,
        new int[] {Math.toIntExact(e)});
  }

  @Override
  public boolean kernelShiftInvariant() {
    return false;
  }

  @Override
  public Modular sqrt(Modular value) {
    throw new ArithmeticException(
        "modular mode has no square root; use a rational norm stand-in or the dfp/double mode");
  }

  @Override
  public Modular gelu(Modular value) {
    throw new ArithmeticException("modular mode has no GELU; use ReLU or the dfp/double mode");
  }

  @Override
  public Modular erf(Modular value) {
    throw new ArithmeticException("modular mode has no erf; use ReLU or the dfp/double mode");
  }

  @Override
  public boolean isExact() {
    return true;
  }

  @Override
  public boolean isNonFinite(Modular value) {
    return false;
  }
}
