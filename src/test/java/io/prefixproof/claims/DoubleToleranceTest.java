package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.fast.FastModel;
import io.prefixproof.property.Source;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each double tolerance holds on a clean run and still catches a planted violation 1.5 times its size. */
class DoubleToleranceTest {

  static DoubleCases.Case someCase(long seed) {
    return DoubleCases.cases(DoubleCases.ci()).generate(Source.random(new SplittableRandom(seed), 1000));
  }

  /** Checks a clean run, reads the tolerance of {@code key}, plants 1.5 times it, expects {@code id} to fail. */
  static void planted(long seed, String key, String id, BiConsumer<FastModel.Trace, Double> plant) {
    DoubleCases.Case c = someCase(seed);
    FastModel.Trace t = c.run();
    DoubleLimitations.Meter clean = new DoubleLimitations.Meter().recordTolerances();
    DoubleLimitations.check(c.model(), t, clean);
    double tol = clean.toleranceOf(key);
    plant.accept(t, 1.5 * tol);
    AssertionError e = assertThrows(AssertionError.class,
        () -> DoubleLimitations.check(c.model(), t, new DoubleLimitations.Meter()), "planted " + id + " error missed");
    assertTrue(e.getMessage().startsWith(id), e.getMessage());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  @DisplayName("LIM-1: a content weight moved by 1.5 tol is caught")
  void weight(long seed) {
    planted(seed, "LIM-1 L0 H0 query 0 key 0", "LIM-1",
        (t, d) -> t.layers().get(0).heads().get(0).weights().add(t.streamPrefix(), t.keyPrefix(), d));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  @DisplayName("LIM-2/3: a head output moved by 1.5 tol is caught")
  void headOutput(long seed) {
    DoubleCases.Case c = someCase(seed);
    String id = c.p() == 1 ? "LIM-2" : "LIM-3";
    planted(seed, id + " L0 H0 query 0 value 0", id,
        (t, d) -> t.layers().get(0).heads().get(0).out().add(t.streamPrefix(), 0, d));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  @DisplayName("LIM-4: a layer output moved by 1.5 tol is caught")
  void layerOutput(long seed) {
    planted(seed, "LIM-4 L0 H-1 query 0 output 0", "LIM-4",
        (t, d) -> t.layers().get(0).attentionOut().add(t.streamPrefix(), 0, d));
  }

  /** Whether {@code check} throws an AssertionError naming {@code id} (false when it returns). */
  static boolean fails(Runnable check, String id) {
    try {
      check.run();
      return false;
    } catch (AssertionError e) {
      assertTrue(e.getMessage().startsWith(id), e.getMessage());
      return true;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  @DisplayName("rows compared at once decide as single comparisons: a weight or head output set 1.05 tol off its"
      + " prediction is caught, 0.95 tol is not")
  void rowsDecideAsSingleComparisons(long seed) {
    DoubleCases.Case c = someCase(seed);
    FastModel.Trace t = c.run();
    int sp = t.streamPrefix();
    int p = t.keyPrefix();
    FastModel.Head hp = t.layers().get(0).heads().get(0);
    FastModel.Head hr = DoubleLimitations.referenceHeads(c.model(), t, 0).get(0);
    DoubleLimitations.Meter clean = new DoubleLimitations.Meter().recordTolerances();
    DoubleLimitations.check(c.model(), t, clean);
    double keep = 1;
    double ai = 0;
    double mix = 0;
    for (int m = 0; m < p; m++) {
      ai += hp.weights().get(sp, m);
    }
    keep -= ai;
    for (int m = 0; m < p; m++) {
      mix += hp.weights().get(sp, m) * hp.values().get(m, 0);
    }
    String output = p == 1 ? "LIM-2" : "LIM-3";
    double weightTol = clean.toleranceOf("LIM-1 L0 H0 query 0 key 0");
    double outTol = clean.toleranceOf(output + " L0 H0 query 0 value 0");
    double weight = hp.weights().get(sp, p);
    double out = hp.out().get(sp, 0);
    for (double f : new double[] {0.95, 1.05}) {
      hp.weights().set(sp, p, hr.weights().get(0, 0) * keep + f * weightTol);
      boolean byOne = fails(() -> DoubleLimitations.check(c.model(), t,
          new DoubleLimitations.Meter().recordTolerances()), "LIM-1");
      assertTrue(byOne == f > 1, "single comparisons at " + f + " tol");
      assertTrue(fails(() -> DoubleLimitations.check(c.model(), t, new DoubleLimitations.Meter()), "LIM-1") == byOne,
          "rows at " + f + " tol");
      hp.weights().set(sp, p, weight);
      hp.out().set(sp, 0, mix + keep * hr.out().get(0, 0) + f * outTol);
      byOne = fails(() -> DoubleLimitations.check(c.model(), t, new DoubleLimitations.Meter().recordTolerances()),
          output);
      assertTrue(byOne == f > 1, "single output comparisons at " + f + " tol");
      assertTrue(fails(() -> DoubleLimitations.check(c.model(), t, new DoubleLimitations.Meter()), output) == byOne,
          "output rows at " + f + " tol");
      hp.out().set(sp, 0, out);
    }
  }
}
