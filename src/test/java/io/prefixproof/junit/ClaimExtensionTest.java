package io.prefixproof.junit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner behind {@link Claim}: messages, saved failures, replay and health checks. */
class ClaimExtensionTest {

  @TempDir
  Path dir;

  @BeforeEach
  void folder() {
    System.setProperty("prefixproof.failures", dir.toString());
  }

  @AfterEach
  void reset() {
    System.clearProperty("prefixproof.failures");
  }

  private static Claim claim(String method) throws NoSuchMethodException {
    return Fixtures.class.getDeclaredMethod(method).getAnnotation(Claim.class);
  }

  /** Annotations only: the methods are never run. */
  static final class Fixtures {
    @Claim(id = "T-1", statement = "every integer is below 10", tries = 200, seed = 3)
    void below10() {}

    @Claim(id = "T-2", tries = 200, seed = 3, shrinkRuns = 1)
    void tinyBudget() {}

    @Claim(id = "T-3", tries = 50, seed = 3, expect = Claim.Expect.COUNTEREXAMPLE)
    void expectedFalse() {}

    @Claim(id = "T-4", tries = 50, seed = 3)
    void plain() {}
  }

  private static final Gen<Integer> INTS = Gen.integers(0, 1000);

  private static boolean below10(int x) {
    if (x >= 10) {
      throw new AssertionError(x + " >= 10");
    }
    return true;
  }

  @Test
  void falsifiedClaimShowsTheShrunkCaseAShortReplayOptionAndIsReplayedFirstWithoutShrinking() throws Exception {
    Claim c = claim("below10");
    AssertionError e = assertThrows(AssertionError.class,
        () -> ClaimExtension.run(c, INTS, ClaimExtensionTest::below10, v -> true));
    String m = e.getMessage();
    // 10 is the smallest failing integer, derived by hand from the statement
    assertTrue(m.contains("counterexample:\n  10\n"), m);
    assertTrue(m.contains("every integer is below 10") && m.contains("failed: AssertionError: 10 >= 10"), m);
    String replay = m.lines().filter(l -> l.startsWith("replay: ")).findFirst().orElseThrow();
    assertTrue(replay.equals("replay: -Dprefixproof.seed.T-1=3") && replay.length() < 100, replay);
    assertTrue(m.length() < 4096, "message of " + m.length() + " characters");
    assertTrue(Files.exists(dir.resolve("T-1.choices")));
    AssertionError again = assertThrows(AssertionError.class,
        () -> ClaimExtension.run(c, INTS, ClaimExtensionTest::below10, v -> true));
    assertTrue(again.getMessage().contains("not shrunk again") && again.getMessage().contains("  10\n"),
        again.getMessage());
    // once the statement holds on the saved case, the file is dropped and the search runs as usual
    ClaimExtension.run(c, INTS, x -> true, v -> true);
    assertFalse(Files.exists(dir.resolve("T-1.choices")));
  }

  @Test
  void aShrinkStoppedOnItsBudgetSaysSoAndHowToRaiseIt() throws Exception {
    AssertionError e = assertThrows(AssertionError.class,
        () -> ClaimExtension.run(claim("tinyBudget"), INTS, ClaimExtensionTest::below10, v -> true));
    assertTrue(e.getMessage().contains("shrinking stopped on its budget (1 runs") && e.getMessage()
        .contains("@Claim(shrinkRuns"), e.getMessage());
    AssertionError full = assertThrows(AssertionError.class,
        () -> ClaimExtension.run(claim("below10"), INTS, ClaimExtensionTest::below10, v -> true));
    assertFalse(full.getMessage().contains("budget"), full.getMessage());
  }

  @Test
  void anExpectedCounterexampleMustBeFoundAndPassItsWitnessCheck() throws Exception {
    Claim c = claim("expectedFalse");
    assertDoesNotThrow(() -> ClaimExtension.run(c, INTS, ClaimExtensionTest::below10, v -> {
      if (v != 10) {
        throw new AssertionError("not minimal: " + v);
      }
      return true;
    }));
    Files.deleteIfExists(dir.resolve("T-3.choices"));
    AssertionError held = assertThrows(AssertionError.class, () -> ClaimExtension.run(c, INTS, x -> true, v -> true));
    assertTrue(held.getMessage().contains("expected to be false, but held on 50 cases"), held.getMessage());
    AssertionError wrongWitness = assertThrows(AssertionError.class,
        () -> ClaimExtension.run(c, INTS, ClaimExtensionTest::below10, v -> {
          throw new AssertionError("witness check failed on " + v);
        }));
    assertTrue(wrongWitness.getMessage().contains("witness check failed on 10"), wrongWitness.getMessage());
  }

  @Test
  void healthChecksNameDiscardsAMissingPrefixAndTrivialCases() throws Exception {
    Claim c = claim("plain");
    AssertionError discards = assertThrows(AssertionError.class, () -> ClaimExtension.run(c, INTS, x -> {
      Property.assume(x % 3 == 0, "multiples of 3 only");
      return true;
    }, v -> true));
    assertTrue(discards.getMessage().contains("discarded"), discards.getMessage());
    assertDoesNotThrow(() -> ClaimExtension.run(c, INTS, x -> {
      Property.assume(x % 3 != 0, "no multiples of 3");
      return true;
    }, v -> true));
    CaseOptions o = CaseOptions.exactDefaults();
    AssertionError noPrefix = assertThrows(AssertionError.class, () -> ClaimExtension.run(c,
        Cases.exact(o.withLengths(new int[] {2, 3}, new int[] {0, 0}), Arith.exact(), false), x -> true, v -> true));
    assertTrue(noPrefix.getMessage().contains("no case had a prefix"), noPrefix.getMessage());
    AssertionError trivial = assertThrows(AssertionError.class, () -> ClaimExtension.run(c,
        Cases.exact(o.withLengths(new int[] {1, 1}, new int[] {1, 2}), Arith.exact(), false), x -> true, v -> true));
    assertTrue(trivial.getMessage().contains("50 of 50 cases have a single content position"), trivial.getMessage());
    assertDoesNotThrow(() -> ClaimExtension.run(c,
        Cases.exact(o.withLengths(new int[] {2, 3}, new int[] {1, 2}), Arith.exact(), false), x -> true, v -> true));
  }
}
