package io.prefixproof.algebra;

import java.math.BigInteger;
import java.util.Arrays;

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
    return gcd(x, y, Integer.MAX_VALUE);
  }

  /**
   * {@link #gcd(BigInteger, BigInteger)} in at most {@code maxPasses} passes of the main loop, and never more than
   * {@code 2·bits(v)} for the smaller operand v: each pass takes at least one of Euclid's division steps (the
   * exact step one, a simulated pass the k ≥ 1 steps it accepted), and by Lamé's theorem Euclid takes at most
   * {@code 1 + log_φ v < 1 + 1.45·bits(v) < 2·bits(v)} of them (v ≥ 2^191 here). A pass beyond that bound throws:
   * the steps no longer make progress.
   */
  static BigInteger gcd(BigInteger x, BigInteger y, int maxPasses) {
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
    // a ≥ b as limbs with lengths; each Lehmer step writes into the spare arrays, which are then swapped
    int[] a = limbs(u);
    int[] b = Arrays.copyOf(limbs(v), a.length + 1);
    int la = a.length;
    int lb = trimmed(b, b.length);
    a = Arrays.copyOf(a, a.length + 1);
    int[] sa = new int[a.length];
    int[] sb = new int[a.length];
    int allowed = Math.min(maxPasses, 2 * v.bitLength());
    int passes = 0;
    while (lb > 2) {
      if (passes++ == allowed) {
        throw new IllegalStateException("Lehmer's gcd: no result after " + allowed + " passes of its main loop");
      }
      int bitsA = bitLength(a, la);
      int h = bitsA - 60;
      long ca = 1;
      long cb = 0;
      long cc = 0;
      long cd = 1;
      if (bitsA - bitLength(b, lb) <= 30) {
        long uh = bits(a, la, h);
        long vh = bits(b, lb, h);
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
      }
      if (cb == 0) {
        // a quotient beyond the simulated range: one exact division step
        int[] r = limbs(big(a, la).mod(big(b, lb)));
        int[] t = a;
        a = b;
        la = lb;
        b = t;
        Arrays.fill(b, 0);
        System.arraycopy(r, 0, b, 0, r.length);
        lb = r.length;
      } else {
        int na = combine(a, la, b, lb, ca, cb, sa);
        int nb = combine(a, la, b, lb, cc, cd, sb);
        int[] t = a;
        a = sa;
        sa = t;
        t = b;
        b = sb;
        sb = t;
        la = na;
        lb = nb;
      }
    }
    return big(a, la).gcd(big(b, lb));
  }

  /**
   * {@code dst = x·a + y·b} for cofactors of opposite signs below 2³¹ whose result is known to be ≥ 0;
   * returns its length in limbs.
   */
  private static int combine(int[] a, int la, int[] b, int lb, long x, long y, int[] dst) {
    if ((x > 0) == (y > 0) && x != 0 && y != 0) {
      throw new IllegalStateException("Lehmer cofactors " + x + ", " + y + " of one sign");
    }
    int n = Math.max(la, lb);
    int common = Math.min(la, lb);
    long carry = 0;
    for (int i = 0; i < common; i++) {
      long s = x * (a[i] & MASK) + y * (b[i] & MASK) + carry;
      dst[i] = (int) s;
      carry = s >> 32;
    }
    for (int i = common; i < n; i++) {
      long s = x * limb(a, la, i) + y * limb(b, lb, i) + carry;
      dst[i] = (int) s;
      carry = s >> 32;
    }
    if (carry < 0) {
      throw new IllegalStateException("Lehmer step produced a negative remainder");
    }
    dst[n] = (int) carry;
    return trimmed(dst, n + 1);
  }

  /** {@code ⌊x / 2^h⌋} for h &gt; 0 and x below 2^(h + 62). */
  private static long bits(int[] x, int len, int h) {
    int w = h >>> 5;
    int r = h & 31;
    long lo = limb(x, len, w);
    long mid = limb(x, len, w + 1);
    long hi = limb(x, len, w + 2);
    return r == 0 ? mid << 32 | lo : hi << (64 - r) | mid << (32 - r) | lo >>> r;
  }

  private static long limb(int[] x, int len, int i) {
    return i < len ? x[i] & MASK : 0;
  }

  private static int bitLength(int[] x, int len) {
    return len == 0 ? 0 : (len - 1) * 32 + 32 - Integer.numberOfLeadingZeros(x[len - 1]);
  }

  /** The length of x's first {@code len} limbs without leading zero limbs. */
  private static int trimmed(int[] x, int len) {
    while (len > 0 && x[len - 1] == 0) {
      len--;
    }
    return len;
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

  private static BigInteger big(int[] x, int len) {
    byte[] bytes = new byte[4 * len + 1];
    for (int i = 0; i < len; i++) {
      int at = bytes.length - 4 * (i + 1);
      bytes[at] = (byte) (x[i] >>> 24);
      bytes[at + 1] = (byte) (x[i] >>> 16);
      bytes[at + 2] = (byte) (x[i] >>> 8);
      bytes[at + 3] = (byte) x[i];
    }
    return new BigInteger(bytes);
  }
}
