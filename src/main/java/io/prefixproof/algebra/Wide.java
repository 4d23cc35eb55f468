package io.prefixproof.algebra;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * A certified enclosure {@code lo ≤ v ≤ hi} in decimals of a fixed number of significant digits, the second,
 * tighter enclosure a {@link Modular} value carries when its {@link ModularArith} was made {@link
 * ModularArith#widened}. Every operation computes the exact result of its operands' ends and rounds it
 * outward ({@code lo} toward −∞, {@code hi} toward +∞): {@code BigDecimal}'s {@code add}, {@code multiply},
 * {@code divide} and {@code round} round the exact result with the given {@link RoundingMode}, so each end
 * is a bound. {@code BigDecimal} has neither overflow nor underflow within its exponent range; the
 * unbounded results (a quotient by an enclosure that holds 0, a power of two beyond {@link #MAX_POWER}) are
 * {@code null}, and a value without this enclosure is decided by its double one alone.
 */
final class Wide {
  /** Powers of two {@code 2^e} with {@code |e|} above this have no decimal enclosure (null). */
  static final long MAX_POWER = 1 << 14;

  /** The two rounding contexts of one precision. */
  record Precision(MathContext down, MathContext up) {
    static Precision digits(int digits) {
      if (digits < 1) {
        throw new IllegalArgumentException("a decimal enclosure needs at least one digit, got " + digits);
      }
      return new Precision(new MathContext(digits, RoundingMode.FLOOR), new MathContext(digits, RoundingMode.CEILING));
    }

    int digits() {
      return down.getPrecision();
    }
  }

  final BigDecimal lo;
  final BigDecimal hi;

  Wide(BigDecimal lo, BigDecimal hi) {
    this.lo = lo;
    this.hi = hi;
  }

  /** The point {@code v} (exact). */
  static Wide of(long v) {
    BigDecimal d = BigDecimal.valueOf(v);
    return new Wide(d, d);
  }

  /** {@code num/den} rounded outward. */
  static Wide of(BigFraction v, Precision p) {
    BigDecimal n = new BigDecimal(v.getNumerator());
    if (v.getDenominator().equals(BigInteger.ONE)) {
      return new Wide(n.round(p.down), n.round(p.up));
    }
    BigDecimal d = new BigDecimal(v.getDenominator());
    return new Wide(n.divide(d, p.down), n.divide(d, p.up));
  }

  /** {@code 2^e}, or null beyond {@link #MAX_POWER}. */
  static Wide powerOfTwo(long e, Precision p) {
    if (Math.abs(e) > MAX_POWER) {
      return null;
    }
    BigDecimal power = new BigDecimal(BigInteger.ONE.shiftLeft((int) Math.abs(e)));
    if (e >= 0) {
      return new Wide(power.round(p.down), power.round(p.up));
    }
    return new Wide(BigDecimal.ONE.divide(power, p.down), BigDecimal.ONE.divide(power, p.up));
  }

  Wide add(Wide b, Precision p) {
    return new Wide(lo.add(b.lo, p.down), hi.add(b.hi, p.up));
  }

  Wide negate() {
    return new Wide(hi.negate(), lo.negate());
  }

  Wide multiply(Wide b, Precision p) {
    if (lo.signum() >= 0 && b.lo.signum() >= 0) {
      // both in [0, ∞): the product is monotone in each factor
      return new Wide(lo.multiply(b.lo, p.down), hi.multiply(b.hi, p.up));
    }
    return corners(b, p, BigDecimal::multiply);
  }

  /** {@code this/b}, or null when {@code b}'s enclosure holds 0. */
  Wide divide(Wide b, Precision p) {
    if (b.lo.signum() <= 0 && b.hi.signum() >= 0) {
      return null;
    }
    return corners(b, p, BigDecimal::divide);
  }

  /** An operation on two ends rounded by a context. */
  private interface EndOp {
    BigDecimal apply(BigDecimal x, BigDecimal y, MathContext mc);
  }

  /** The least and greatest of {@code op} on the four pairs of ends, each rounded outward. */
  private Wide corners(Wide b, Precision p, EndOp op) {
    BigDecimal l = null;
    BigDecimal h = null;
    for (BigDecimal x : new BigDecimal[] {lo, hi}) {
      for (BigDecimal y : new BigDecimal[] {b.lo, b.hi}) {
        l = min(l, op.apply(x, y, p.down));
        h = max(h, op.apply(x, y, p.up));
      }
    }
    return new Wide(l, h);
  }

  /** −1, 0 or 1 when the enclosure fixes the sign, {@link Modular#UNKNOWN} otherwise. */
  int sign() {
    if (lo.signum() > 0) {
      return 1;
    }
    if (hi.signum() < 0) {
      return -1;
    }
    return lo.signum() == 0 && hi.signum() == 0 ? 0 : Modular.UNKNOWN;
  }

  /** Whether the two enclosures share no point. */
  boolean disjoint(Wide b) {
    return hi.compareTo(b.lo) < 0 || b.hi.compareTo(lo) < 0;
  }

  /** Whether both enclosures are the same point. */
  boolean samePoint(Wide b) {
    return lo.compareTo(hi) == 0 && b.lo.compareTo(b.hi) == 0 && lo.compareTo(b.lo) == 0;
  }

  private static BigDecimal min(BigDecimal a, BigDecimal b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  private static BigDecimal max(BigDecimal a, BigDecimal b) {
    return a == null || b.compareTo(a) > 0 ? b : a;
  }

  @Override
  public String toString() {
    Precision shown = Precision.digits(16);
    return "[" + lo.round(shown.down) + ", " + hi.round(shown.up) + "]";
  }
}
