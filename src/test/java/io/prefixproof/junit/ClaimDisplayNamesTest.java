package io.prefixproof.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.prefixproof.cases.PrefixCase;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The names JUnit gives @Claim tests, run through the engine as surefire and IDEs run them: the claim ID
 * comes first with {@link ClaimDisplayNames}, and is still in the name without it. Surefire's phrased XML
 * name is the method's name, a space, and the invocation's name.
 */
@DisplayName("@Claim test names put the claim ID first")
class ClaimDisplayNamesTest {

  /** Runs only under the kit below (a static nested class is not a test class of its own). */
  @DisplayNameGeneration(ClaimDisplayNames.class)
  static class Named {
    @Claim(id = "N-1", statement = "every case is a case", tries = 2, seed = 1)
    void withStatement(PrefixCase<BigFraction> c) {}

    @Claim(id = "N-2", tries = 2, seed = 1)
    void withoutStatement(PrefixCase<BigFraction> c) {}

    @Test
    void plainTest() {}
  }

  /** The same claims in a class that does not turn the generator on. */
  static class Unnamed {
    @Claim(id = "U-1", statement = "every case is a case", tries = 2, seed = 1)
    void withStatement(PrefixCase<BigFraction> c) {}
  }

  /** "method name + space + invocation name" for each test run, as surefire's phrased XML writes it. */
  static List<String> reported(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().allEvents().started()
        .stream().map(Event::getTestDescriptor).filter(d -> d.isTest()).map(d -> d.getParent()
            .filter(p -> p.getSource().orElse(null) instanceof MethodSource).map(p -> p.getDisplayName() + " ")
            .orElse("") + d.getDisplayName())
        .sorted().toList();
  }

  @Test
  @DisplayName("with ClaimDisplayNames: 'N-1: statement (checked on generated cases)'; other tests keep their names")
  void generatorPutsIdFirst() {
    assertEquals(List.of("N-1: every case is a case (checked on generated cases)", "N-2 (checked on generated cases)",
        "plainTest()"), reported(Named.class));
  }

  @Test
  @DisplayName("without it the ID and statement follow the method's name")
  void withoutGeneratorTheIdIsStillNamed() {
    assertEquals(List.of("withStatement(PrefixCase) U-1: every case is a case"), reported(Unnamed.class));
  }
}
