package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every claim of the catalogue comes out as expected, with its CI budget and seed 1 (more via
 * -Dprefixproof.tries); reports name each test by its claim ID ("claim LIM-1").
 */
class CatalogueTest {

  @TestFactory
  @DisplayName("claim")
  Stream<DynamicTest> everyClaim() {
    return Catalogue.all().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
      Claim.Result r = c.run(new Claim.Settings(c.defaultTries(), 1, null));
      System.out.println(io.prefixproof.report.Report.line(r));
      assertTrue(r.asExpected(), () -> c.id() + " came out " + r.status() + ": " + r.detail() + "\n" + r.witness());
      if (r.expected() == Claim.Expected.HOLDS) {
        assertTrue(r.tries() >= Math.min(200, c.defaultTries()), "ran only " + r.tries() + " cases");
        assertTrue(io.prefixproof.report.Report.trivialShare(r) <= TrivialCasesTest.MAX_SHARE,
            () -> c.id() + ": too many trivial cases\n" + io.prefixproof.report.Report.statistics(r));
      }
    }));
  }
}
