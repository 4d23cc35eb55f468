package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.model.Architecture;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A score that overflows a double is refused with the head, query and key named, on both paths of {@link
 * FastModel#head}: the vector path (keys in position order or a bidirectional mask), where the row is scaled in
 * vectors and searched for the offending entry only when its maximum or minimum is not finite, and the scalar
 * path (keys out of position order under a causal mask), which checks every score; a row with no keys has
 * extremes −∞ and +∞ and is searched without reading an entry. The model is the d = 1
 * all-ones model with σ = 1, so a score is the product q·k, and the expected positions are read off by hand.
 */
class ScoreOverflowTest {

  /** Keys 1, 2 and 10^10; a query of 10^300 scores 10^300 and 2·10^300 (finite) and 10^310 (above MAX_VALUE). */
  private static final double[] KEYS = {1, 2, 1e10};

  private static ArithmeticException refused(Architecture.Mask mask, int[] kPos, double second) {
    FastModel m = FastModelUnitsTest.scalar(mask);
    DMatrixRMaj keys = FastModelUnitsTest.column(KEYS);
    return assertThrows(ArithmeticException.class, () -> m.head(0, FastModelUnitsTest.column(1, second), keys, keys,
        new int[] {2, 2}, kPos, 3));
  }

  @Test
  @DisplayName("vector path: +∞ and −∞ at query 1, key 2 are refused and named (the row's first query is finite)")
  void vectorPath() throws InterruptedException {
    // the vector path runs once the warm-up has handed the kernels over; the refusal is checked either way
    GemmTest.awaitVectorKernels();
    for (Architecture.Mask mask : Architecture.Mask.values()) {
      for (double q : new double[] {1e300, -1e300}) {
        // query 0 scores 1, 2, 10^10; query 1 scores ±10^300, ±2·10^300, ±∞: the entry at key 2 is the only
        // infinite one, and entries at row offsets 3 − j (a wrong index) are all finite
        ArithmeticException e = refused(mask, new int[] {0, 1, 2}, q);
        assertTrue(e.getMessage().contains("score " + (q > 0 ? "Infinity" : "-Infinity") + " at head 0, query 1,"
            + " key 2 is not finite"), mask + ", q = " + q + ": " + e.getMessage());
      }
    }
  }

  @Test
  @DisplayName("scalar path (keys out of position order, causal): ±∞ at query 1, key 2 are refused and named")
  void scalarPath() {
    for (double q : new double[] {1e300, -1e300}) {
      ArithmeticException e = refused(Architecture.Mask.CAUSAL, new int[] {2, 0, 1}, q);
      assertTrue(e.getMessage().contains("at head 0, query 1, key 2 is not finite"), e.getMessage());
    }
  }

  @Test
  @DisplayName("no keys at all: each row's maximum is −∞ and minimum +∞, yet nothing overflows; the output is 0")
  void noKeysIsNoOverflow() throws InterruptedException {
    GemmTest.awaitVectorKernels();
    FastModel m = FastModelUnitsTest.scalar(Architecture.Mask.CAUSAL);
    DMatrixRMaj none = new DMatrixRMaj(0, 1);
    // the search for a non-finite score runs because the extremes of the empty row are not finite; it must read no
    // entry (there is none: the score matrix is 2 × 0)
    FastModel.Head h = m.head(0, FastModelUnitsTest.column(1, 2), none, none, new int[] {0, 1}, new int[0], 2);
    assertEquals(0, h.weights().getNumElements());
    assertArrayEquals(new double[] {0, 0}, h.out().data);
    assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, h.spread());
  }

  @Test
  @DisplayName("the largest finite scores pass: 10^300 and 2·10^300 shift to weights e^(−10^300) = 0 and 1")
  void largestFiniteScoresPass() throws InterruptedException {
    GemmTest.awaitVectorKernels();
    FastModel m = FastModelUnitsTest.scalar(Architecture.Mask.BIDIRECTIONAL);
    DMatrixRMaj keys = FastModelUnitsTest.column(1, 2);
    FastModel.Head h = m.head(0, FastModelUnitsTest.column(1e300), keys, keys, new int[] {1}, new int[] {0, 1}, 2);
    assertArrayEquals(new double[] {0, 1}, h.weights().data);
    assertEquals(1e300, h.spread()[0]);
  }
}
