package io.prefixproof.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertyEngineTest {

  static <T> List<T> sample(Gen<T> g, int n) {
    SplittableRandom r = new SplittableRandom(42);
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> g.generate(Source.random(r.split(), 100_000))).toList();
  }

  @Nested
  @DisplayName("generators stay in their bounds")
  class Bounds {
    @Test
    void integersStayInRangeAndReachBothEnds() {
      List<Integer> xs = sample(Gen.integers(-5, 7), 5000);
      assertTrue(xs.stream().allMatch(x -> x >= -5 && x <= 7));
      assertTrue(xs.contains(-5) && xs.contains(7) && xs.contains(0));
    }

    @Test
    void fullIntRangeHitsBoundaries() {
      List<Integer> xs = sample(Gen.anyInt(), 5000);
      assertTrue(xs.contains(Integer.MAX_VALUE) && xs.contains(Integer.MIN_VALUE + 1) || xs.contains(Integer.MIN_VALUE));
    }

    @Test
    void rationalsHaveBoundedNumeratorsAndDenominators() {
      List<BigFraction> xs = sample(Gen.rationals(-9, 9, 9), 5000);
      assertTrue(xs.stream().allMatch(f -> f.abs().compareTo(new BigFraction(9)) <= 0
          && f.getDenominator().intValue() <= 9 && f.getDenominator().signum() > 0));
    }

    @Test
    void doublesIncludeSpecialValuesAndStayInRange() {
      List<Double> xs = sample(Gen.doubles(-1e300, Double.MAX_VALUE), 5000);
      assertTrue(xs.stream().allMatch(x -> x >= -1e300 && x <= Double.MAX_VALUE));
      assertTrue(xs.contains(0.0) && xs.contains(Double.MIN_VALUE) && xs.contains(Double.MAX_VALUE));
    }

    @Test
    void gaussiansHaveTheRightMoments() {
      List<Double> xs = sample(Gen.gaussians(2, 3), 20000);
      double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double var = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / xs.size();
      // standard errors: 3/sqrt(20000) = 0.021 for the mean; about 9*sqrt(2/20000) = 0.09 for the variance
      assertEquals(2, mean, 0.1);
      assertEquals(9, var, 0.5);
    }

    @Test
    void listsRespectSizeRange() {
      List<List<Integer>> xs = sample(Gen.lists(Gen.integers(0, 3), 2, 6), 2000);
      assertTrue(xs.stream().allMatch(l -> l.size() >= 2 && l.size() <= 6));
      assertTrue(xs.stream().anyMatch(l -> l.size() == 6) && xs.stream().anyMatch(l -> l.size() == 2));
    }

    @Test
    void booleansAndElementsCoverTheirValues() {
      assertEquals(java.util.Set.of(true, false), new java.util.HashSet<>(sample(Gen.booleans(), 200)));
      assertEquals(java.util.Set.of("a", "b", "c"), new java.util.HashSet<>(sample(Gen.elements("a", "b", "c"), 300)));
    }

    @Test
    void frequencyFollowsWeights() {
      List<String> xs = sample(Gen.frequency(List.of(3, 1), List.of(Gen.constant("a"), Gen.constant("b"))), 8000);
      double a = xs.stream().filter("a"::equals).count() / 8000.0;
      assertEquals(0.75, a, 0.03);
    }
  }

  @Test
  @DisplayName("a list of random length drawn by flatMap shrinks to one element")
  void flatMapListShrinksToSingleElement() {
    Gen<List<Integer>> g = Gen.integers(0, 20).flatMap(n -> Gen.listsOf(Gen.integers(0, 100), n));
    Counterexample<List<Integer>> c = Property.of("sum-bound", g).seed(5).tries(1000)
        .search(l -> l.stream().mapToInt(Integer::intValue).sum() <= 50);
    assertEquals(List.of(51), c.value());
  }

  @Test
  @DisplayName("the same seed gives the same cases and the same shrunk result")
  void sameSeedSameRun() {
    Gen<List<Integer>> g = Gen.lists(Gen.anyInt(), 0, 50);
    Property.Check<List<Integer>> check = l -> l.stream().distinct().count() < 4;
    Result<List<Integer>> a = Property.of("det", g).seed(99).tries(500).run(check);
    Result<List<Integer>> b = Property.of("det", g).seed(99).tries(500).run(check);
    assertEquals(a.tries(), b.tries());
    assertArrayEquals(a.counterexample().originalChoices(), b.counterexample().originalChoices());
    assertEquals(a.counterexample().value(), b.counterexample().value());
  }

  @Test
  @DisplayName("a check failure reports the shrunk and original case, the seed and how to replay")
  void failureMessageIsReadable() {
    Property<Integer> p = Property.of("small", Gen.integers(0, 1000)).seed(1).tries(200);
    AssertionError e = assertThrows(AssertionError.class, () -> p.check(x -> x < 100));
    assertTrue(e.getMessage().contains("shrunk counterexample"), e.getMessage());
    assertTrue(e.getMessage().contains("  100\n"), e.getMessage());
    // the seed in force: 1, or the one given with -Dprefixproof.seed
    assertTrue(e.getMessage().contains("-Dprefixproof.seed=" + p.effectiveSeed() + "\n"), e.getMessage());
  }

  @Test
  @DisplayName("a filter that discards nearly everything fails with a clear error")
  void tooManyDiscards() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Property.of("picky",
        Gen.integers(0, 1_000_000).filter(x -> x == 77_777)).seed(1).tries(10).run(x -> true));
    assertTrue(e.getMessage().contains("rejected"), e.getMessage());
  }

  @Test
  @DisplayName("assumptions discard cases without failing them")
  void assumptions() {
    Result<Integer> r = Property.of("odd only", Gen.integers(0, 100)).seed(2).tries(50).run(x -> {
      Property.assume(x % 2 == 1, "odd");
      return x % 2 == 1;
    });
    assertFalse(r.failed());
    assertEquals(50, r.tries());
    assertTrue(r.rejected() > 0);
  }

  @Test
  @DisplayName("a time budget stops generating new cases; a choice budget rejects oversized cases")
  void budgets() {
    Result<Integer> r = Property.of("slow", Gen.integers(0, 9)).seed(1).tries(1_000_000).timeBudget(200).run(x -> {
      Thread.sleep(5);
      return true;
    });
    assertTrue(r.tries() < 1_000_000 && r.millis() < 5_000, r.tries() + " tries in " + r.millis() + " ms");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Property.of("big",
        Gen.listsOf(Gen.integers(0, 9), 100)).seed(1).maxChoices(50).tries(10).run(x -> true));
    assertTrue(e.getMessage().contains("rejected"), e.getMessage());
  }

  @Test
  @DisplayName("statistics count labels per case")
  void labels() {
    Result<Integer> r = Property.of("labels", Gen.integers(0, 9)).seed(1).tries(100).run(x -> {
      Stats.label(x % 2 == 0 ? "even" : "odd");
      return true;
    });
    assertEquals(100, r.labels().values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  @DisplayName("a saved counterexample is replayed first")
  void savedCounterexampleReplayed(@TempDir Path dir) throws Exception {
    Store store = new Store(dir);
    Counterexample<Integer> c = Property.of("saved", Gen.integers(0, 1000)).seed(3).store(store)
        .search(x -> x < 500);
    assertEquals(500, c.value());
    assertTrue(Files.readString(dir.resolve("saved.choices")).contains("choices: 500"));
    // the first try is the saved case: one case run, even with a budget of one
    Result<Integer> r = Property.of("saved", Gen.integers(0, 1000)).seed(12345).tries(1).store(store).run(x -> x < 500);
    assertTrue(r.failed());
    assertEquals(1, r.tries());
  }

  @Test
  @DisplayName("the simplest case is tried first")
  void simplestFirst() {
    Result<Integer> r = Property.of("zero", Gen.integers(-5, 5)).seed(1).run(x -> x != 0);
    assertTrue(r.failed());
    assertEquals(1, r.tries());
    assertFalse(r.counterexample().value() != 0);
  }
}
