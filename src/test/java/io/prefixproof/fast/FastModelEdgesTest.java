package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.RopeScaling;
import io.prefixproof.model.Trace;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.util.Decimal64;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Paths of the double engine that {@link FastModelUnitsTest}'s seven architectures do not take: rotations
 * recomputed per sequence length (dynamic NTK), a weight too large for the transpose cache, a mask of the
 * wrong shape and a head with no queries.
 */
class FastModelEdgesTest {

  @Test
  @DisplayName("dynamic NTK RoPE past its trained length: every intermediate agrees with the reference pass")
  void dynamicNtkAgreesWithReference() {
    // trained length 2, key/value prefix 2 and content 3: positions 2..4, so the base is rescaled at length 5
    Architecture a = Architecture.builder(4).heads(2).dHead(4).dValue(2).layers(2)
        .positions(Architecture.PositionKind.ROPE)
        .ropeScaling(RopeScaling.of(RopeScaling.Kind.DYNAMIC_NTK, 2, new BigFraction(2))).maxContext(8).build();
    SplittableRandom r = new SplittableRandom(61);
    Model<Decimal64> model = FastModelUnitsTest.model(a, r);
    Prefix<Decimal64> prefix = FastModelUnitsTest.prefix(Prefix.Kind.KEY_VALUE, a, r, 2);
    Content<Decimal64> content = Content.vectors(FastModelUnitsTest.random(r, 3, a.dModel()));
    Trace<Decimal64> ref = Forward.run(model, prefix, content);
    FastModel.Trace got = FastModel.of(model).run(FastModelUnitsTest.DBL, prefix, content);
    double[] es = FastModelUnitsTest.compare(ref, got);
    double tol = FastModelUnitsTest.tolerance(a, ref.head(0, 0).keys().rows(), es[1]);
    assertTrue(es[0] <= tol, "|fast − reference| = " + es[0] + " > " + tol);
  }

  @Test
  @DisplayName("a weight above the transpose cache's 2^20 entries: x Wᵀ equals Gemm.multTransB's, double for double,"
      + " also in a decoded block that keeps its transpose")
  void largeWeightTimesTransposed() {
    // d = 1024 and an MLP of 1025: W_1 has 1025 · 1024 > 2^20 entries
    Architecture a = Architecture.builder(1024).dHead(1).dValue(1).mlp(1025, Architecture.Activation.RELU)
        .maxContext(4).build();
    Map<String, DMatrixRMaj> params = new LinkedHashMap<>();
    Model.shapes(a).forEach((name, s) -> {
      DMatrixRMaj w = new DMatrixRMaj(s[0], s[1]);
      for (int i = 0; i < w.data.length; i++) {
        w.data[i] = ((i * 7 + name.length()) % 17) / 16.0 - 0.5;
      }
      params.put(name, w);
    });
    FastModel m = new FastModel(a, params);
    DMatrixRMaj w1 = m.param(Names.w1(0));
    assertTrue(w1.getNumElements() > FastModel.TRANSPOSE_CACHE_ENTRIES);
    DMatrixRMaj x = new DMatrixRMaj(2, 1024);
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = ((i * 5) % 13) / 8.0 - 0.75;
    }
    DMatrixRMaj expected = new DMatrixRMaj(2, 1025);
    Gemm.multTransB(x, w1, expected);
    DMatrixRMaj got = new DMatrixRMaj(2, 1025);
    m.timesTransposed(x, Names.w1(0), got);
    assertArrayEquals(expected.data, got.data);
    assertTrue(expected.get(1, 3) != 0);
    // a block decoded by the layer-wise reader keeps every transpose, the large one too: the same doubles
    FastModel block = FastModel.ofDecodedBlock(a, params);
    for (int run = 0; run < 2; run++) {
      DMatrixRMaj again = new DMatrixRMaj(2, 1025);
      block.timesTransposed(x, Names.w1(0), again);
      assertArrayEquals(expected.data, again.data, "decoded block, product " + run);
    }
  }

  @Test
  @DisplayName("a mask made for other keys is refused; a head with no queries gives empty outputs")
  void maskShapes() {
    FastModel m = FastModelUnitsTest.scalar(Architecture.Mask.CAUSAL);
    DMatrixRMaj keys = FastModelUnitsTest.column(1, 2, 3);
    FastModel.Mask forTwoKeys = FastModel.mask(Architecture.Mask.CAUSAL, new int[] {2}, new int[] {0, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.head(0,
        FastModelUnitsTest.column(1), keys, keys, forTwoKeys, new int[] {2}, new int[] {0, 1, 2}, 3));
    assertTrue(e.getMessage().contains("mask of 1 queries for 1 queries and 3 keys"), e.getMessage());
    FastModel.Head none = m.head(0, new DMatrixRMaj(0, 1), keys, keys, new int[0], new int[] {0, 1, 2}, 3);
    assertEquals(0, none.out().numRows);
    assertEquals(0, none.weights().numRows);
  }
}
