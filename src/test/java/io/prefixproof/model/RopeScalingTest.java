package io.prefixproof.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The length-dependent RoPE schemes, run in Dfp(40), against values worked out by hand from their published
 * formulas (HF transformers' rope_utils, the YaRN paper, Qwen's logn attention) and evaluated in double: the
 * expected side carries a few roundings of {@code Math.cos/sin/log/pow} (each within 1 ulp), so agreement is
 * required to 1e-15 relative (about 5 ulp) plus 1e-16 absolute for values near 0.
 */
class RopeScalingTest {

  static final Arith<Dfp> DFP = Arith.dfp(40);

  /** The rotated row e_{2m} of width k at position {@code pos} in a sequence of {@code length} positions. */
  static Mat<Dfp> rotateUnit(RopeScaling r, int k, int m, int pos, int length, boolean query) {
    int[] positions = new int[length];
    for (int i = 0; i < length; i++) {
      positions[i] = i;
    }
    Mat<Dfp> x = Mat.of(DFP.field(), length, k, (i, j) -> j == 2 * m ? DFP.one() : DFP.zero());
    return r.apply(DFP, x, positions, query).row(pos);
  }

  /** Each test computes its tables afresh, so that it checks the formulas and not a memo of earlier runs. */
  @BeforeEach
  void forgetTables() {
    RopeScaling.clearTables();
  }

  static void assertClose(double expected, Dfp actual) {
    assertEquals(expected, actual.toDouble(), 1e-16 + Math.abs(expected) * 1e-15);
  }

  @Test
  @DisplayName("the tolerance rejects a value 1e-14 (relative) away")
  void toleranceCatchesSmallError() {
    Dfp c = DFP.ofDouble(Math.cos(0.005));
    assertThrows(org.opentest4j.AssertionFailedError.class,
        () -> assertClose(Math.cos(0.005) * (1 + 1e-14), c));
  }

  @Test
  @DisplayName("dynamic NTK, k = 4, factor 2, L = 3 > L_train = 2: base' = 10000·2^2, so θ_1 = 1/200 (was 1/100)")
  void dynamicNtk() {
    RopeScaling r = RopeScaling.of(RopeScaling.Kind.DYNAMIC_NTK, 2, new BigFraction(2));
    Mat<Dfp> past = rotateUnit(r, 4, 1, 1, 3, false);
    assertClose(Math.cos(0.005), past.get(0, 2));
    assertClose(Math.sin(0.005), past.get(0, 3));
    Mat<Dfp> within = rotateUnit(r, 4, 1, 1, 2, false);
    assertClose(Math.cos(0.01), within.get(0, 2));
    Mat<Dfp> pair0 = rotateUnit(r, 4, 0, 1, 3, false);
    assertClose(Math.cos(1), pair0.get(0, 0));
  }

  @Test
  @DisplayName("dynamic YaRN, k = 2, L = 3, L_train = 2: s = 3/2, pair 0 kept, queries and keys times 1 + 0.1 ln 1.5")
  void dynamicYarn() {
    RopeScaling r = RopeScaling.of(RopeScaling.Kind.DYNAMIC_YARN, 2, BigFraction.ONE);
    double mscale = 1 + 0.1 * Math.log(1.5);
    Mat<Dfp> key = rotateUnit(r, 2, 0, 1, 3, false);
    assertClose(mscale * Math.cos(1), key.get(0, 0));
    assertClose(mscale * Math.sin(1), key.get(0, 1));
    assertClose(Math.cos(1), rotateUnit(r, 2, 0, 1, 2, true).get(0, 0));
  }

  @Test
  @DisplayName("static YaRN as Qwen2.5 configures it (k 128, base 1e6, L_train 32768, factor 4): pairs <= 23 kept,"
      + " >= 40 divided by 4, linear in between")
  void staticYarnRamp() {
    RopeScaling r = new RopeScaling(RopeScaling.Kind.YARN, new BigFraction(1000000), 32768, new BigFraction(4));
    double mscale = 1 + 0.1 * Math.log(4);
    for (int m : new int[] {0, 23, 30, 40, 63}) {
      double theta = Math.pow(1e6, -2.0 * m / 128);
      double ramp = Math.min(1, Math.max(0, (m - 23) / 17.0));
      double expected = theta * (ramp / 4 + 1 - ramp);
      Mat<Dfp> row = rotateUnit(r, 128, m, 1, 2, true);
      assertClose(mscale * Math.cos(expected), row.get(0, 2 * m));
      assertClose(mscale * Math.sin(expected), row.get(0, 2 * m + 1));
    }
  }

  @Test
  @DisplayName("log-length: the query at 0-based position 2 with L_train 2 is scaled by log_2 3; keys and earlier"
      + " queries not")
  void logLength() {
    RopeScaling r = RopeScaling.of(RopeScaling.Kind.LOGN, 2, BigFraction.ONE);
    assertClose(Math.log(3) / Math.log(2) * Math.cos(2), rotateUnit(r, 2, 0, 2, 3, true).get(0, 0));
    assertClose(Math.log(3) / Math.log(2) * Math.sin(2), rotateUnit(r, 2, 0, 2, 3, true).get(0, 1));
    assertClose(Math.cos(2), rotateUnit(r, 2, 0, 2, 3, false).get(0, 0));
    assertClose(Math.sin(2), rotateUnit(r, 2, 0, 2, 3, false).get(0, 1));
    assertClose(Math.cos(1), rotateUnit(r, 2, 0, 1, 3, true).get(0, 0));
  }

  @Test
  @DisplayName("bad configurations are refused with a message naming the field: no RoPE, L_train < 2, factor < 1,"
      + " dynamic NTK at d_head 2 (accepted at 4), and the double engine")
  void badConfigurations() {
    RopeScaling logn = RopeScaling.of(RopeScaling.Kind.LOGN, 2, BigFraction.ONE);
    IllegalArgumentException noRope = assertThrows(IllegalArgumentException.class,
        () -> Architecture.builder(2).ropeScaling(logn).build());
    assertTrue(noRope.getMessage().contains("positions=ROPE"), noRope.getMessage());
    IllegalArgumentException context = assertThrows(IllegalArgumentException.class,
        () -> RopeScaling.of(RopeScaling.Kind.LOGN, 1, BigFraction.ONE));
    assertTrue(context.getMessage().contains("trained context"), context.getMessage());
    IllegalArgumentException factor = assertThrows(IllegalArgumentException.class,
        () -> RopeScaling.of(RopeScaling.Kind.YARN, 4, new BigFraction(1, 2)));
    assertTrue(factor.getMessage().contains("factor"), factor.getMessage());
    RopeScaling ntk = RopeScaling.of(RopeScaling.Kind.DYNAMIC_NTK, 4, BigFraction.ONE);
    IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class, () -> Architecture.builder(2)
        .positions(Architecture.PositionKind.ROPE).ropeScaling(ntk).build());
    assertEquals("dynamic NTK RoPE needs dHead > 2 (its exponent is k/(k-2)), got 2", narrow.getMessage());
    assertEquals(ntk, Architecture.builder(4).positions(Architecture.PositionKind.ROPE).ropeScaling(ntk).build()
        .ropeScaling());
    Architecture a = Architecture.builder(2).positions(Architecture.PositionKind.ROPE).ropeScaling(logn).build();
    IllegalArgumentException fast = assertThrows(IllegalArgumentException.class,
        () -> new io.prefixproof.fast.FastModel(a, java.util.Map.of()));
    assertTrue(fast.getMessage().contains("length-dependent RoPE"), fast.getMessage());
  }

  @Test
  @DisplayName("a general row (1, 2) is rotated as a pair: (cos 1 − 2 sin 1, sin 1 + 2 cos 1) at position 1")
  void rotatesBothCoordinatesOfAPair() {
    // log-length with L_train 2 leaves positions 0 and 1 unscaled: plain RoPE with θ_0 = 1
    RopeScaling r = RopeScaling.of(RopeScaling.Kind.LOGN, 2, BigFraction.ONE);
    Mat<Dfp> x = Mat.of(DFP.field(), 2, 2, (i, j) -> DFP.of(j + 1));
    Mat<Dfp> y = r.apply(DFP, x, new int[] {0, 1}, false);
    assertClose(1, y.get(0, 0));
    assertClose(2, y.get(0, 1));
    assertClose(Math.cos(1) - 2 * Math.sin(1), y.get(1, 0));
    assertClose(Math.sin(1) + 2 * Math.cos(1), y.get(1, 1));
  }

  @Test
  @DisplayName("dynamic NTK, k = 6, factor 3, L = 5 > L_train = 4: α = 3·5/4 − 2 = 7/4, base' = 10000·α^(3/2)")
  void dynamicNtkExponent() {
    RopeScaling r = RopeScaling.of(RopeScaling.Kind.DYNAMIC_NTK, 4, new BigFraction(3));
    double base = 10000 * Math.pow(1.75, 1.5);
    for (int m = 0; m < 3; m++) {
      double theta = Math.pow(base, -2.0 * m / 6);
      Mat<Dfp> row = rotateUnit(r, 6, m, 4, 5, true);
      assertClose(Math.cos(4 * theta), row.get(0, 2 * m));
      assertClose(Math.sin(4 * theta), row.get(0, 2 * m + 1));
    }
  }

  @Test
  @DisplayName("static YaRN, base 10, L_train 512, k 8, factor 2: low ⌊1.62⌋ = 1, high min(⌈7.64⌉, k − 1) = 7,"
      + " ramp (0, 0, 1/6, 1/3)")
  void staticYarnClampedHigh() {
    // dim(r) = 8·ln(512/(2πr))/(2 ln 10): dim(32) = 1.62, dim(1) = 7.64
    RopeScaling r = new RopeScaling(RopeScaling.Kind.YARN, new BigFraction(10), 512, new BigFraction(2));
    double mscale = 1 + 0.1 * Math.log(2);
    double[] ramp = {0, 0, 1.0 / 6, 1.0 / 3};
    for (int m = 0; m < 4; m++) {
      double theta = Math.pow(10, -m / 4.0) * (ramp[m] / 2 + 1 - ramp[m]);
      Mat<Dfp> row = rotateUnit(r, 8, m, 3, 4, false);
      assertClose(mscale * Math.cos(3 * theta), row.get(0, 2 * m));
      assertClose(mscale * Math.sin(3 * theta), row.get(0, 2 * m + 1));
    }
  }

  @Test
  @DisplayName("dynamic YaRN, k = 4, L_train 2, L = 3: low = high = 0, so the ramp's width is 1/1000 and pair 1 is"
      + " divided by s = 3/2; below L_train nothing is scaled")
  void dynamicYarnEqualCorrectionDimensions() {
    // dim(32) = 4·ln(2/(64π))/(2 ln 10^4) = −1.00 and dim(1) = −0.25: floor clamped to 0, ceil 0
    RopeScaling r = RopeScaling.of(RopeScaling.Kind.DYNAMIC_YARN, 2, BigFraction.ONE);
    double mscale = 1 + 0.1 * Math.log(1.5);
    Mat<Dfp> row = rotateUnit(r, 4, 1, 2, 3, true);
    assertClose(mscale * Math.cos(2 * 0.01 / 1.5), row.get(0, 2));
    assertClose(mscale * Math.sin(2 * 0.01 / 1.5), row.get(0, 3));
    assertClose(mscale * Math.cos(2), rotateUnit(r, 4, 0, 2, 3, true).get(0, 0));
    Mat<Dfp> within = rotateUnit(r, 4, 1, 1, 2, false);
    assertClose(Math.cos(0.01), within.get(0, 2));
    assertClose(Math.sin(0.01), within.get(0, 3));
  }

  @Test
  @DisplayName("the tables are remembered per (scheme, arithmetic, k, L): a second call returns the same rows")
  void tablesAreRemembered() {
    RopeScaling r = RopeScaling.of(RopeScaling.Kind.DYNAMIC_NTK, 2, new BigFraction(2));
    assertEquals(rotateUnit(r, 4, 1, 2, 3, true), rotateUnit(r, 4, 1, 2, 3, true));
    RopeScaling.clearTables();
    assertClose(Math.cos(0.01), rotateUnit(r, 4, 1, 2, 3, true).get(0, 2));
  }

  @Test
  @DisplayName("names, the rotation-weight kind, base 1 refused and base 11/10 accepted, null fields, wrong mode")
  void contract() {
    assertEquals("none", RopeScaling.none().toString());
    assertTrue(RopeScaling.none().usesRotationWeights());
    assertEquals("DYNAMIC_NTK(base=10000, L_train=4, factor=3)",
        RopeScaling.of(RopeScaling.Kind.DYNAMIC_NTK, 4, new BigFraction(3)).toString());
    assertEquals("YARN(base=10, L_train=512, factor=2)",
        new RopeScaling(RopeScaling.Kind.YARN, new BigFraction(10), 512, new BigFraction(2)).toString());
    RopeScaling logn = RopeScaling.of(RopeScaling.Kind.LOGN, 8, BigFraction.ONE);
    assertEquals("LOGN(base=10000, L_train=8)", logn.toString());
    assertEquals("DYNAMIC_YARN(base=10000, L_train=2)",
        RopeScaling.of(RopeScaling.Kind.DYNAMIC_YARN, 2, BigFraction.ONE).toString());
    assertFalse(logn.usesRotationWeights());
    IllegalArgumentException base = assertThrows(IllegalArgumentException.class,
        () -> new RopeScaling(RopeScaling.Kind.LOGN, BigFraction.ONE, 8, BigFraction.ONE));
    assertEquals("rope scaling base must exceed 1, got 1", base.getMessage());
    assertEquals(new BigFraction(11, 10),
        new RopeScaling(RopeScaling.Kind.LOGN, new BigFraction(11, 10), 2, BigFraction.ONE).base());
    assertThrows(IllegalArgumentException.class, () -> new RopeScaling(null, BigFraction.TWO, 2, BigFraction.ONE));
    assertThrows(IllegalArgumentException.class,
        () -> new RopeScaling(RopeScaling.Kind.LOGN, null, 2, BigFraction.ONE));
    assertThrows(IllegalArgumentException.class, () -> new RopeScaling(RopeScaling.Kind.LOGN, BigFraction.TWO, 2, null));
    Mat<Dfp> x = Mat.of(DFP.field(), 1, 2, (i, j) -> DFP.one());
    assertThrows(IllegalStateException.class, () -> RopeScaling.none().apply(DFP, x, new int[] {0}, true));
    Mat<BigFraction> exact = Mat.ofInts(1, new int[][] {{1, 0}});
    ArithmeticException mode = assertThrows(ArithmeticException.class,
        () -> logn.apply(Arith.exact(), exact, new int[] {0}, true));
    assertTrue(mode.getMessage().startsWith("exact mode cannot compute LOGN RoPE"), mode.getMessage());
  }
}
