package io.prefixproof.property;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prefixproof.bench.ShrinkBench;
import io.prefixproof.bench.ShrinkProblems;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The public shrinking benchmarks (SHRINKING.md), 20 fixed seeds each: every seed must find a failure and
 * shrink it to the one minimal value reasoned out in proofs-notes/property-engine.md.
 */
class ShrinkBenchmarksTest {

  static final Map<String, String> MINIMAL = Map.ofEntries(
      Map.entry("bound5", "[[], [], [], [-1], [-32768]]"),
      Map.entry("large_union_list", "[[0, 1, -1, 2, -2]]"),
      Map.entry("reverse", "[0, 1]"),
      Map.entry("calculator", "(0 / (0 + 0))"),
      Map.entry("lengthlist", "[900]"),
      Map.entry("difference_must_not_be_zero", "(10, 10)"),
      Map.entry("difference_must_not_be_small", "(10, 6)"),
      Map.entry("difference_must_not_be_one", "(10, 9)"),
      Map.entry("binheap", "(0, None, (0, (0, None, None), (1, None, None)))"),
      Map.entry("coupling", "[1, 0]"),
      Map.entry("deletion", "([0, 0], 0)"),
      Map.entry("distinct", "[0, 1, -1]"),
      Map.entry("nestedlists", "[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]"));

  @TestFactory
  @DisplayName("every benchmark shrinks to its minimum from all 20 seeds")
  Stream<DynamicTest> benchmarks() {
    return ShrinkProblems.all().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
      ShrinkBench.Tally t = ShrinkBench.run(p, 20);
      System.out.println(t.json());
      assertEquals(20, t.found(), "seeds that found a failure");
      assertEquals(Map.of(MINIMAL.get(p.name()), 20), t.results(), "shrunk values over 20 seeds");
    }));
  }
}
