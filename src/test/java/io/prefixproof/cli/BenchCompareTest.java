package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code bench --compare} refuses what it cannot compare with exit code 2 and one line, before any run. */
class BenchCompareTest {

  @Test
  @DisplayName("no Python interpreter: exit 2, one line naming it")
  void missingInterpreter() {
    CliRun r = CliRun.run(30, "bench", "--workload", "W3", "--compare", "--python", "/no/such/python3");
    assertTrue(r.endedCleanly(Main.BAD_INPUT) && r.err().contains("cannot start /no/such/python3"), r.toString());
  }

  @Test
  @DisplayName("a workload without a baseline: exit 2, one line naming those with one")
  void workloadWithoutBaseline() {
    for (String w : new String[] {"gen", "shrink"}) {
      CliRun r = CliRun.run(30, "bench", "--workload", w, "--compare");
      assertTrue(r.endedCleanly(Main.BAD_INPUT) && r.err().contains("no Python baseline; available: [W1, W2, W3, W4, train]"),
          r.toString());
    }
  }
}
