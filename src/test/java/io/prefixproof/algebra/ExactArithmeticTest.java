package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.math.BigInteger;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The exact-arithmetic shortcuts agree with the plain {@link BigFraction} and {@link BigInteger} operations
 * they replace: Lehmer's gcd, cross-cancelled products and quotients, the unreduced sum with aligned
 * powers of two, and equality by cross-multiplication.
 */
class ExactArithmeticTest {

  /** A non-negative integer from up to {@code limbs} random 63-bit limbs, times 2^shift. */
  static Gen<BigInteger> naturals(int limbs) {
    return Gen.combine(Gen.lists(Gen.longs(0, Long.MAX_VALUE), 0, limbs), Gen.integers(0, 300), (ls, shift) -> {
      BigInteger v = BigInteger.ZERO;
      for (long l : ls) {
        v = v.shiftLeft(63).add(BigInteger.valueOf(l));
      }
      return v.shiftLeft(shift);
    });
  }

  static Gen<BigInteger> integers(int limbs) {
    return Gen.combine(naturals(limbs), Gen.booleans(), (v, neg) -> neg ? v.negate() : v);
  }

  @Test
  @DisplayName("Lehmer's gcd equals BigInteger.gcd on random operands with a random common factor (up to 6,000 bits)")
  void lehmerMatchesBigInteger() {
    Gen<List<Object>> cases = Gen.tuple(integers(48), integers(48), naturals(48));
    Property.of("Lehmer gcd", cases).seed(11).tries(400).check(c -> {
      BigInteger g = ((BigInteger) c.get(2)).add(BigInteger.ONE);
      BigInteger x = ((BigInteger) c.get(0)).multiply(g);
      BigInteger y = ((BigInteger) c.get(1)).multiply(g);
      return Lehmer.gcd(x, y).equals(x.gcd(y));
    });
  }

  /** A random integer of exactly {@code bits} bits (bits ≥ 1). */
  static Gen<BigInteger> ofBitLength(int bits) {
    return Gen.listsOf(Gen.longs(0, Long.MAX_VALUE), (bits + 62) / 63).map(ls -> {
      BigInteger v = BigInteger.ZERO;
      for (long l : ls) {
        v = v.shiftLeft(63).add(BigInteger.valueOf(l));
      }
      return v.mod(BigInteger.ONE.shiftLeft(bits - 1)).setBit(bits - 1);
    });
  }

  @Test
  @DisplayName("Lehmer's gcd equals BigInteger.gcd when the operands are within 30 bits but a 32-bit limb apart"
      + " (the simulated steps then combine limbs of different lengths)")
  void lehmerAcrossLimbBoundaries() {
    // x has 32k + r bits, y 32k − e bits with r + e ≤ 30: one limb more, close enough for the simulation
    Gen<List<Object>> cases = Gen.tuple(Gen.integers(6, 40), Gen.integers(1, 15), Gen.integers(0, 15))
        .flatMap(t -> {
          int k = (Integer) t.get(0);
          return Gen.tuple(ofBitLength(32 * k + (Integer) t.get(1)), ofBitLength(32 * k - (Integer) t.get(2)),
              ofBitLength(64));
        });
    Property.of("Lehmer gcd across limbs", cases).seed(13).tries(300).check(c -> {
      BigInteger g = (BigInteger) c.get(2);
      BigInteger x = ((BigInteger) c.get(0)).multiply(g);
      BigInteger y = ((BigInteger) c.get(1)).multiply(g);
      return Lehmer.gcd(x, y).equals(x.gcd(y)) && Lehmer.gcd(y, x.negate()).equals(x.gcd(y));
    });
  }

  @Test
  @DisplayName("Lehmer's simulation stops where an estimate's denominator vh + cc or vh + cd reaches 0")
  void lehmerDenominatorsReachZero() {
    // leading 60 bits (u, v) with u + 1 = g·P, v = g·Q (P, Q coprime, below 2^31): Euclid on (u, v) follows P/Q's
    // quotients until the cofactors are ±(−Q, P), where v_k = c·u + d·v = Q = −c, so vh + cc = 0; the second pair
    // has u = g·P, v + 1 = g·Q and meets vh + cd = 0 (P, Q, g found by simulating the loop)
    long[][] leading = {{1152921400928332407L, 1123601712403973896L}, {1152921144461996524L, 946422185417577177L}};
    for (long[] uv : leading) {
      BigInteger x = BigInteger.valueOf(uv[0]).shiftLeft(200).add(BigInteger.valueOf(12345));
      BigInteger y = BigInteger.valueOf(uv[1]).shiftLeft(200).add(BigInteger.valueOf(678));
      assertEquals(x.gcd(y), Lehmer.gcd(x, y));
    }
  }

  @Test
  @DisplayName("Lehmer's gcd on Euclid's worst case (consecutive Fibonacci numbers), equal operands, zeros, powers of two")
  void lehmerEdgeCases() {
    BigInteger a = BigInteger.ONE;
    BigInteger b = BigInteger.ONE;
    for (int i = 0; i < 20_000; i++) {
      BigInteger t = a.add(b);
      a = b;
      b = t;
      if (i % 997 == 0) {
        assertEquals(BigInteger.ONE, Lehmer.gcd(a, b), "F(" + i + ")");
        assertEquals(a.multiply(b).gcd(b.multiply(b)), Lehmer.gcd(a.multiply(b), b.multiply(b)));
      }
    }
    BigInteger big = BigInteger.TWO.pow(5000).subtract(BigInteger.ONE);
    assertEquals(big, Lehmer.gcd(big, big));
    assertEquals(big, Lehmer.gcd(big.negate(), BigInteger.ZERO));
    assertEquals(BigInteger.TWO.pow(3000), Lehmer.gcd(BigInteger.TWO.pow(3000), BigInteger.TWO.pow(4000)));
    assertEquals(big.gcd(big.shiftLeft(700).add(BigInteger.ONE)), Lehmer.gcd(big, big.shiftLeft(700).add(BigInteger.ONE)));
  }

  static Gen<BigFraction> fractions(int limbs) {
    return Gen.combine(integers(limbs), naturals(limbs), (n, d) -> new BigFraction(n, d.add(BigInteger.ONE)));
  }

  @Test
  @DisplayName("Knuth's sums, cross-cancelled products and quotients equal BigFraction's, and are stored reduced")
  void fractionsMatchBigFraction() {
    Property.of("Fractions", Gen.pairs(fractions(20), fractions(20))).seed(12).tries(400).check(p -> {
      BigFraction x = p.first();
      BigFraction y = p.second();
      BigFraction sum = Fractions.add(x, y);
      BigFraction prod = Fractions.multiply(x, y);
      boolean ok = Scalars.same(sum, x.add(y)) && Scalars.same(Fractions.add(x, x.negate()), BigFraction.ZERO)
          && Scalars.same(prod, x.multiply(y)) && prod.getNumerator().gcd(prod.getDenominator()).equals(
          BigInteger.ONE);
      if (y.getNumerator().signum() != 0) {
        BigFraction quo = Fractions.divide(x, y);
        ok &= Scalars.same(quo, x.divide(y)) && quo.getDenominator().signum() > 0;
      }
      return ok;
    });
    assertThrows(ArithmeticException.class, () -> Fractions.divide(BigFraction.ONE, BigFraction.ZERO));
  }

  @Test
  @DisplayName("a known-coprime numerator answers gcd 1 only for its own denominator object")
  void coprimeNumerator() {
    BigInteger den = BigInteger.valueOf(35);
    Fractions.CoprimeTo num = new Fractions.CoprimeTo(BigInteger.valueOf(12), den);
    assertSame(BigInteger.ONE, num.gcd(den));
    assertEquals(BigInteger.valueOf(4), num.gcd(BigInteger.valueOf(8)));
    assertEquals(BigInteger.valueOf(12), num.gcd(BigInteger.valueOf(-24)));
    assertEquals(BigInteger.valueOf(12), num);
  }

  @Test
  @DisplayName("the unreduced sum equals the BigFraction sum, and decides equality by cross-multiplication")
  void unreducedSum() {
    Property.of("UnreducedSum", Gen.lists(Gen.pairs(fractions(6), fractions(6)), 0, 12)).seed(13).tries(300)
        .check(terms -> {
          UnreducedSum s = new UnreducedSum();
          BigFraction plain = BigFraction.ZERO;
          for (var t : terms) {
            s.addProduct(t.first(), t.second());
            plain = plain.add(t.first().multiply(t.second()));
          }
          return Scalars.same(s.value(), plain) && s.equalsValue(plain)
              && !s.equalsValue(plain.add(new BigFraction(BigInteger.ONE, BigInteger.TWO.pow(900))));
        });
  }
}
