package io.prefixproof.algebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The caps on the two loops whose end rests on a mathematical fact: the prime draw of {@link ModPrime#random}
 * (a prime turns up among uniform draws) and the passes of {@link Lehmer#gcd} (each pass takes a Euclid step).
 * Each cap is reached exactly where a count worked out by hand says, and not one pass or draw earlier; the values
 * returned are checked against {@link BigInteger}.
 */
class LoopBoundsTest {

  @Test
  @DisplayName("a prime drawn second: one draw fails with a one-line error, two draws return it (BigInteger's primality)")
  void primeDrawCap() {
    long seed = 0;
    long second;
    // the first seed whose first draw is composite and second prime, by BigInteger's test
    while (true) {
      SplittableRandom twin = new SplittableRandom(seed);
      long first = twin.nextLong(ModPrime.LOW, ModPrime.HIGH);
      second = twin.nextLong(ModPrime.LOW, ModPrime.HIGH);
      if (!BigInteger.valueOf(first).isProbablePrime(60) && BigInteger.valueOf(second).isProbablePrime(60)) {
        break;
      }
      seed++;
    }
    long s = seed;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModPrime.random(new SplittableRandom(s), 1));
    assertEquals("no prime in 1 draws from [2^61, 2^62)", e.getMessage());
    assertEquals(second, ModPrime.random(new SplittableRandom(s), 2).p);
    assertEquals(second, ModPrime.random(new SplittableRandom(s)).p);
    assertTrue(ModPrime.MAX_DRAWS >= 10_000);
  }

  @Test
  @DisplayName("Lehmer on a pair that takes exactly two exact division steps: two passes give g, one pass is refused")
  void lehmerPassCap() {
    // (g·u, g·v) with u = v·2^100 + r, v = r·2^130 + 5, r = 2^70 + 3: each quotient is far beyond the simulated
    // range (the lengths differ by 100 and 130 bits), so pass 1 takes (gu, gv) to (gv, gr) and pass 2 to (gr, 5g),
    // which fits two limbs (5g < 2^43) and ends the loop; gcd(r, 5) = 1 (2^70 + 3 ≡ 4 + 3 ≡ 2 mod 5), so the
    // result is g
    BigInteger g = BigInteger.ONE.shiftLeft(40).add(BigInteger.valueOf(15));
    BigInteger r = BigInteger.ONE.shiftLeft(70).add(BigInteger.valueOf(3));
    BigInteger v = r.shiftLeft(130).add(BigInteger.valueOf(5));
    BigInteger u = v.shiftLeft(100).add(r);
    BigInteger x = g.multiply(u);
    BigInteger y = g.multiply(v);
    assertTrue(y.bitLength() >= Lehmer.THRESHOLD);
    assertEquals(g, x.gcd(y));
    assertEquals(g, Lehmer.gcd(x, y, 2));
    assertEquals(g, Lehmer.gcd(y, x, 2), "operands in either order");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Lehmer.gcd(x, y, 1));
    assertEquals("Lehmer's gcd: no result after 1 passes of its main loop", e.getMessage());
  }

  @Test
  @DisplayName("Euclid's worst case, consecutive Fibonacci numbers of 200 to 2000 bits, stays within the default cap")
  void fibonacciWithinCap() {
    BigInteger a = BigInteger.ONE;
    BigInteger b = BigInteger.ONE;
    int checked = 0;
    for (int n = 2; b.bitLength() <= 2000; n++) {
      BigInteger next = a.add(b);
      a = b;
      b = next;
      if (a.bitLength() >= Lehmer.THRESHOLD && n % 97 == 0) {
        // every quotient is 1: Euclid takes n − 1 steps on (F_{n+1}, F_n), about 1.44 per bit
        assertEquals(BigInteger.ONE, Lehmer.gcd(b, a));
        assertEquals(BigInteger.valueOf(7), Lehmer.gcd(b.multiply(BigInteger.valueOf(7)), a.multiply(BigInteger.valueOf(7))));
        checked++;
      }
    }
    assertTrue(checked >= 20, "checked " + checked);
  }
}
