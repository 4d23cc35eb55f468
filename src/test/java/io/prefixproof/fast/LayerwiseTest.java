package io.prefixproof.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Layerwise}'s block-by-block pass against the whole model's own pass: a three-block decoder cut into
 * one-block models by renaming block l's weights to block 0's, whose logits must equal the whole model's
 * double for double (the same operations in the same order).
 */
class LayerwiseTest {

  static final int[] TOKENS = {3, 1, 4, 1, 5};

  /** Three blocks, two heads, LayerNorm before attention and MLP, no final norm, no positions. */
  static FastModel whole() {
    Architecture a = Architecture.builder(4).vocab(7).layers(3).heads(2).dHead(2).dValue(2)
        .mlp(6, Architecture.Activation.RELU).norm(Architecture.NormKind.LAYER, false)
        .mask(Architecture.Mask.CAUSAL).maxContext(8).build();
    return FastModel.of(FastModelUnitsTest.model(a, new SplittableRandom(17)));
  }

  /** {@code m} read block by block: block l is block 0 of a model built from l's weights. */
  static Layerwise blocks(FastModel m) {
    return new Layerwise() {
      @Override
      public Architecture arch() {
        return m.arch();
      }

      @Override
      public DMatrixRMaj embed(int[] tokens) {
        return m.embed(tokens);
      }

      @Override
      public FastModel layer(int l) {
        Architecture one = Layerwise.oneBlock(m.arch());
        Map<String, DMatrixRMaj> params = new LinkedHashMap<>();
        for (String name : Model.shapes(one).keySet()) {
          params.put(name, m.param("L" + l + name.substring(2)));
        }
        return new FastModel(one, params);
      }

      @Override
      public DMatrixRMaj logits(DMatrixRMaj x) {
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, m.arch().vocab());
        Gemm.multTransB(x, m.param(Names.UNEMBED), out);
        return out;
      }
    };
  }

  @Test
  @DisplayName("block by block, three blocks: the whole model's logits, double for double")
  void sameLogitsAsWholeModel() {
    FastModel m = whole();
    DMatrixRMaj expected = m.run(Prefix.Kind.NONE, 0, m.embed(TOKENS), null, null, null, null).logits();
    DMatrixRMaj got = blocks(m).logits(TOKENS);
    assertEquals(TOKENS.length, got.numRows);
    assertArrayEquals(expected.data, got.data);
  }

  @Test
  @DisplayName("the one-block architecture keeps block 0's shape and rotary positions, drops the vocabulary, the final"
      + " norm and learned positions")
  void oneBlockArchitecture() {
    Architecture a = whole().arch().toBuilder().norm(Architecture.NormKind.LAYER, true).build();
    Architecture one = Layerwise.oneBlock(a);
    assertEquals(1, one.layers());
    assertEquals(0, one.vocab());
    assertFalse(one.finalNorm());
    assertEquals(Architecture.NormKind.LAYER, one.norm());
    assertEquals(a.heads(), one.heads());
    assertEquals(a.mlpHidden(), one.mlpHidden());
    // learned positions are added as the rows enter block 0, so the block itself has none; rotary ones stay
    Architecture learned = a.toBuilder().positions(Architecture.PositionKind.LEARNED).build();
    assertEquals(Architecture.PositionKind.NONE, Layerwise.oneBlock(learned).positions());
    Architecture rope = a.toBuilder().positions(Architecture.PositionKind.ROPE).build();
    assertEquals(Architecture.PositionKind.ROPE, Layerwise.oneBlock(rope).positions());
  }

  @Test
  @DisplayName("planted: a pass that skips the last block gives other logits")
  void skippedBlockIsSeen() {
    FastModel m = whole();
    Layerwise all = blocks(m);
    Layerwise twoBlocks = new Layerwise() {
      @Override
      public Architecture arch() {
        return m.arch().toBuilder().layers(2).build();
      }

      @Override
      public DMatrixRMaj embed(int[] tokens) {
        return all.embed(tokens);
      }

      @Override
      public FastModel layer(int l) {
        return all.layer(l);
      }

      @Override
      public DMatrixRMaj logits(DMatrixRMaj x) {
        return all.logits(x);
      }
    };
    assertFalse(java.util.Arrays.equals(all.logits(TOKENS).data, twoBlocks.logits(TOKENS).data));
  }
}
