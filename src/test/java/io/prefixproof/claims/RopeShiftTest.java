package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.fast.FastModel;
import io.prefixproof.io.hf.HfModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CONJ-3 on the tiny checkpoints' real RoPE layouts and scalings, and a wrong statement it refutes. */
class RopeShiftTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama", "llama3", "mistral", "qwen2"})
  @DisplayName("a common shift by the prefix length keeps every head's content attention (CONJ-3)")
  void commonShiftHolds(String family) {
    FastModel m = HfModel.load(Path.of("src/test/resources/hf", family));
    DMatrixRMaj content = m.embed(new int[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3});
    List<Inspection.Row> rows = RopeShift.check(m, content, 4, 7);
    assertEquals(m.arch().layers() * m.arch().heads(), rows.size());
    double worst = rows.stream().mapToDouble(Inspection.Row::maxRatio).max().orElseThrow();
    System.out.printf("%s CONJ-3: largest err/tol %.3g%n", family, worst);
    assertTrue(rows.stream().allMatch(Inspection.Row::holds), rows.toString());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama", "qwen2"})
  @DisplayName("the wrong statement 'any re-positioning keeps the content attention' is refuted by the same check")
  void unevenShiftFails(String family) {
    FastModel m = HfModel.load(Path.of("src/test/resources/hf", family));
    int p = 4;
    DMatrixRMaj content = m.embed(new int[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3});
    FastModel.Trace t = RopeShift.prefixed(m, content, p, 7);
    // reference positions 0, 2, 3, …: the first gap differs from the prefixed run's, so relative positions change
    int[] uneven = new int[content.numRows];
    for (int i = 1; i < uneven.length; i++) {
      uneven[i] = i + 1;
    }
    List<Inspection.Row> rows = new ArrayList<>();
    RopeShift.compare(m, t, p, uneven, rows);
    assertFalse(rows.stream().allMatch(Inspection.Row::holds), "an uneven shift was not caught: " + rows);
  }

  @Test
  @DisplayName("dynamic NTK: CONJ-3 holds within the trained length; past it the rows are CONJ-9's and fail")
  void dynamicNtk() {
    FastModel m = HfModel.load(Path.of("src/test/resources/hf", "llama-dynamic"));
    DMatrixRMaj content = m.embed(new int[] {3, 1, 4, 1, 5, 9, 2});
    List<Inspection.Row> within = RopeShift.check(m, content, 1, 7);
    assertTrue(within.stream().allMatch(r -> r.claim().equals("CONJ-3") && r.holds()), within.toString());
    List<Inspection.Row> past = RopeShift.check(m, content, 4, 7);
    assertTrue(past.stream().allMatch(r -> r.claim().equals("CONJ-9")), past.toString());
    double worst = past.stream().mapToDouble(Inspection.Row::maxRatio).max().orElseThrow();
    System.out.printf("llama-dynamic, 4 + 7 positions (trained 8): largest CONJ-9 err/tol %.3g, %d of %d rows differ%n",
        worst, past.stream().filter(r -> !r.holds()).count(), past.size());
    assertFalse(past.stream().allMatch(Inspection.Row::holds));
    // the LIM rows compare runs at the same length, so they hold past the trained length too
    assertTrue(Inspection.run(m, content, 4, 7).stream().filter(r -> r.claim().startsWith("LIM"))
        .allMatch(Inspection.Row::holds));
  }
}
