package io.prefixproof.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Shrinks a failing choice sequence to a smaller failing one. "Smaller" is shortlex: fewer choices first,
 * then lexicographically smaller.
 *
 * <p>A candidate is first replayed without running the property ({@link Replay}): the property runs only
 * when the choices the replay really made are smaller than the current best (a shorter candidate that the
 * replay pads back with zeros is not), and, for a deletion, strictly fewer. Positions a generator
 * {@linkplain Source#skip skipped} (cropped parts of a fixed layout) are never changed, deleted or moved.
 * Sequences already run are remembered and not run again.
 *
 * <p>The passes are named steps: delete spans, zero spans, minimise each choice, lower equal choices
 * together, lower nearby pairs together, move value from an earlier to a later choice, sort spans, swap
 * spans, move a span earlier. Scheduling adapts to what succeeds (as Hypothesis's shrinker does): each
 * round runs every pass once, the passes that improved the case most often first, so that the expensive
 * passes run on a case the productive ones have already made small. It ends at a fixed point (a whole
 * round without an improvement) or when the budget runs out (runs of the property, wall time, or an
 * interrupt of the running thread, each checked before every candidate). Deterministic: no randomness.
 */
public final class Shrinker {

  /** A replayed candidate: the choices it really made, which of them were cropped, and its property run. */
  public record Replay(long[] choices, BitSet cropped, BooleanSupplier fails) {}

  /** One named pass. */
  private record Pass(String name, Runnable body) {}

  private final Function<long[], Replay> replay;
  private final int maxCalls;
  private final int leadingFirst;
  private final long deadlineNanos;
  private final Set<Fingerprint> run = new HashSet<>();
  private long[] best;
  private BitSet cropped;
  private int calls;
  private int replays;
  private int improvements;
  private boolean stoppedOnBudget;
  private final java.util.Map<String, Integer> successes = new java.util.HashMap<>();

  /**
   * @param replay replays a candidate sequence (null when generating it was rejected)
   * @param start a failing sequence
   * @param startCropped the positions of {@code start} its generator skipped
   * @param maxCalls most property runs
   * @param maxMillis most wall time
   * @param leadingFirst when positive, the leading choices (a shape drawn before the entries) are
   *     minimised once, front to back, before the passes: generators that draw a shape first and then
   *     entries at a fixed layout shrink whole structures this way while the entries that made the case
   *     fail are still in place
   */
  public Shrinker(Function<long[], Replay> replay, long[] start, BitSet startCropped, int maxCalls, long maxMillis,
      int leadingFirst) {
    this.leadingFirst = leadingFirst;
    this.replay = replay;
    this.best = start.clone();
    this.cropped = (BitSet) startCropped.clone();
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

  /** Property runs made. */
  public int calls() {
    return calls;
  }

  /** Candidates replayed (generated without running the property), the runs among them included. */
  public int replays() {
    return replays;
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

  private boolean exhausted() {
    return calls >= maxCalls || System.nanoTime() > deadlineNanos || Thread.currentThread().isInterrupted();
  }

  /** Tries a candidate; keeps it if it fails and its replay is smaller. */
  private boolean consider(long[] candidate) {
    return consider(candidate, false);
  }

  /**
   * Tries a candidate: replays it, runs the property only when the replay is smaller than the best (and,
   * when {@code shorter}, has fewer choices) and was not run before; keeps it if it fails.
   */
  private boolean consider(long[] candidate, boolean shorter) {
    if (exhausted() || compare(candidate, best) >= 0) {
      return false;
    }
    replays++;
    Replay r = replay.apply(candidate);
    if (r == null) {
      return false;
    }
    long[] c = r.choices();
    if (compare(c, best) >= 0 || shorter && c.length >= best.length || !run.add(new Fingerprint(c))) {
      return false;
    }
    calls++;
    if (r.fails().getAsBoolean()) {
      best = c;
      cropped = r.cropped();
      improvements++;
      return true;
    }
    return false;
  }

  /** Runs the passes to a fixed point (or the budget). */
  public long[] shrink() {
    minimiseEach(leadingFirst);
    List<Pass> passes = new ArrayList<>(List.of(
        new Pass("delete spans", this::deleteSpans),
        new Pass("zero spans", this::zeroSpans),
        new Pass("minimise each", () -> minimiseEach(best.length)),
        new Pass("lower equal together", this::lowerEqualTogether),
        new Pass("lower pairs together", this::lowerPairsTogether),
        new Pass("redistribute", this::redistribute),
        new Pass("sort spans", this::sortSpans),
        new Pass("swap spans", this::swapSpans),
        new Pass("move spans", this::moveSpans)));
    boolean improved = true;
    while (improved && !exhausted()) {
      improved = false;
      for (Pass pass : passes) {
        long[] before = best;
        pass.body().run();
        if (best != before) {
          successes.merge(pass.name(), 1, Integer::sum);
          improved = true;
        }
      }
      // the next round runs the most successful passes first (stable: ties keep the listed order)
      passes.sort((a, b) -> Integer.compare(successes.getOrDefault(b.name(), 0), successes.getOrDefault(a.name(), 0)));
    }
    stoppedOnBudget = exhausted();
    return best();
  }

  /** Whether {@code [from, to)} holds only positions the generator drew (none skipped). */
  private boolean live(int from, int to) {
    int c = cropped.nextSetBit(from);
    return c < 0 || c >= to;
  }

  private void deleteSpans() {
    for (int k : new int[] {8, 4, 3, 2, 1}) {
      for (int i = best.length - k; i >= 0; i--) {
        if (i + k > best.length || !live(i, i + k)) {
          continue;
        }
        long[] cand = remove(best, i, k);
        if (consider(cand, true)) {
          continue;
        }
        // a size or "more" flag before the span may need to drop too
        if (i > 0 && cand[i - 1] > 0 && live(i - 1, i)) {
          cand[i - 1]--;
          consider(cand, true);
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
          // cropped positions are 0 already, so zeroing a span never changes them
          long[] cand = best.clone();
          Arrays.fill(cand, i, i + k, 0);
          consider(cand);
        }
      }
    }
  }

  private void minimiseEach(int upTo) {
    for (int i = 0; i < Math.min(upTo, best.length); i++) {
      if (best[i] == 0) {
        continue;
      }
      final int at = i;
      // small steps first: a property need not be monotone in one choice (d = 1 may pass, d = 2 fail)
      for (long d = 2; d <= 8 && at < best.length && best[at] >= d; d++) {
        long[] c = best.clone();
        c[at] -= d;
        consider(c);
      }
      lowerBy(i < best.length ? best[i] : 0, d -> {
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

  /** The non-zero positions of the best case, in order (cropped positions are always 0). */
  private int[] nonZero() {
    return java.util.stream.IntStream.range(0, best.length).filter(i -> best[i] != 0).toArray();
  }

  /** Lowers two nearby non-zero choices by the same amount (values tied by a difference). */
  private void lowerPairsTogether() {
    int[] nz = nonZero();
    for (int x = 0; x < nz.length; x++) {
      for (int y = x + 1; y < Math.min(nz.length, x + 6); y++) {
        final int a = nz[x];
        final int b = nz[y];
        if (b >= best.length || best[a] == 0 || best[b] == 0) {
          continue;
        }
        lowerBy(Math.min(best[a], best[b]), d -> {
          if (b >= best.length || best[a] < d || best[b] < d) {
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

  /** Moves value from an earlier choice to a later drawn one (keeps a sum, makes the sequence smaller). */
  private void redistribute() {
    for (int i = 0; i < best.length; i++) {
      int seen = 0;
      for (int j = i + 1; j < best.length && seen < 7; j++) {
        if (best[i] == 0) {
          break;
        }
        if (cropped.get(j)) {
          continue;
        }
        seen++;
        final int a = i;
        final int b = j;
        lowerBy(best[i], d -> {
          if (b >= best.length || best[a] < d || best[b] > Long.MAX_VALUE - d) {
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
        if (!live(i, i + k)) {
          continue;
        }
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
        if (!live(i, i + k)) {
          continue;
        }
        for (int j = i + k; j + k <= Math.min(best.length, i + 12 * k); j++) {
          if (!live(j, j + k) || Arrays.compare(best, j, j + k, best, i, i + k) >= 0) {
            continue;
          }
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
          if (!live(i, j + k) || !movedIsSmaller(i, j, k)) {
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
  private void lowerBy(long max, LongFunction<long[]> make) {
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

  /**
   * A sequence that was run, kept as two independent 64-bit hashes (a full copy of every run would hold
   * megabytes); a collision only skips one candidate, it never accepts a wrong one.
   */
  private record Fingerprint(long a, long b, int length) {
    Fingerprint(long[] c) {
      this(hash(c, 0x9E3779B97F4A7C15L), hash(c, 0xC2B2AE3D27D4EB4FL), c.length);
    }

    private static long hash(long[] c, long seed) {
      long h = seed;
      for (long v : c) {
        h = Long.rotateLeft(h ^ v * 0xBF58476D1CE4E5B9L, 27) * 0x94D049BB133111EBL + seed;
      }
      return h;
    }
  }
}
