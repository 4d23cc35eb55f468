package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Layerwise;
import io.prefixproof.fast.Layerwises;
import io.prefixproof.io.hf.HfModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block-by-block checks ({@link LayerwiseInspection}: one prefix-free run per block, the prefixed variants
 * from its projections, heads only) against the checks run as before on full runs of each prefix through the
 * block ({@link FastModel#run}, every projection and head computed anew), on the prefix-free run's layer
 * inputs taken from the whole model ({@link HfModel#load}).
 */
class LayerwiseInspectionTest {

  static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2};
  static final int P = 2;
  static final long SEED = 1;

  static Path dir(String family) {
    return Path.of("src/test/resources/hf", family);
  }

  /**
   * The rows of {@link LayerwiseInspection#run} computed by full one-block runs: at layer l the input is the
   * whole model's prefix-free layer-l input, each prefix kind runs the whole block on it.
   */
  static List<Inspection.Row> fullRuns(FastModel whole, Layerwise blocks, DMatrixRMaj content) {
    Architecture a = whole.arch();
    Inspection.Draws draws = Inspection.draws(a, P, SEED, true);
    Inspection.Draws shift = Inspection.draws(a, P, SEED, false);
    FastModel.Trace plain = whole.run(Prefix.Kind.NONE, 0, content, null, null, null, null);
    int n = content.numRows;
    int[] unshifted = new int[n];
    for (int i = 0; i < n; i++) {
      unshifted[i] = i;
    }
    List<List<Inspection.Row>> kinds = new ArrayList<>();
    for (int k = 0; k < LayerwiseInspection.KINDS; k++) {
      kinds.add(new ArrayList<>());
    }
    for (int l = 0; l < a.layers(); l++) {
      FastModel block = blocks.layer(l);
      DMatrixRMaj x = plain.layers().get(l).input();
      List<List<Inspection.Row>> found = new ArrayList<>();
      for (int k = 0; k < LayerwiseInspection.KINDS; k++) {
        found.add(new ArrayList<>());
      }
      Inspection.check(found.get(0), "random residual", block,
          block.run(Prefix.Kind.RESIDUAL, P, x, null, List.of(draws.residual().get(l)), null, null));
      Inspection.check(found.get(1), "random key/value", block, block.run(Prefix.Kind.KEY_VALUE, P, x, null, null,
          List.of(draws.keys().get(l)), List.of(draws.values().get(l))));
      FastModel.Trace free = block.run(Prefix.Kind.NONE, 0, x, null, null, null, null);
      List<DMatrixRMaj> aligned = new ArrayList<>();
      for (int h = 0; h < a.heads(); h++) {
        aligned.add(Inspection.alignedKeys(block, free, 0, h, P));
      }
      Inspection.check(found.get(2), "aligned key/value", block, block.run(Prefix.Kind.KEY_VALUE, P, x, null, null,
          List.of(aligned), List.of(draws.values().get(l))));
      if (a.positions() == Architecture.PositionKind.ROPE) {
        RopeShift.compare(block, block.run(Prefix.Kind.KEY_VALUE, P, x, null, null, List.of(shift.keys().get(l)),
            List.of(shift.values().get(l))), P, unshifted, found.get(4));
      }
      for (int k = 0; k < LayerwiseInspection.KINDS; k++) {
        for (Inspection.Row r : found.get(k)) {
          kinds.get(k).add(new Inspection.Row(r.prefix(), l, r.head(), r.claim(), r.maxAbsErr(), r.maxRatio(),
              r.holds()));
        }
      }
    }
    List<Inspection.Row> all = new ArrayList<>();
    kinds.forEach(all::addAll);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gpt2", "llama", "llama3", "mistral", "qwen2"})
  @DisplayName("every row equals the full one-block runs' on the prefix-free layer inputs, double for double")
  void sameRowsAsFullRuns(String family) {
    FastModel whole = HfModel.load(dir(family));
    Layerwise blocks = HfModel.layerwise(dir(family));
    List<Inspection.Row> expected = fullRuns(whole, blocks, whole.embed(TOKENS));
    List<Inspection.Row> rows = LayerwiseInspection.run(blocks, blocks.embed(TOKENS), P, SEED, null).rows();
    assertEquals(expected, rows);
    boolean rope = whole.arch().positions() == Architecture.PositionKind.ROPE;
    assertEquals(whole.arch().layers() * (whole.arch().heads() * (rope ? 7 : 6) + 3), rows.size());
    assertTrue(rows.stream().allMatch(Inspection.Row::holds), family + ": a row does not hold");
  }

  @Test
  @DisplayName("layer 0 (no earlier prefix to move the input): the rows of the whole-model Inspection.run")
  void firstLayerAsWholeModel() {
    FastModel whole = HfModel.load(dir("llama"));
    Layerwise blocks = HfModel.layerwise(dir("llama"));
    List<Inspection.Row> expected = Inspection.run(whole, whole.embed(TOKENS), P, SEED).stream()
        .filter(r -> r.layer() == 0).toList();
    List<Inspection.Row> rows = LayerwiseInspection.run(blocks, blocks.embed(TOKENS), P, SEED, null).rows().stream()
        .filter(r -> r.layer() == 0).toList();
    assertEquals(expected, rows);
  }

  @Test
  @DisplayName("planted: a score scale that depends on the sequence length (outside LIM-1's hypotheses) fails")
  void lengthDependentScaleFails() {
    Layerwise blocks = HfModel.layerwise(dir("llama"));
    Layerwise perSequence = Layerwises.withLayers(blocks, l -> {
      FastModel b = blocks.layer(l);
      return b.withArchitecture(b.arch().toBuilder().scale(new ScoreScale.PerSequence(BigFraction.ONE)).build());
    });
    List<Inspection.Row> rows = LayerwiseInspection.run(perSequence, blocks.embed(TOKENS), P, SEED, null).rows();
    assertTrue(rows.stream().anyMatch(r -> r.claim().equals("LIM-1") && !r.holds()), "no LIM-1 row fails");
    assertTrue(LayerwiseInspection.run(blocks, blocks.embed(TOKENS), P, SEED, null).rows().stream()
        .allMatch(Inspection.Row::holds));
  }
}
