package io.prefixproof.algebra;

import java.util.List;

/**
 * The residues of the reciprocals of several {@link Modular} values with one Fermat inverse per prime
 * (Montgomery's batch-inversion trick): with prefix products {@code P_i = a_0 ⋯ a_i}, one inverse {@code
 * P_{n−1}^{-1}} gives every {@code a_i^{-1} = P_{i−1}·(a_i ⋯ a_{n−1})^{-1}} walking back, {@code 3(n − 1)}
 * products instead of {@code n} exponentiations of about 90 products each. A value dead at a prime, or whose
 * residue there is 0 (a prime dividing its numerator), is left out of that prime's chain and gets {@link
 * Modular#DEAD}, as its own inverse would.
 */
final class BatchInverse {
  private BatchInverse() {}

  /** Gives each of {@code values} that has no inverse yet the residues of its reciprocal. */
  static void invert(ModularArith ar, List<Modular> values) {
    Modular[] todo = new Modular[values.size()];
    int n = 0;
    for (Modular v : values) {
      if (!v.inverted() && !contains(todo, n, v)) {
        todo[n++] = v;
      }
    }
    if (n == 0) {
      return;
    }
    ModPrime[] ps = ar.primes;
    long[][] inv = new long[n][ps.length];
    long[] prefix = new long[n];
    for (int k = 0; k < ps.length; k++) {
      ModPrime p = ps[k];
      // prefix products of the invertible residues; prefix[i] stays that of the last invertible one before i
      long running = p.one;
      for (int i = 0; i < n; i++) {
        long a = todo[i].r[k];
        prefix[i] = running;
        if (a != Modular.DEAD && a != 0) {
          running = p.mul(running, a);
        }
      }
      // running^{-1} = (∏ invertible a)^{-1}; walking back, a_i^{-1} = prefix[i]·(a_i ⋯)^{-1}
      long back = p.inverse(running);
      for (int i = n - 1; i >= 0; i--) {
        long a = todo[i].r[k];
        if (a == Modular.DEAD || a == 0) {
          inv[i][k] = Modular.DEAD;
        } else {
          inv[i][k] = p.mul(prefix[i], back);
          back = p.mul(back, a);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      todo[i].inverseIs(inv[i]);
    }
  }

  /** Whether {@code v} is among the first {@code n} of {@code xs} (the same object). */
  private static boolean contains(Modular[] xs, int n, Modular v) {
    for (int i = 0; i < n; i++) {
      if (xs[i] == v) {
        return true;
      }
    }
    return false;
  }
}
