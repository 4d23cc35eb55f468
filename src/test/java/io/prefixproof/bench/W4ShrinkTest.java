package io.prefixproof.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.cases.PrefixCase;
import io.prefixproof.claims.Catalogue;
import io.prefixproof.model.Architecture;
import io.prefixproof.property.Counterexample;
import io.prefixproof.property.Source;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * W4's searches shrink to a fixed point, not to the budget: within {@link #MAX_SHRINK_CALLS} property runs
 * on every seed tried, to the minimal shape of CONJ-1's note, with only the non-zero choices the witness
 * needs. The oracle for "needed" is the CONJ-1 check itself, run again on the witness with one choice set
 * to 0 (independent of the shrinker's own bookkeeping).
 */
class W4ShrinkTest {

  /** The bound on property runs per search after the first failure. */
  static final int MAX_SHRINK_CALLS = 2000;

  /** Seeds run by default (20 with -Dprefixproof.w4Seeds=20; measured numbers are in proofs-notes/performance.md). */
  static final int SEEDS = Integer.getInteger("prefixproof.w4Seeds", 4);

  static boolean fails(long[] choices) {
    PrefixCase<BigFraction> c = Workloads.w4Cases().generate(Source.replay(choices));
    return !Catalogue.rescaleAgainstPlain(c, 1);
  }

  /** Positions of non-zero choices that the witness does not need: set to 0, it still fails. */
  static List<Integer> unneeded(long[] witness) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < witness.length; i++) {
      if (witness[i] != 0) {
        long[] zeroed = witness.clone();
        zeroed[i] = 0;
        if (fails(zeroed)) {
          out.add(i);
        }
      }
    }
    return out;
  }

  /** What the test asserts of one search, as a message; empty when it holds. */
  static String problems(Counterexample<PrefixCase<BigFraction>> c) {
    StringBuilder sb = new StringBuilder();
    if (!c.fullyShrunk()) {
      sb.append("stopped before a fixed point: ").append(c.shrinkStop()).append('\n');
    }
    if (c.shrinkCalls() > MAX_SHRINK_CALLS) {
      sb.append(c.shrinkCalls()).append(" shrink calls\n");
    }
    List<Integer> extra = unneeded(c.choices());
    if (!extra.isEmpty()) {
      sb.append("non-zero choices it does not need at ").append(extra).append('\n');
    }
    return sb.toString();
  }

  @Test
  @DisplayName("every W4 search ends at a fixed point within 2,000 runs, at L2 H1 d1 n2 p1, every non-zero choice needed")
  void searchesFinish() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Counterexample<PrefixCase<BigFraction>> c = Workloads.w4Search(seed);
      assertEquals("", problems(c), "seed " + seed);
      Architecture a = c.value().model().arch();
      assertEquals(List.of(2, 1, 1, 2, 1), List.of(a.layers(), a.heads(), a.dModel(), c.value().content().rows(),
          c.value().prefix().length()), "seed " + seed);
    }
  }

  @Test
  @DisplayName("the checks catch a search stopped on its budget and a witness with a non-zero choice it does not need")
  void checksCatchPlantedDefects() {
    Counterexample<PrefixCase<BigFraction>> stopped = io.prefixproof.cases.Cases.property("W4", Workloads.w4Cases())
        .seed(1).tries(1000).shrinkBudget(20, 60_000).search(x -> Catalogue.rescaleAgainstPlain(x, 1));
    assertTrue(problems(stopped).contains("stopped before a fixed point"), problems(stopped));

    long[] witness = Workloads.w4Search(1).choices();
    long[] padded = null;
    // the first drawn position that is 0 in the witness and can be 1 without the case passing
    for (int i = 0; i < witness.length && padded == null; i++) {
      long[] c = witness.clone();
      c[i] = 1;
      if (witness[i] == 0 && replaysAsIs(c) && fails(c)) {
        padded = c;
      }
    }
    assertTrue(padded != null, "no position found to plant an unneeded choice");
    assertFalse(unneeded(padded).isEmpty(), "a planted unneeded choice went unnoticed");
  }

  /** Whether the replay keeps every choice of {@code c} (none of them falls on a cropped position). */
  static boolean replaysAsIs(long[] c) {
    Source s = Source.replay(c);
    Workloads.w4Cases().generate(s);
    return java.util.Arrays.equals(s.choices(), c);
  }
}
