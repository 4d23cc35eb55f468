package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.claims.Claim;
import io.prefixproof.claims.ClaimProvider;
import io.prefixproof.claims.PropertyClaim;
import io.prefixproof.property.Gen;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How runs end when something goes wrong inside a command, through the real entry point ({@link Main#execute},
 * which {@code main} passes to {@code System.exit}): an internal error is exit 3 and one line, and
 * {@code verify --deadline} bounds every property run, shrinking included. The failures are planted through
 * the documented plugin path, a {@link ClaimProvider} in a jar given to {@code verify --claims-from}.
 */
class FailureModesTest {

  /** A provider whose code fails with a bug: an exception picocli hands to the execution-exception handler. */
  public static final class Broken implements ClaimProvider {
    @Override
    public List<Claim> claims() {
      throw new IllegalStateException("planted bug in a claim provider");
    }
  }

  /** A provider that runs out of memory: an Error, which passes picocli's handler and reaches execute's own catch. */
  public static final class Exhausted implements ClaimProvider {
    @Override
    public List<Claim> claims() {
      throw new OutOfMemoryError("planted: Java heap space");
    }
  }

  /**
   * A claim expected to hold that fails on every list with a positive entry, 20 ms per case: shrinking a failing
   * list of up to 40 entries takes hundreds of runs, far more than a one-second deadline leaves.
   */
  public static final class SlowFailure implements ClaimProvider {
    @Override
    public List<Claim> claims() {
      return List.of(PropertyClaim.holds("USR-SLOW", "no entry is positive", "-", 100,
          Gen.lists(Gen.integers(0, 1000), 30, 40), xs -> {
            Thread.sleep(20);
            return xs.stream().allMatch(x -> x <= 0);
          }));
    }
  }

  /** A claim that holds, 50 ms per case. */
  public static final class SlowHolds implements ClaimProvider {
    @Override
    public List<Claim> claims() {
      return List.of(PropertyClaim.holds("USR-HOLDS", "every digit is below 10", "-", 100, Gen.integers(0, 9), x -> {
        Thread.sleep(50);
        return x < 10;
      }));
    }
  }

  @TempDir
  Path dir;

  private String jar(Class<? extends ClaimProvider> provider) throws Exception {
    return UserClaimsTest.jar(dir, provider).toString();
  }

  @Test
  @DisplayName("an exception from inside a command ends with exit 3 and one line; --debug adds the stack trace")
  void internalErrorThroughPicocli() throws Exception {
    CliRun r = CliRun.run(60, "verify", "--claims-from", jar(Broken.class));
    assertTrue(r.endedCleanly(Main.INTERNAL_ERROR), r.toString());
    assertEquals("internal error: IllegalStateException: planted bug in a claim provider (rerun with --debug for the"
        + " stack trace)", r.err().strip());
    CliRun debug = CliRun.run(60, "verify", "--claims-from", jar(Broken.class), "--debug");
    assertEquals(Main.INTERNAL_ERROR, debug.exit(), debug.toString());
    assertTrue(debug.err().startsWith("internal error: IllegalStateException: planted bug in a claim provider\n")
        && debug.err().contains("\tat io.prefixproof.cli.FailureModesTest$Broken.claims"), debug.toString());
  }

  @Test
  @DisplayName("an OutOfMemoryError inside a command ends with exit 3 and one line, not a JVM stack trace")
  void outOfMemoryThroughPicocli() throws Exception {
    CliRun r = CliRun.run(60, "verify", "--claims-from", jar(Exhausted.class));
    assertTrue(r.endedCleanly(Main.INTERNAL_ERROR), r.toString());
    assertEquals("internal error: OutOfMemoryError: planted: Java heap space (rerun with --debug for the stack"
        + " trace)", r.err().strip());
  }

  @Test
  @DisplayName("--deadline outside [1, 86400] or not a whole number is bad input: exit 2, one line naming it")
  void deadlineRange() {
    for (String bad : new String[] {"0", "-5", "86401", "9223372036854775807"}) {
      CliRun r = CliRun.run(10, "verify", "--claim", "LIM-1", "--deadline", bad);
      assertTrue(r.endedCleanly(Main.BAD_INPUT), r.toString());
      assertEquals("error: --deadline must be in [1, 86400], got " + bad, r.err().strip());
    }
    CliRun text = CliRun.run(10, "verify", "--deadline", "1.5");
    assertTrue(text.endedCleanly(Main.BAD_INPUT) && text.err().contains("--deadline"), text.toString());
  }

  @Test
  @DisplayName("--deadline 1 stops shrinking a slow failure after about a second and reports the case found so far")
  void deadlineBoundsShrinking() throws Exception {
    // without --deadline the same run shrinks for the engine's default 60 s, past the harness's bound of 30 s
    CliRun r = CliRun.run(30, "verify", "--claims-from", jar(SlowFailure.class), "--claim", "USR-SLOW", "--deadline",
        "1");
    assertEquals(Main.NOT_AS_EXPECTED, r.exit(), r.toString());
    assertTrue(r.out().contains("USR-SLOW witness:"), r.toString());
    assertTrue(r.out().contains("shrinking stopped on the run's deadline of 1.0 s"), r.toString());
    assertNull(System.getProperty(VerifyCommand.DEADLINE_PROPERTY), "the override outlived the run");
  }

  @Test
  @DisplayName("--deadline 1 ends a passing claim that needs 5 s as incomplete (exit 1); the previous override is"
      + " restored")
  void deadlineEndsAnIncompleteRun() throws Exception {
    System.setProperty(VerifyCommand.DEADLINE_PROPERTY, "77");
    try {
      CliRun r = CliRun.run(30, "verify", "--claims-from", jar(SlowHolds.class), "--claim", "USR-HOLDS", "--deadline",
          "1");
      assertEquals(Main.NOT_AS_EXPECTED, r.exit(), r.toString());
      assertTrue(r.out().contains("stopped by the run's deadline of 1.0 s"), r.toString());
      assertFalse(r.out().contains("held on every case"), r.toString());
      assertEquals("77", System.getProperty(VerifyCommand.DEADLINE_PROPERTY));
      CliRun full = CliRun.run(60, "verify", "--claims-from", jar(SlowHolds.class), "--claim", "USR-HOLDS", "--tries",
          "10", "--deadline", "30");
      assertEquals(0, full.exit(), full.toString());
    } finally {
      System.clearProperty(VerifyCommand.DEADLINE_PROPERTY);
    }
  }
}
