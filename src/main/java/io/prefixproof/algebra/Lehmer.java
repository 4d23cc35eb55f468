package io.prefixproof.algebra;

import java.math.BigInteger;

/**
 * Greatest common divisors of large integers by Lehmer's algorithm (Knuth, TAOCP vol. 2, §4.5.2,
 * Algorithm L). {@code BigInteger.gcd} runs a binary algorithm, one bit per step, whenever its operands
 * have about the same length; exact attention weights and outputs reduce fractions of thousands of bits
 * whose parts have the same length, and there it dominated the exact runs. Lehmer's algorithm simulates
 * Euclid's steps on the leading 60 bits in machine words and applies them to the full numbers once per
 * about 30 bits of progress.
 *
 * <p>The cofactors are kept below 2³¹ in absolute value, so one pass over 32-bit limbs with signed 64-bit
 * accumulators applies them without overflow. Small operands (under {@link #THRESHOLD} bits) go to
 * {@code BigInteger.gcd}, which is fast there.
 */
public final class Lehmer {
  private Lehmer() {}

  /** Operands shorter than this many bits use {@code BigInteger.gcd}. */
  static final int THRESHOLD = 192;

  private static final long LIMIT = 1L << 31;
  private static final long MASK = 0xffffffffL;

  /** gcd(|x|, |y|), equal to {@code x.gcd(y)}. */
  public static BigInteger gcd(BigInteger x, BigInteger y) {
    BigInteger u = x.abs();
    BigInteger v = y.abs();
    if (u.compareTo(v) < 0) {
      BigInteger t = u;
      u = v;
      v = t;
    }
    if (v.bitLength() < THRESHOLD) {
      return u.gcd(v);
    }
    int[] a = limbs(u);
    int[] b = limbs(v);
    while (b.length > 2) {
      int bitsA = bitLength(a);
      if (bitsA - bitLength(b) > 30) {
        // a quotient beyond the simulated range: one exact division step
        int[] r = limbs(big(a).mod(big(b)));
        a = b;
        b = r;
        continue;
      }
      int h = bitsA - 60;
      long uh = bits(a, h);
      long vh = bits(b, h);
      long ca = 1;
      long cb = 0;
      long cc = 0;
      long cd = 1;
      while (vh + cc != 0 && vh + cd != 0) {
        long q = (uh + ca) / (vh + cc);
        if (q != (uh + cb) / (vh + cd) || q >= LIMIT) {
          break;
        }
        long nc = ca - q * cc;
        long nd = cb - q * cd;
        if (Math.abs(nc) >= LIMIT || Math.abs(nd) >= LIMIT) {
          break;
        }
        ca = cc;
        cc = nc;
        cb = cd;
        cd = nd;
        long t = uh - q * vh;
        uh = vh;
        vh = t;
      }
      if (cb == 0) {
        int[] r = limbs(big(a).mod(big(b)));
        a = b;
        b = r;
      } else {
        int[] na = combine(a, b, ca, cb);
        int[] nb = combine(a, b, cc, cd);
        a = na;
        b = nb;
      }
    }
    return big(a).gcd(big(b));
  }

  /** {@code x·a + y·b} for cofactors of opposite signs below 2³¹, whose result is known to be ≥ 0. */
  private static int[] combine(int[] a, int[] b, long x, long y) {
    if ((x > 0) == (y > 0) && x != 0 && y != 0) {
      throw new IllegalStateException("Lehmer cofactors " + x + ", " + y + " of one sign");
    }
    int n = Math.max(a.length, b.length);
    int[] r = new int[n + 1];
    long carry = 0;
    for (int i = 0; i < n; i++) {
      long s = x * limb(a, i) + y * limb(b, i) + carry;
      r[i] = (int) s;
      carry = s >> 32;
    }
    if (carry < 0) {
      throw new IllegalStateException("Lehmer step produced a negative remainder");
    }
    r[n] = (int) carry;
    return trim(r);
  }

  /** {@code ⌊x / 2^h⌋} for h &gt; 0 and x below 2^(h + 62). */
  private static long bits(int[] x, int h) {
    int w = h >>> 5;
    int r = h & 31;
    long lo = limb(x, w);
    long mid = limb(x, w + 1);
    long hi = limb(x, w + 2);
    return r == 0 ? mid << 32 | lo : hi << (64 - r) | mid << (32 - r) | lo >>> r;
  }

  private static long limb(int[] x, int i) {
    return i < x.length ? x[i] & MASK : 0;
  }

  private static int bitLength(int[] x) {
    return x.length == 0 ? 0 : (x.length - 1) * 32 + 32 - Integer.numberOfLeadingZeros(x[x.length - 1]);
  }

  /** Little-endian 32-bit limbs of a non-negative value, without leading zero limbs. */
  private static int[] limbs(BigInteger v) {
    byte[] bytes = v.toByteArray();
    int[] r = new int[(v.bitLength() + 31) >>> 5];
    for (int i = 0; i < bytes.length; i++) {
      int k = bytes.length - 1 - i;
      if (i / 4 < r.length) {
        r[i / 4] |= (bytes[k] & 0xff) << (8 * (i % 4));
      }
    }
    return r;
  }

  private static BigInteger big(int[] x) {
    byte[] bytes = new byte[4 * x.length + 1];
    for (int i = 0; i < x.length; i++) {
      int at = bytes.length - 4 * (i + 1);
      bytes[at] = (byte) (x[i] >>> 24);
      bytes[at + 1] = (byte) (x[i] >>> 16);
      bytes[at + 2] = (byte) (x[i] >>> 8);
      bytes[at + 3] = (byte) x[i];
    }
    return new BigInteger(bytes);
  }

  private static int[] trim(int[] x) {
    int n = x.length;
    while (n > 0 && x[n - 1] == 0) {
      n--;
    }
    return n == x.length ? x : java.util.Arrays.copyOf(x, n);
  }
}
