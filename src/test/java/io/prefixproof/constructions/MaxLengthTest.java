package io.prefixproof.constructions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MaxLengthTest {

  /** The oracle: scan n = 2, 3, ... for the first n with exp(σ_n) ≤ (n − 1)(4V − 3), in plain doubles. */
  static int scan(Settings s, int cap) {
    for (int n = 2; n <= cap; n++) {
      double sigma = s.temperature().doubleValue() / (s.notebookScale() ? Math.sqrt(n) : 1);
      if (Math.exp(sigma) <= (n - 1.0) * (4.0 * s.vocab() - 3)) {
        return n - 1;
      }
    }
    return cap;
  }

  @Test
  @DisplayName("the largest CAP-2 length found by bisection equals a linear scan, for both scales")
  void bisectionAgreesWithScan() {
    int checked = 0;
    for (int v : new int[] {2, 10, 94}) {
      for (int t : new int[] {1, 5, 12, 30, 50, 70}) {
        for (boolean notebook : new boolean[] {true, false}) {
          Settings s = new Settings(v, 5, new BigFraction(t), notebook, false);
          assertEquals(scan(s, 3000), Certifier.maxLengthCap2(s, 3000), "V=" + v + " T=" + t + " notebook=" + notebook);
          checked++;
        }
      }
    }
    assertEquals(36, checked);
    // what the linear scan this replaced printed for `certify cap2` (V = 94, T = 50, notebook scale)
    assertEquals(29, Certifier.maxLengthCap2(new Settings(94, 20, new BigFraction(50), true, false), 1_000_000));
    // the fixed scale at T = 30 allows (e^30 / (4V − 3)) ≈ 2.8·10^10 positions: the answer is the cap
    assertEquals(3000, Certifier.maxLengthCap2(new Settings(94, 5, new BigFraction(30), false, false), 3000));
  }
}
