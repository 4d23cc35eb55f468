package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.property.Property;
import java.nio.file.Path;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Dfp threshold that declares CONJ-4's counterexample: never crossed where LIM-1 holds, far below the witness. */
class Conj4ToleranceTest {

  @Test
  @DisplayName("with a fixed scale (LIM-1 holds) the Dfp deviation stays below the threshold on 100 cases")
  void noFalseAlarms() {
    CaseOptions o = CaseOptions.exactDefaults().withLayers(1, 1).withLengths(new int[] {1, 4}, new int[] {1, 3});
    double[] worst = {0};
    Property.of("fixed scale in Dfp", Cases.exact(o, Arith.exact(), false)).seed(4).tries(100).check(c -> {
      double dev = Catalogue.lim1DeviationDfp(c, ScoreScale.fixed(BigFraction.ONE));
      worst[0] = Math.max(worst[0], dev);
      return dev <= Catalogue.DFP_VIOLATION;
    });
    System.out.printf("fixed scale: largest Dfp deviation %.3g (threshold %.0g)%n", worst[0], Catalogue.DFP_VIOLATION);
  }

  @Test
  @DisplayName("the saved CONJ-4 witness deviates by many orders of magnitude more than the threshold")
  void witnessIsFarAbove() {
    var store = new io.prefixproof.property.Store(Path.of("src/test/resources/counterexamples"));
    long[] choices = store.load("CONJ-4").orElseThrow();
    CaseOptions o = CaseOptions.exactDefaults().withLengths(new int[] {1, 4}, new int[] {1, 3}).withLayers(1, 1)
        .withHeads(1, 2);
    var c = Cases.exact(o, Arith.exact(), false).generate(io.prefixproof.property.Source.replay(choices));
    double dev = Catalogue.lim1DeviationDfp(c, new ScoreScale.PerAttended(BigFraction.ONE));
    System.out.printf("CONJ-4 witness: Dfp deviation %.3g%n", dev);
    assertTrue(dev > 1e6 * Catalogue.DFP_VIOLATION, "deviation " + dev);
  }
}
