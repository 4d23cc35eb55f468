package io.prefixproof.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
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
    assertClose(Math.cos(2), rotateUnit(r, 2, 0, 2, 3, false).get(0, 0));
    assertClose(Math.cos(1), rotateUnit(r, 2, 0, 1, 3, true).get(0, 0));
  }

  @Test
  @DisplayName("bad configurations are refused with a message naming the field: no RoPE, L_train < 2, factor < 1,"
      + " and the double engine")
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
    Architecture a = Architecture.builder(2).positions(Architecture.PositionKind.ROPE).ropeScaling(logn).build();
    IllegalArgumentException fast = assertThrows(IllegalArgumentException.class,
        () -> new io.prefixproof.fast.FastModel(a, java.util.Map.of()));
    assertTrue(fast.getMessage().contains("length-dependent RoPE"), fast.getMessage());
  }
}
