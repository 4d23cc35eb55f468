package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.property.Store;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shrunk counterexamples saved in src/test/resources/counterexamples are replayed first: each still
 * falsifies its conjecture on the first case, and is still minimal.
 */
class SavedCounterexamplesTest {

  static final Store STORE = new Store(Path.of("src/test/resources/counterexamples"));

  @TestFactory
  @DisplayName("every saved witness is replayed on the first try and still holds up")
  Stream<DynamicTest> replay() {
    return Catalogue.all().stream().filter(c -> c.expected() == Claim.Expected.COUNTEREXAMPLE).map(c ->
        DynamicTest.dynamicTest(c.id(), () -> {
          int parts = c instanceof AllOf a ? a.parts().size() : 1;
          Claim.Result r = c.run(new Claim.Settings(1, 1, STORE));
          assertTrue(r.asExpected(), () -> c.id() + ": " + r.detail());
          assertEquals(parts, r.tries(), "the saved case should falsify on the first try");
        }));
  }
}
