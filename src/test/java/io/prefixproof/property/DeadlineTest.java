package io.prefixproof.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every run ends by its deadline, shrinking included, and says what stopped it. A check that never
 * returns stands for a broken engine: before the deadline, shrinking a failing catalogue case on a
 * planted normaliser defect went on for more than 14 minutes (the budget was per pass and read only
 * between cases).
 */
class DeadlineTest {

  /** Fails on every list of at least 3 elements; every case but the first waits until interrupted. */
  static final class HangsAfterFirstCase implements Property.Check<List<Integer>> {
    final CountDownLatch never = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    int cases;

    @Override
    public boolean holds(List<Integer> xs) {
      if (xs.size() < 3) {
        return true;
      }
      if (++cases > 1) {
        try {
          never.await();
        } catch (InterruptedException e) {
          interrupted.countDown();
          Thread.currentThread().interrupt();
        }
      }
      return false;
    }
  }

  @Test
  @DisplayName("a shrink candidate that never returns: the run ends on the deadline with the unshrunk case")
  void hangingShrinkEndsOnDeadline() throws Exception {
    HangsAfterFirstCase check = new HangsAfterFirstCase();
    Property<List<Integer>> p = Property.of("hangs", Gen.lists(Gen.integers(0, 9), 0, 20)).seed(3).tries(1000)
        .deadline(1_000).printer(xs -> "list " + xs);
    AssertionError e = assertThrows(AssertionError.class, () -> p.check(check));
    String m = e.getMessage();
    assertTrue(m.contains("FALSIFIED"), m);
    assertTrue(m.contains("shrinking stopped on the run's deadline of 1.0 s"), m);
    // both ways to raise it: the CLI's option and the tests' system property
    assertTrue(m.contains("verify --deadline SECONDS on the command line, -Dprefixproof.deadline=SECONDS in tests"), m);
    assertTrue(m.contains("the case above is the unshrunk one"), m);
    // the printer is used for the shrunk and the original case
    assertTrue(m.contains("\n  list ["), m);
    // the hung case is interrupted, so it does not run on after the caller has its answer
    assertTrue(check.interrupted.await(10, TimeUnit.SECONDS), "the hung case was never interrupted");
  }

  @Test
  @DisplayName("the shrink time is one budget for every pass: slow candidates stop at it, smallest case so far")
  void slowShrinkingStopsOnItsBudget() {
    Property<List<Integer>> p = Property.of("slow shrink", Gen.lists(Gen.integers(0, 1000), 0, 30)).seed(5)
        .tries(1000).shrinkBudget(20_000, 300).shapeFirst(4);
    Result<List<Integer>> r = p.run(xs -> {
      Thread.sleep(5);
      return xs.stream().mapToInt(Integer::intValue).sum() < 2000;
    });
    assertTrue(r.failed());
    Counterexample<List<Integer>> c = r.counterexample();
    assertFalse(c.fullyShrunk(), c.describe());
    assertTrue(c.shrinkStop().startsWith("the shrink time of 0.3 s"), c.shrinkStop());
    assertTrue(c.describe().contains("-Dprefixproof.shrinkSeconds=SECONDS"), c.describe());
    assertTrue(c.value().stream().mapToInt(Integer::intValue).sum() >= 2000, "the reported case still fails");
  }

  @Test
  @DisplayName("a budget of runs stops shrinking and says so; a fixed point says nothing")
  void runBudgetAndFixedPoint() {
    Gen<Integer> g = Gen.integers(0, 1_000_000);
    Counterexample<Integer> capped = Property.of("capped", g).seed(2).shrinkBudget(3, 60_000).run(x -> x < 1000)
        .counterexample();
    assertEquals("the shrink budget of 3 runs (raise it with Property.shrinkBudget)", capped.shrinkStop());
    assertTrue(capped.shrinkCalls() <= 3, capped.describe());
    Counterexample<Integer> done = Property.of("done", g).seed(2).run(x -> x < 1000).counterexample();
    assertTrue(done.fullyShrunk(), done.describe());
    assertEquals(1000, done.value());
    assertFalse(done.describe().contains("shrinking stopped"), done.describe());
  }

  @Test
  @DisplayName("cases that pass but are slow: the run stops at its deadline and check() fails as incomplete")
  void slowPassingRunIsIncomplete() {
    Property<Integer> p = Property.of("slow", Gen.integers(0, 9)).seed(1).tries(1_000_000).deadline(300);
    Property.Check<Integer> slow = x -> {
      Thread.sleep(20);
      return true;
    };
    Result<Integer> r = p.run(slow);
    assertFalse(r.failed());
    assertFalse(r.complete());
    assertTrue(r.tries() < 1_000_000);
    AssertionError e = assertThrows(AssertionError.class, () -> p.check(slow));
    assertTrue(e.getMessage().contains("INCOMPLETE"), e.getMessage());
    assertTrue(e.getMessage().contains("stopped by the run's deadline of 0.3 s after"), e.getMessage());
    assertTrue(e.getMessage().contains("none failing so far"), e.getMessage());
    assertTrue(e.getMessage().contains("raise it with verify --deadline SECONDS on the command line,"
        + " -Dprefixproof.deadline=SECONDS in tests"), e.getMessage());
  }

  @Test
  @DisplayName("-Dprefixproof.deadline and -Dprefixproof.shrinkSeconds override the code; bad values are named")
  void systemPropertyOverrides() {
    Property<Integer> p = Property.of("o", Gen.integers(0, 9)).deadline(5_000).shrinkBudget(10, 7_000);
    String oldDeadline = System.getProperty("prefixproof.deadline");
    String oldShrink = System.getProperty("prefixproof.shrinkSeconds");
    try {
      System.setProperty("prefixproof.deadline", "42");
      System.setProperty("prefixproof.shrinkSeconds", "9");
      assertEquals(42_000, p.effectiveDeadlineMillis());
      assertEquals(9_000, p.effectiveShrinkMillis());
      System.setProperty("prefixproof.deadline", "ten");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::effectiveDeadlineMillis);
      assertTrue(e.getMessage().contains("-Dprefixproof.deadline must be a whole number of seconds"), e.getMessage());
      assertTrue(e.getMessage().contains("got 'ten'"), e.getMessage());
      System.setProperty("prefixproof.shrinkSeconds", "0");
      assertThrows(IllegalArgumentException.class, p::effectiveShrinkMillis);
    } finally {
      restore("prefixproof.deadline", oldDeadline);
      restore("prefixproof.shrinkSeconds", oldShrink);
    }
    assertEquals(5_000, p.effectiveDeadlineMillis());
    assertThrows(IllegalArgumentException.class, () -> p.deadline(0));
    assertThrows(IllegalArgumentException.class, () -> p.shrinkBudget(-1, 10));
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
