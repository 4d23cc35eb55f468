package io.prefixproof.fast;

import io.prefixproof.model.Architecture;
import java.util.function.IntFunction;
import org.ejml.data.DMatrixRMaj;

/** Block-by-block models for tests that plant a defect in one part. */
public final class Layerwises {
  private Layerwises() {}

  /** {@code base} with block l given by {@code layer} (for example another block, or another architecture). */
  public static Layerwise withLayers(Layerwise base, IntFunction<FastModel> layer) {
    return new Layerwise() {
      @Override
      public Architecture arch() {
        return base.arch();
      }

      @Override
      public DMatrixRMaj embed(int[] tokens) {
        return base.embed(tokens);
      }

      @Override
      public DMatrixRMaj enter(DMatrixRMaj content) {
        return base.enter(content);
      }

      @Override
      public FastModel layer(int l) {
        return layer.apply(l);
      }

      @Override
      public DMatrixRMaj logits(DMatrixRMaj x) {
        return base.logits(x);
      }
    };
  }
}
