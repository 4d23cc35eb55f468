package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.report.Report;
import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The share of trivial cases (where a statement holds for a reason unrelated to it) is counted per claim;
 * {@code CatalogueTest} holds every "holds" claim to {@link #MAX_SHARE}. These tests show the count sees
 * trivial cases when a generator produces them.
 */
class TrivialCasesTest {

  /** The largest share of trivial cases a "holds" claim's generator may produce. */
  static final double MAX_SHARE = 0.10;

  @Test
  @DisplayName("a ratio claim drawn with one content position is all trivial cases, and the bound rejects it")
  void oneContentPositionIsTrivial() {
    Claim c = Catalogue.limAtFirstLayer("LIM-1", "one content position", Catalogue.base().withLengths(
        new int[] {1, 1}, new int[] {1, 3}), EnumSet.of(Limitations.Check.RESCALE));
    Claim.Result r = c.run(new Claim.Settings(40, 1, null));
    System.out.print(Report.statistics(r));
    assertEquals(1.0, Report.trivialShare(r));
    assertTrue(Report.trivialShare(r) > MAX_SHARE);
  }

  @Test
  @DisplayName("the catalogue's ratio claims with two or more content positions have no trivial case")
  void twoContentPositionsAreNotTrivial() {
    Claim.Result r = Catalogue.conj3().run(new Claim.Settings(40, 1, null));
    assertEquals(0.0, Report.trivialShare(r));
    assertTrue(Report.statistics(r).contains("trivial cases (share)"), Report.statistics(r));
  }
}
