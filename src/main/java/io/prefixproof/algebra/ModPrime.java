package io.prefixproof.algebra;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Arithmetic modulo one odd modulus {@code p < 2^62} in Montgomery form with {@code R = 2^64}: a residue
 * {@code x} is stored as {@code xR mod p}, and a product is one 64×64→128-bit multiplication
 * ({@link Math#multiplyHigh}) followed by Montgomery's reduction {@code REDC(T) = T R^{-1} mod p}. Every
 * stored value lies in {@code [0, p)}, so sums and differences need one conditional correction.
 */
final class ModPrime {
  /** Lowest and one past the highest modulus drawn by {@link #random}: the primes in {@code [2^61, 2^62)}. */
  static final long LOW = 1L << 61;

  static final long HIGH = 1L << 62;

  /** Bases that make Miller–Rabin deterministic below 2^64 (J. Sinclair's set, verified for all n < 2^64). */
  private static final long[] BASES = {2, 325, 9375, 28178, 450775, 9780504, 1795265022};

  private static final int[] SMALL_PRIMES = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71};

  final long p;
  /** {@code −p^{-1} mod 2^64}. */
  private final long negInv;
  /** {@code R² mod p}, the factor that takes a plain residue into Montgomery form. */
  private final long r2;
  /** {@code R mod p}: 1 in Montgomery form. */
  final long one;

  ModPrime(long p) {
    if (p < 3 || p >= HIGH || (p & 1) == 0) {
      throw new IllegalArgumentException("modulus must be odd and in [3, 2^62), got " + p);
    }
    this.p = p;
    // Newton's iteration x ← x(2 − p x) doubles the correct low bits; x = p is right mod 2^3 for odd p
    long inv = p;
    for (int i = 0; i < 5; i++) {
      inv *= 2 - p * inv;
    }
    this.negInv = -inv;
    this.one = Long.remainderUnsigned(-p, p);
    this.r2 = BigInteger.ONE.shiftLeft(128).mod(BigInteger.valueOf(p)).longValue();
  }

  /** {@code REDC(hi·2^64 + lo) = (hi·2^64 + lo)·R^{-1} mod p}, for a value below {@code p·2^64}. */
  long reduce(long hi, long lo) {
    long m = lo * negInv;
    // the high word of the unsigned product m·p (p < 2^62 is positive; m may have its top bit set)
    long mpHi = Math.multiplyHigh(m, p) + ((m >> 63) & p);
    // lo + (m·p mod 2^64) ≡ 0 mod 2^64: it carries exactly when lo ≠ 0
    long t = hi + mpHi + (lo != 0 ? 1 : 0);
    return t >= p ? t - p : t;
  }

  /** {@code a·b·R^{-1} mod p}: the Montgomery product, for {@code a, b ∈ [0, p)}. */
  long mul(long a, long b) {
    return reduce(Math.multiplyHigh(a, b), a * b);
  }

  long add(long a, long b) {
    long s = a + b;
    return s >= p ? s - p : s;
  }

  long sub(long a, long b) {
    long d = a - b;
    return d < 0 ? d + p : d;
  }

  /** The Montgomery form of {@code v mod p} for any long {@code v}. */
  long of(long v) {
    return mul(Math.floorMod(v, p), r2);
  }

  /** The Montgomery form of {@code v mod p}. */
  long of(BigInteger v) {
    return v.bitLength() < 63 ? of(v.longValue()) : mul(v.mod(BigInteger.valueOf(p)).longValue(), r2);
  }

  /** The plain residue in {@code [0, p)} of a Montgomery form. */
  long value(long a) {
    return reduce(0, a);
  }

  /** {@code a^e} in Montgomery form, {@code e ≥ 0}, by square and multiply. */
  long pow(long a, long e) {
    long result = one;
    long base = a;
    for (long k = e; k > 0; k >>>= 1) {
      if ((k & 1) != 0) {
        result = mul(result, base);
      }
      base = mul(base, base);
    }
    return result;
  }

  /** Exponents {@code |e| ≤ CACHED} have their {@link #powerOfTwo} kept: the dyadic kernel's scores are small. */
  private static final int CACHED = 512;

  /**
   * {@code 2^e} for {@code e ∈ [−CACHED, CACHED]} at index {@code e + CACHED} once computed, 0 before (no power of
   * two is 0 modulo an odd prime); made on first use, shared by every arithmetic over this prime.
   */
  private volatile AtomicLongArray twos;

  /** {@code 2^e} in Montgomery form for any {@code e}, by square and multiply ({@code 1/2 = (p + 1)/2}). */
  long powerOfTwo(long e) {
    if (Math.abs(e) > CACHED) {
      return powerOfTwoUncached(e);
    }
    AtomicLongArray t = twos;
    if (t == null) {
      t = new AtomicLongArray(2 * CACHED + 1);
      twos = t;
    }
    int i = (int) e + CACHED;
    long v = t.get(i);
    if (v == 0) {
      v = powerOfTwoUncached(e);
      t.set(i, v);
    }
    return v;
  }

  private long powerOfTwoUncached(long e) {
    return pow(e > 0 ? of(2) : of((p + 1) / 2), Math.abs(e));
  }

  /** {@code a^{-1}} in Montgomery form by Fermat ({@code a^{p−2}}, p prime); 0 maps to 0. */
  long inverse(long a) {
    return pow(a, p - 2);
  }

  /**
   * Whether {@code n} is prime: trial division by small primes, then Miller–Rabin on the bases that are
   * deterministic for every {@code n < 2^64}.
   */
  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if ((n & 1) == 0) {
      return n == 2;
    }
    for (int q : SMALL_PRIMES) {
      if (n % q == 0) {
        return n == q;
      }
    }
    if (n < 73L * 73L) {
      return true;
    }
    ModPrime m = new ModPrime(n);
    long d = n - 1;
    int s = Long.numberOfTrailingZeros(d);
    d >>>= s;
    long minusOne = m.of(-1);
    for (long base : BASES) {
      long a = base % n;
      if (a == 0) {
        continue;
      }
      long x = m.pow(m.of(a), d);
      if (x == m.one || x == minusOne) {
        continue;
      }
      boolean witness = true;
      for (int r = 1; r < s && witness; r++) {
        x = m.mul(x, x);
        witness = x != minusOne;
      }
      if (witness) {
        return false;
      }
    }
    return true;
  }

  /**
   * Draws {@link #random} makes before it gives up. More than one integer in 60 of {@code [2^61, 2^62)} is prime
   * ({@code π(2^62) − π(2^61) > 2^62/ln 2^62 − 1.25506·2^61/ln 2^61 > 2^61/60} by Rosser and Schoenfeld's bounds
   * {@code x/ln x < π(x) < 1.25506·x/ln x}), so 10,000 draws all miss with probability below {@code (1 −
   * 1/60)^10000 < 10^−72}: reaching the cap means the primality test is broken, and the draw fails instead of
   * looping on.
   */
  static final int MAX_DRAWS = 10_000;

  /**
   * A prime drawn uniformly from the primes in {@code [2^61, 2^62)}: uniform integers are drawn until one is
   * prime (rejection, so every prime of the range is equally likely; about 43 draws on average).
   */
  static ModPrime random(SplittableRandom r) {
    return random(r, MAX_DRAWS);
  }

  /** {@link #random(SplittableRandom)} with at most {@code draws} draws; throws when none of them is prime. */
  static ModPrime random(SplittableRandom r, int draws) {
    for (int d = 0; d < draws; d++) {
      long x = r.nextLong(LOW, HIGH);
      if (isPrime(x)) {
        return new ModPrime(x);
      }
    }
    throw new IllegalStateException("no prime in " + draws + " draws from [2^61, 2^62)");
  }
}
