package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prefixproof.model.Architecture;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link FastModel#headOfScaledScores}, which only the benchmark workloads called: its shape check, and softmax and
 * outputs of scores placed in the buffers beforehand, with the buffers reused by a head of shorter reach, and rows
 * whose keys are out of position order (the scalar path): their spread, and a masked key scoring far above the
 * visible one. Expected values by hand: equal scores give equal weights, 1/2 each (exact in doubles), a causal row 0
 * sees key 0 only, the spread of scores 3 and 1 is 2, and a row with one visible key gives it weight 1.
 */
class HeadOfScaledScoresTest {

  private static final int[] POS = {0, 1};

  @Test
  @DisplayName("buffers of the wrong shape are refused with their shapes named")
  void wrongBuffersRefused() {
    FastModel m = FastModelUnitsTest.scalar(Architecture.Mask.BIDIRECTIONAL);
    DMatrixRMaj two = FastModelUnitsTest.column(1, 2);
    FastModel.Mask mask = FastModel.mask(Architecture.Mask.BIDIRECTIONAL, POS, POS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.headOfScaledScores(0, two, two, two, mask, POS, POS, FastModel.HeadBuffers.of(2, 3, 1)));
    assertEquals("head buffers of 2x3 scores and 2x1 outputs for 2 queries, 2 keys and values 1 wide", e.getMessage());
  }

  @Test
  @DisplayName("zero scores: weights 1/2 and outputs (2 + 4)/2 = 3; reused for a causal head, row 0 weighs key 1 by 0")
  void scoresInTheBuffersAndReuse() {
    FastModel m = FastModelUnitsTest.scalar(Architecture.Mask.BIDIRECTIONAL);
    DMatrixRMaj q = FastModelUnitsTest.column(1, 1);
    DMatrixRMaj v = FastModelUnitsTest.column(2, 4);
    FastModel.HeadBuffers into = FastModel.HeadBuffers.of(2, 2, 1);
    FastModel.Head all = m.headOfScaledScores(0, q, q, v, FastModel.mask(Architecture.Mask.BIDIRECTIONAL, POS, POS),
        POS, POS, into);
    assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5}, all.weights().data);
    assertArrayEquals(new double[] {3, 3}, all.out().data);
    // the same buffers (scores still 0) under a causal mask: row 0 sees key 0 alone, row 1 both
    FastModel.Head causal = m.headOfScaledScores(0, q, q, v, FastModel.mask(Architecture.Mask.CAUSAL, POS, POS),
        POS, POS, into);
    assertArrayEquals(new double[] {1, 0, 0.5, 0.5}, causal.weights().data);
    assertArrayEquals(new double[] {2, 3}, causal.out().data);
  }

  @Test
  @DisplayName("keys out of position order (scalar path): scores 3 and 1 give the spread 3 − 1 = 2")
  void spreadOnTheScalarPath() {
    FastModel m = FastModelUnitsTest.scalar(Architecture.Mask.CAUSAL);
    FastModel.HeadBuffers into = FastModel.HeadBuffers.of(1, 2, 1);
    System.arraycopy(new double[] {3, 1}, 0, into.scores().data, 0, 2);
    // query at 1, keys at 1 and 0: both visible, out of order, so the row has no contiguous reach
    FastModel.Head h = m.headOfScaledScores(0, FastModelUnitsTest.column(1), FastModelUnitsTest.column(1, 1),
        FastModelUnitsTest.column(2, 4), FastModel.mask(Architecture.Mask.CAUSAL, new int[] {1}, new int[] {1, 0}),
        new int[] {1}, new int[] {1, 0}, into);
    assertArrayEquals(new double[] {2}, h.spread());
  }

  @Test
  @DisplayName("a masked key scoring 1000 above the visible one does not enter the softmax: weights 0 and 1")
  void maskedKeyFarAbove() throws InterruptedException {
    // with the vector kernels in use, a row without a contiguous reach must still take the scalar path
    GemmTest.awaitVectorKernels();
    FastModel m = FastModelUnitsTest.scalar(Architecture.Mask.CAUSAL);
    FastModel.HeadBuffers into = FastModel.HeadBuffers.of(1, 2, 1);
    System.arraycopy(new double[] {1000, 0}, 0, into.scores().data, 0, 2);
    // query at 0, keys at 2 (masked) and 0 (visible)
    int[] kPos = {2, 0};
    FastModel.Head h = m.headOfScaledScores(0, FastModelUnitsTest.column(1), FastModelUnitsTest.column(1, 1),
        FastModelUnitsTest.column(2, 4), FastModel.mask(Architecture.Mask.CAUSAL, new int[] {0}, kPos), new int[] {0},
        kPos, into);
    assertArrayEquals(new double[] {0, 1}, h.weights().data);
    assertArrayEquals(new double[] {4}, h.out().data);
  }
}
