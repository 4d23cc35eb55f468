package io.prefixproof.fast;

import io.prefixproof.model.Architecture;
import org.ejml.data.DMatrixRMaj;

/**
 * A decoder read one block at a time, for weights that do not fit in memory as doubles (a 7B checkpoint
 * holds 54 GB of them): block l is decoded when asked for, as the only block of a {@link FastModel}, and
 * released with it. Positions are rotary or absent (the content rows enter block 0 as they are).
 */
public interface Layerwise {
  /** The whole model's architecture. */
  Architecture arch();

  /** Rows {@code E[t]} of the embedding for the given tokens. */
  DMatrixRMaj embed(int[] tokens);

  /** Block l as block 0 of a one-block model without vocabulary or final norm, its weights decoded now. */
  FastModel layer(int l);

  /** The logits of a last-block output: the final norm, then {@code x Uᵀ}. */
  DMatrixRMaj logits(DMatrixRMaj x);

  /** The one-block architecture of {@link #layer}: block 0 of {@code a}, no vocabulary, no final norm. */
  static Architecture oneBlock(Architecture a) {
    return a.toBuilder().layers(1).vocab(0).norm(a.norm(), false).build();
  }

  /** The prefix-free forward pass on {@code tokens}, block by block: logits, positions × vocabulary. */
  default DMatrixRMaj logits(int[] tokens) {
    DMatrixRMaj x = embed(tokens);
    int[] positions = new int[tokens.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    for (int l = 0; l < arch().layers(); l++) {
      x = layer(l).layer(0, x, positions, null, null, new int[0], tokens.length).output();
    }
    return logits(x);
  }
}
