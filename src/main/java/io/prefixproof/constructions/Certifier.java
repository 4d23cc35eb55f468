package io.prefixproof.constructions;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.RealArith;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Decides, for all targets at once, whether a construction generates what it should, with κ = exp
 * evaluated in Dfp at 60 digits.
 *
 * <p>CAP-2. At the last of n positions both heads give the own/first position the weight
 * α_n = K/(K + n − 1), K = exp(σ_n), and every other position 1/(K + n − 1). Coordinate i of h is
 * α_n(1 + v_i); every other coordinate stays below 1, so z2 = ReLU(α_n(1 + v_i) − 1) and
 * z2 − v_i = −(1 − α_n)(1 + v_i) &lt; 0. The decoder picks the nearest grid point, the lower one on a
 * tie, so token c is right iff (1 − α_n)(1 + c/V) &lt; 1/(2V) (c = 0 is always right: z2 = 0). The worst
 * token is c = V − 1, and the condition becomes {@code exp(σ_n) > (n − 1)(4V − 3)} for every n = 2..N (n = 1
 * is exact). With σ_n = T/√n the smallest correct T is the supremum over n of √n·ln((n − 1)(4V − 3)).
 *
 * <p>Rigour: Dfp's exp and square root at 60 digits are accurate to far better than 1e-50 relative for
 * the arguments here; a comparison is decided only when the two sides differ by more than 1e-40
 * relative, and otherwise reported as undecided (an error naming n).
 */
public final class Certifier {
  private Certifier() {}

  static final RealArith<Dfp> DFP = Arith.dfp(60);
  static final double RELATIVE_SLACK = 1e-40;

  /**
   * A verdict for every target.
   *
   * @param correctForAll the construction generates every target exactly
   * @param minTemperature the infimum of the correct temperatures (correct iff T is above it); null when
   *     every T is correct
   * @param margin the smallest decoder margin 1/(2V) − |z2 − v| over all targets and steps (negative: fails)
   * @param failingPosition the first output position that can fail, −1 when none
   * @param failingTarget a target that fails, null when none
   */
  public record Verdict(boolean correctForAll, Double minTemperature, double margin, int failingPosition,
      int[] failingTarget) {}

  /** CAP-2: decides correctness for all V^N targets. */
  public static Verdict cap2(Settings s) {
    int vocab = s.vocab();
    double margin = 1.0 / (2 * vocab);
    int failing = -1;
    Dfp half = DFP.of(new BigFraction(1, 2 * vocab));
    Dfp worstStretch = DFP.of(new BigFraction(2 * vocab - 1, vocab));
    for (int n = 2; n <= s.length() && vocab > 1; n++) {
      Dfp k = DFP.kernel(sigma(s, n));
      Dfp bound = DFP.of((long) (n - 1) * (4L * vocab - 3));
      Dfp gap = k.subtract(bound);
      if (DFP.compare(DFP.abs(gap), bound.multiply(RELATIVE_SLACK)) <= 0) {
        throw new ArithmeticException("CAP-2 undecided at n=" + n + ": exp(sigma) is within 1e-40 of (n-1)(4V-3)");
      }
      // decoder margin at the worst token: 1/(2V) − (1 − α)(2V − 1)/V
      Dfp oneMinusAlpha = DFP.of(n - 1).divide(k.add(DFP.of(n - 1)));
      double m = DFP.toDouble(half.subtract(oneMinusAlpha.multiply(worstStretch)));
      margin = Math.min(margin, m);
      if (gap.negativeOrNull() && failing < 0) {
        failing = n - 1;
      }
    }
    int[] target = null;
    if (failing >= 0) {
      target = new int[s.length()];
      target[failing] = vocab - 1;
    }
    return new Verdict(failing < 0, vocab > 1 && s.length() > 1 ? minTemperatureCap2(s) : null, margin, failing,
        target);
  }

  /** sup over n = 2..N of ln((n − 1)(4V − 3)) · (√n with the notebook scale, 1 otherwise). */
  static double minTemperatureCap2(Settings s) {
    Dfp best = null;
    for (int n = 2; n <= s.length(); n++) {
      Dfp t = DFP.of((long) (n - 1) * (4L * s.vocab() - 3)).log();
      if (s.notebookScale()) {
        t = t.multiply(DFP.of(n).sqrt());
      }
      best = best == null ? t : DFP.max(best, t);
    }
    return DFP.toDouble(best);
  }

  /**
   * The largest N for which CAP-2 is correct at these settings' V and T (searched up to {@code cap}). The
   * condition exp(σ_n) &gt; (n − 1)(4V − 3) holds on an initial run of n and fails from then on: its left
   * side is constant (fixed scale) or decreasing (σ_n = T/√n) in n, its right side increasing. So the
   * first failing n is found by bisection, with about log₂(cap) exps rather than one per n.
   */
  public static int maxLengthCap2(Settings s, int cap) {
    int holds = 1;
    int fails = cap + 1;
    while (fails - holds > 1) {
      int n = holds + (fails - holds) / 2;
      Dfp k = DFP.kernel(sigma(s, n));
      if (DFP.compare(k, DFP.of((long) (n - 1) * (4L * s.vocab() - 3))) <= 0) {
        fails = n;
      } else {
        holds = n;
      }
    }
    return holds;
  }

  /**
   * CAP-3: at position 1 the "val" head weighs (position 1, position 0) by (α, β) and the "first" head by
   * (β, α), so their sum is (α + β)(onehot(u) + r) with α + β = 1 for every σ: z2 = r_u exactly and the
   * margin is 1/(2V) for every T. Computed here, not assumed: the Dfp weights give |α + β − 1|, and the
   * margin is 1/(2V) minus the resulting error bound 2|α + β − 1|.
   */
  public static Verdict cap3(Settings s) {
    Dfp k = DFP.kernel(sigma(s, 2));
    Dfp alpha = k.divide(k.add(DFP.one()));
    Dfp beta = DFP.one().divide(k.add(DFP.one()));
    double deviation = DFP.toDouble(DFP.abs(alpha.add(beta).subtract(DFP.one())));
    double margin = 1.0 / (2 * s.vocab()) - 2 * deviation;
    return new Verdict(margin > 0, null, margin, margin > 0 ? -1 : 1, null);
  }

  /**
   * CAP-4: decides correctness for all maps [V] → [V]^N0 (N0 = the settings' length). At step t (n = N0 + 1 + t
   * positions, α = K/(K + n − 1), β = 1/(K + n − 1)) coordinate k of h is
   * {@code (α − β) r^(t)_k + (α + β)[k = u] + 2β(R_k + g_k)}, R_k the sum of the virtual payloads and g_k how
   * often k was generated before. The other users' rows are free, so z2 is smallest when they are all 0
   * and largest when they are all V − 1; z2 is convex in the counts of the earlier outputs, so its largest
   * value is at "all earlier outputs equal", which leaves two worst users: u = v = V − 1, or u = 0 with
   * every earlier output V − 1. Its smallest value is (α + β)(1 + c/V) − 1 clipped at 0 (a user u ≠ 0 whose
   * answer is 0 except the current c). Correct iff, for every t and c, c/V − 1/(2V) &lt; z2_min and
   * z2_max ≤ c/V + 1/(2V) (a tie rounds down, to c).
   */
  public static Verdict cap4(Settings s) {
    Cap4Check check = cap4Check(s, s.temperature());
    Double minT = s.vocab() > 1 ? minTemperatureCap4(s) : null;
    if (minT == null && check.failingStep >= 0) {
      throw new IllegalStateException("CAP-4 fails at T = " + s.temperature() + " but holds at T = 0");
    }
    return new Verdict(check.failingStep < 0, minT, check.margin, check.failingStep, check.failingUser < 0 ? null
        : new int[] {check.failingUser});
  }

  /** The failing map of a CAP-4 verdict: row k is M(k); null when correct. */
  public static int[][] cap4FailingMap(Settings s) {
    Cap4Check c = cap4Check(s, s.temperature());
    return c.failingMap;
  }

  record Cap4Check(double margin, int failingStep, int failingUser, int[][] failingMap) {}

  static Cap4Check cap4Check(Settings s, BigFraction temperature) {
    int v = s.vocab();
    int n0 = s.length();
    Settings at = new Settings(v, n0, temperature, s.notebookScale(), s.causal());
    double margin = 1.0 / (2 * v);
    Dfp half = DFP.of(new BigFraction(1, 2 * v));
    Dfp one = DFP.one();
    for (int t = 0; t < n0 && v > 1; t++) {
      int n = n0 + 1 + t;
      Dfp k = DFP.kernel(sigma(at, n));
      Dfp den = k.add(DFP.of(n - 1));
      Dfp alpha = k.divide(den);
      Dfp beta = one.divide(den);
      Dfp top = DFP.of(new BigFraction(v - 1, v));
      Dfp leak = alpha.subtract(beta).multiply(top).add(beta.multiply(2).multiply(top.multiply(n0))).subtract(one);
      for (int c = 0; c < v; c++) {
        Dfp grid = DFP.of(new BigFraction(c, v));
        Dfp base = alpha.subtract(beta).multiply(grid).add(alpha).add(beta);
        Dfp sumY = DFP.of(new BigFraction(c + (long) (n0 - 1) * (v - 1), (long) v));
        Dfp hA = base.add(beta.multiply(2).multiply(sumY.add(DFP.of(t))));
        Dfp zA = DFP.relu(hA.subtract(one)).add(DFP.relu(leak).multiply(v - 1));
        Dfp hB = base.add(beta.multiply(2).multiply(sumY));
        Dfp zB = DFP.relu(hB.subtract(one)).add(DFP.relu(leak.add(beta.multiply(2 * t))))
            .add(DFP.relu(leak).multiply(v - 2));
        Dfp zMax = DFP.max(zA, zB);
        Dfp zMin = DFP.relu(alpha.add(beta).multiply(one.add(grid)).subtract(one));
        double upper = DFP.toDouble(grid.add(half).subtract(zMax));
        double lower = c == 0 ? Double.POSITIVE_INFINITY : DFP.toDouble(zMin.subtract(grid.subtract(half)));
        margin = Math.min(margin, Math.min(upper, lower));
        boolean upperFails = upper < 0;
        boolean lowerFails = lower <= 0;
        if (upperFails || lowerFails) {
          int[][] map = new int[v][n0];
          int user;
          if (lowerFails) {
            user = 1;
          } else {
            user = DFP.compare(zA, zB) >= 0 ? v - 1 : 0;
            for (int[] row : map) {
              java.util.Arrays.fill(row, v - 1);
            }
          }
          map[user][t] = c;
          return new Cap4Check(margin, t, user, map);
        }
      }
    }
    return new Cap4Check(margin, -1, -1, null);
  }

  /**
   * The smallest correct T for CAP-4 by bisection to 2⁻⁵⁰ relative (null when T = 0 already works),
   * assuming correctness is monotone in T; the brute-force tests check it on both sides of the result.
   */
  static Double minTemperatureCap4(Settings s) {
    return minTemperature("CAP-4", s, t -> cap4Check(s, t).failingStep < 0);
  }

  /**
   * The smallest T at which {@code correctAt} holds, by bisection to 2⁻⁵⁰ relative (null when T = 0 already
   * works), assuming correctness is monotone in T.
   */
  static Double minTemperature(String what, Settings s, java.util.function.Predicate<BigFraction> correctAt) {
    if (correctAt.test(BigFraction.ZERO)) {
      return null;
    }
    double lo = 0;
    double hi = 1;
    while (!correctAt.test(new BigFraction(hi))) {
      hi *= 2;
      if (hi > 1e6) {
        throw new ArithmeticException(what + " is not correct for any T up to 1e6 at V=" + s.vocab() + " N=" + s.length());
      }
    }
    for (int i = 0; i < 50; i++) {
      double mid = (lo + hi) / 2;
      if (correctAt.test(new BigFraction(mid))) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /**
   * CAP-5: the answer is decoded at position 3 of 4, so both attention layers weigh their target position
   * by α = K/(K + 3), K = κ(σ_4), and every other by β = 1/(K + 3). At position 3, A = α e_a + β e_b, so PAIR
   * is α at (a, b) (α + β when a = b) and at most β elsewhere; TABLE = α·f/V. Only coordinate (a, b) survives
   * the decoder's ReLU(PAIR + TABLE − 1), giving z2 = α(1 + r) − 1 (a ≠ b) or α(1 + r) + β − 1 (a = b),
   * r = f(a, b)/V, below r by (1 − α)(1 + r) or (1 − α)(1 + r) − β. The worst is a ≠ b with r = (V − 1)/V,
   * and every table is answered exactly iff {@code κ(σ_4) > 12V − 9}.
   */
  public static Verdict cap5(Settings s) {
    int v = s.vocab();
    if (v < 2) {
      return new Verdict(true, null, 0.5, -1, null);
    }
    Dfp k = DFP.kernel(sigma(s, 4));
    Dfp bound = DFP.of(12L * v - 9);
    Dfp gap = k.subtract(bound);
    if (DFP.compare(DFP.abs(gap), bound.multiply(RELATIVE_SLACK)) <= 0) {
      throw new ArithmeticException("CAP-5 undecided: exp(sigma) is within 1e-40 of 12V - 9");
    }
    Dfp oneMinusAlpha = DFP.of(3).divide(k.add(DFP.of(3)));
    double margin = DFP.toDouble(DFP.of(new BigFraction(1, 2 * v))
        .subtract(oneMinusAlpha.multiply(DFP.of(new BigFraction(2 * v - 1, v)))));
    double tMin = DFP.toDouble(bound.log().multiply(s.notebookScale() ? DFP.of(2) : DFP.one()));
    boolean ok = !gap.negativeOrNull();
    // failing table: f(0, 1) = V − 1, everything else 0; the failing user input is (0, 1)
    return new Verdict(ok, tMin, margin, ok ? -1 : 3, ok ? null : new int[] {0, 1});
  }

  static Dfp sigma(Settings s, int n) {
    Dfp t = DFP.of(s.temperature());
    return s.notebookScale() ? t.divide(DFP.of(n).sqrt()) : t;
  }
}
