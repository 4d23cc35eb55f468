package io.prefixproof.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShrinkerTest {

  /** A length n in 0..5, then a fixed layout of five entries of which the first n are drawn. */
  static final Gen<List<Long>> FIXED_LAYOUT = s -> {
    int n = (int) s.choice(5);
    List<Long> v = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      v.add(s.numeric(100));
    }
    s.skip(5 - n);
    return v;
  };

  @Nested
  @DisplayName("skipped positions of a fixed layout")
  class Skips {
    @Test
    @DisplayName("are recorded as cropped zeros, whatever a replayed sequence holds there")
    void recordedAsCroppedZeros() {
      Source s = Source.replay(new long[] {2, 7, 8, 9, 9, 9});
      assertEquals(List.of(7L, 8L), FIXED_LAYOUT.generate(s));
      assertArrayEquals(new long[] {2, 7, 8, 0, 0, 0}, s.choices());
      BitSet expected = new BitSet();
      expected.set(3, 6);
      assertEquals(expected, s.cropped());
    }

    @Test
    @DisplayName("count against the choice budget")
    void countAgainstTheBudget() {
      Source s = Source.random(new java.util.SplittableRandom(1), 3);
      assertTrue(org.junit.jupiter.api.Assertions.assertThrows(Source.Rejected.class, () -> s.skip(4)).getMessage()
          .contains("overran 3"));
    }
  }

  /** Every property run of a shrink, in order, with whether it failed. */
  record Run(long[] choices, boolean failed) {}

  /** Runs {@code check} on {@code gen} from the failing {@code start}, logging every property run. */
  static <T> List<Run> shrinkLog(Gen<T> gen, long[] start, java.util.function.Predicate<T> fails, Shrinker[] out) {
    List<Run> log = new ArrayList<>();
    Source first = Source.replay(start);
    gen.generate(first);
    Shrinker sh = new Shrinker(c -> {
      Source src = Source.replay(c);
      T v = gen.generate(src);
      return new Shrinker.Replay(src.choices(), src.cropped(), () -> {
        boolean f = fails.test(v);
        log.add(new Run(src.choices(), f));
        return f;
      });
    }, first.choices(), first.cropped(), 100_000, 60_000, 0);
    sh.shrink();
    out[0] = sh;
    return log;
  }

  /**
   * The first run in {@code log}, from {@code start}, whose case was not smaller than the smallest failing
   * case before it (-1 when every run was smaller), or that ran a case already run.
   */
  static int firstWastedRun(long[] start, List<Run> log) {
    long[] best = start;
    java.util.Set<List<Long>> seen = new java.util.HashSet<>();
    for (int i = 0; i < log.size(); i++) {
      long[] c = log.get(i).choices();
      if (Shrinker.compare(c, best) >= 0 || !seen.add(java.util.Arrays.stream(c).boxed().toList())) {
        return i;
      }
      if (log.get(i).failed()) {
        best = c;
      }
    }
    return -1;
  }

  @Test
  @DisplayName("the property runs only on replays smaller than the best so far, never twice on one case, and "
      + "never changes a cropped position")
  void runsOnlyGenuinelySmallerCases() {
    long[] start = {4, 90, 80, 70, 60, 0};
    java.util.function.Predicate<List<Long>> fails = v -> v.stream().anyMatch(x -> x >= 50);
    Shrinker[] sh = new Shrinker[1];
    List<Run> log = shrinkLog(FIXED_LAYOUT, start, fails, sh);
    assertEquals(-1, firstWastedRun(start, log), "a wasted run in " + log.size());
    assertArrayEquals(new long[] {1, 50, 0, 0, 0, 0}, sh[0].best());
    assertTrue(sh[0].replays() > sh[0].calls(), sh[0].replays() + " replays, " + sh[0].calls() + " runs");
    assertFalse(sh[0].stoppedOnBudget());
    // the oracle catches a log with a run that was not smaller, or one run twice
    List<Run> planted = new ArrayList<>(log);
    planted.add(new Run(start, false));
    assertEquals(log.size(), firstWastedRun(start, planted));
    List<Run> twice = new ArrayList<>(log);
    twice.add(1, new Run(log.get(0).choices(), false));
    assertEquals(1, firstWastedRun(start, twice));
  }

  @Nested
  @DisplayName("failure messages")
  class Messages {
    /** A case that prints as 36,000 characters from no choices at all (so that shrinking has nothing to do). */
    static final Gen<List<String>> BIG = Gen.listsOf(Gen.constant("0123456789"), 3000);

    Result<List<String>> bigFailure() {
      return Property.of("big", BIG).seed(3).tries(5).shrinkBudget(2, 60_000).run(v -> {
        for (int i = 0; i < 30; i++) {
          Stats.label("a label that is long enough to fill a line, number " + i);
        }
        throw new IllegalStateException("x".repeat(10_000));
      });
    }

    @Test
    @DisplayName("stay under 4 KB without raw choices or the original case, with a replay token under 100 characters")
    void shortWithoutChoicesOrOriginal() {
      Result<List<String>> r = bigFailure();
      String m = r.describe();
      assertTrue(m.length() < 4096, m.length() + " characters");
      assertFalse(m.contains("choices:") || m.contains("original"), m);
      String replay = m.lines().filter(l -> l.startsWith("replay: ")).findFirst().orElseThrow();
      assertTrue(replay.length() < 100, replay);
      assertTrue(m.contains("replay: -Dprefixproof.seed=" + r.seed()), m);
      assertTrue(m.contains("more labels") && m.contains("more characters"), m);
    }

    @Test
    @DisplayName("show the original case and the raw choices when -Dprefixproof.verbose=true asks for them")
    void verboseShowsEverything() {
      Result<List<String>> r = bigFailure();
      String before = System.getProperty("prefixproof.verbose");
      System.setProperty("prefixproof.verbose", "true");
      try {
        String m = r.describe();
        assertTrue(m.contains("choices: []") && m.contains("original (0 choices)"), m.substring(0, 300));
        assertTrue(m.length() > 4096, "the verbose message should hold the whole case");
      } finally {
        if (before == null) {
          System.clearProperty("prefixproof.verbose");
        } else {
          System.setProperty("prefixproof.verbose", before);
        }
      }
    }

    @Test
    @DisplayName("name the saved file, not an unrelated seed, when the failure was replayed from the store")
    void savedFailureNamesItsFile(@TempDir Path dir) {
      Store store = new Store(dir);
      store.save("saved", new long[] {500}, "500");
      Result<Integer> r = Property.of("saved", Gen.integers(0, 1000)).seed(77).tries(10).store(store)
          .run(x -> x < 100);
      String m = r.describe();
      assertTrue(m.contains("replay: the saved counterexample " + store.path("saved")), m);
      assertFalse(m.contains("seed"), m);
    }
  }
}
