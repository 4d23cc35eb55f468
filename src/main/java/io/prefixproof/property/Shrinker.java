package io.prefixproof.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Shrinks a failing choice sequence to a smaller failing one. "Smaller" is shortlex: fewer choices
 * first, then lexicographically smaller. The passes (deleting spans, zeroing spans, minimising single
 * choices, lowering equal or paired choices together, moving value between choices, sorting and swapping
 * spans) repeat until none helps or the budget runs out (runs, wall time, or an interrupt of the running
 * thread, each checked before every candidate). Deterministic: no randomness.
 */
public final class Shrinker {

  /** What running one candidate gave: whether it failed the same way, and the choices it really made. */
  public record Outcome(boolean failing, long[] choices) {}

  private final Function<long[], Outcome> test;
  private final int maxCalls;
  private final int leadingFirst;
  private final long deadlineNanos;
  private long[] best;
  private int calls;
  private int improvements;
  private boolean stoppedOnBudget;

  /**
   * @param test runs a candidate sequence
   * @param start a failing sequence
   * @param maxCalls most candidate runs
   * @param maxMillis most wall time
   */
  public Shrinker(Function<long[], Outcome> test, long[] start, int maxCalls, long maxMillis) {
    this(test, start, maxCalls, maxMillis, 0);
  }

  /**
   * As above; {@code leadingFirst > 0} first minimises the leading choices once, front to back. Generators
   * that draw a shape first and then entries at a fixed layout shrink whole structures this way while the
   * entries that made the case fail are still in place.
   */
  public Shrinker(Function<long[], Outcome> test, long[] start, int maxCalls, long maxMillis, int leadingFirst) {
    this.leadingFirst = leadingFirst;
    this.test = test;
    this.best = start.clone();
    this.maxCalls = maxCalls;
    this.deadlineNanos = System.nanoTime() + maxMillis * 1_000_000L;
  }

  /** Shortlex order on choice sequences. */
  public static int compare(long[] a, long[] b) {
    if (a.length != b.length) {
      return Integer.compare(a.length, b.length);
    }
    return Arrays.compare(a, b);
  }

  public long[] best() {
    return best.clone();
  }

  /** Candidate runs made. */
  public int calls() {
    return calls;
  }

  /** Accepted improvements. */
  public int improvements() {
    return improvements;
  }

  /**
   * True when {@link #shrink} ended because the budget ran out (runs, time, or the thread was interrupted)
   * rather than at a fixed point of the passes.
   */
  public boolean stoppedOnBudget() {
    return stoppedOnBudget;
  }

  /** True when the budget of runs is used up (as opposed to the time). */
  public boolean callsExhausted() {
    return calls >= maxCalls;
  }

  private boolean exhausted() {
    return calls >= maxCalls || System.nanoTime() > deadlineNanos || Thread.currentThread().isInterrupted();
  }

  /** Tries a candidate; keeps it if it fails and is smaller. */
  private boolean consider(long[] candidate) {
    if (exhausted() || compare(candidate, best) >= 0) {
      return false;
    }
    calls++;
    Outcome o = test.apply(candidate);
    if (o.failing() && compare(o.choices(), best) < 0) {
      best = o.choices();
      improvements++;
      return true;
    }
    return false;
  }

  /** Runs all passes to a fixed point (or the budget). */
  public long[] shrink() {
    minimiseEach(leadingFirst);
    long[] before;
    do {
      before = best;
      deleteSpans();
      zeroSpans();
      minimiseEach(best.length);
      lowerEqualTogether();
      lowerPairsTogether();
      redistribute();
      sortSpans();
      swapSpans();
      moveSpans();
    } while (!exhausted() && compare(best, before) < 0);
    stoppedOnBudget = exhausted();
    return best();
  }

  private void deleteSpans() {
    for (int k : new int[] {8, 4, 3, 2, 1}) {
      for (int i = best.length - k; i >= 0; i--) {
        if (i + k > best.length) {
          continue;
        }
        long[] cand = remove(best, i, k);
        if (consider(cand)) {
          continue;
        }
        // a size or "more" flag before the span may need to drop too
        if (i > 0 && cand[i - 1] > 0) {
          cand[i - 1]--;
          consider(cand);
        }
      }
    }
  }

  private void zeroSpans() {
    for (int k : new int[] {8, 4, 2, 1}) {
      for (int i = best.length - k; i >= 0; i--) {
        if (i + k > best.length) {
          continue;
        }
        boolean nonZero = false;
        for (int j = i; j < i + k; j++) {
          nonZero |= best[j] != 0;
        }
        if (nonZero) {
          long[] cand = best.clone();
          Arrays.fill(cand, i, i + k, 0);
          consider(cand);
        }
      }
    }
  }

  private void minimiseEach(int upTo) {
    for (int i = 0; i < Math.min(upTo, best.length); i++) {
      final int at = i;
      // small steps first: a property need not be monotone in one choice (d = 1 may pass, d = 2 fail)
      for (long d = 2; d <= 8 && at < best.length && best[at] >= d; d++) {
        long[] c = best.clone();
        c[at] -= d;
        consider(c);
      }
      lowerBy(best[i], d -> {
        if (at >= best.length) {
          return null;
        }
        long[] c = best.clone();
        c[at] -= d;
        return c;
      });
    }
  }

  /** Lowers every occurrence of a repeated value by the same amount (duplicated values shrink together). */
  private void lowerEqualTogether() {
    TreeMap<Long, List<Integer>> where = new TreeMap<>();
    for (int i = 0; i < best.length; i++) {
      if (best[i] > 0) {
        where.computeIfAbsent(best[i], v -> new ArrayList<>()).add(i);
      }
    }
    for (var e : where.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      List<Integer> idx = e.getValue();
      lowerBy(e.getKey(), d -> {
        long[] c = best.clone();
        for (int i : idx) {
          if (i >= c.length) {
            return null;
          }
          c[i] = Math.max(0, c[i] - d);
        }
        return c;
      });
    }
  }

  /** Lowers two nearby choices by the same amount (values tied by a difference). */
  private void lowerPairsTogether() {
    for (int i = 0; i < best.length; i++) {
      for (int j = i + 1; j < Math.min(best.length, i + 6); j++) {
        if (best[i] == 0 || best[j] == 0) {
          continue;
        }
        final int a = i;
        final int b = j;
        lowerBy(Math.min(best[i], best[j]), d -> {
          if (b >= best.length) {
            return null;
          }
          long[] c = best.clone();
          c[a] -= d;
          c[b] -= d;
          return c;
        });
      }
    }
  }

  /** Moves value from an earlier choice to a later one (keeps a sum, makes the sequence smaller). */
  private void redistribute() {
    for (int i = 0; i < best.length; i++) {
      for (int j = i + 1; j < Math.min(best.length, i + 8); j++) {
        if (best[i] == 0) {
          break;
        }
        final int a = i;
        final int b = j;
        lowerBy(best[i], d -> {
          if (b >= best.length || best[b] > Long.MAX_VALUE - d) {
            return null;
          }
          long[] c = best.clone();
          c[a] -= d;
          c[b] += d;
          return c;
        });
      }
    }
  }

  private void sortSpans() {
    for (int k : new int[] {8, 4, 2}) {
      for (int i = 0; i + k <= best.length; i++) {
        long[] c = best.clone();
        Arrays.sort(c, i, i + k);
        consider(c);
      }
    }
  }

  /** Swaps two equal-length spans (reorders list elements) when that makes the sequence smaller. */
  private void swapSpans() {
    for (int k = 1; k <= 4; k++) {
      for (int i = 0; i + k <= best.length; i++) {
        for (int j = i + k; j + k <= Math.min(best.length, i + 12 * k); j++) {
          long[] c = best.clone();
          System.arraycopy(best, j, c, i, k);
          System.arraycopy(best, i, c, j, k);
          consider(c);
        }
      }
    }
  }

  /** Moves a span earlier (reorders list elements or subtrees of different sizes). */
  private void moveSpans() {
    for (int k = 1; k <= 6; k++) {
      for (int j = best.length - k; j > 0; j--) {
        for (int i = Math.max(0, j - 16); i < j && j + k <= best.length; i++) {
          if (!movedIsSmaller(i, j, k)) {
            continue;
          }
          long[] c = new long[best.length];
          System.arraycopy(best, 0, c, 0, i);
          System.arraycopy(best, j, c, i, k);
          System.arraycopy(best, i, c, i + k, j - i);
          System.arraycopy(best, j + k, c, j + k, best.length - j - k);
          consider(c);
        }
      }
    }
  }

  /**
   * Whether moving {@code best[j, j + k)} to position {@code i < j} gives a smaller sequence: the test
   * {@link #consider} would make first, done on the moved segment without building the candidate.
   */
  private boolean movedIsSmaller(int i, int j, int k) {
    for (int t = 0; t < j + k - i; t++) {
      long moved = t < k ? best[j + t] : best[i + t - k];
      if (moved != best[i + t]) {
        return moved < best[i + t];
      }
    }
    return false;
  }

  /**
   * Finds a large {@code d ≤ max} for which {@code make(d)} fails: tries the whole amount, then 1, then
   * a binary search between the largest known-good and smallest known-bad amounts.
   */
  private void lowerBy(long max, java.util.function.LongFunction<long[]> make) {
    if (max <= 0 || exhausted()) {
      return;
    }
    long[] full = make.apply(max);
    if (full == null || consider(full)) {
      return;
    }
    long[] one = make.apply(1);
    if (one == null || !consider(one)) {
      return;
    }
    // after accepting d = 1 the baseline moved: search again relative to it
    long lo = 0;
    long hi = max - 1;
    while (lo + 1 < hi && !exhausted()) {
      long mid = lo + (hi - lo) / 2;
      long[] c = make.apply(mid);
      if (c == null) {
        return;
      }
      if (consider(c)) {
        hi -= mid;
        lo = 0;
      } else {
        hi = mid;
      }
    }
  }

  private static long[] remove(long[] a, int i, int k) {
    long[] c = new long[a.length - k];
    System.arraycopy(a, 0, c, 0, i);
    System.arraycopy(a, i + k, c, i, a.length - i - k);
    return c;
  }
}
