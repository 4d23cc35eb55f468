package io.prefixproof.fast;

import io.prefixproof.model.Architecture;
import org.ejml.data.DMatrixRMaj;

/**
 * A decoder read one block at a time, for weights that do not fit in memory as doubles (a 7B checkpoint
 * holds 54 GB of them): block l is decoded when asked for, as the only block of a {@link FastModel}, and
 * released with it. Positions are rotary, learned (added to the content rows as they enter block 0,
 * {@link #enter}) or absent.
 */
public interface Layerwise {
  /** The whole model's architecture. */
  Architecture arch();

  /** Rows {@code E[t]} of the embedding for the given tokens. */
  DMatrixRMaj embed(int[] tokens);

  /**
   * The input of block 0 for content rows at positions 0 … n − 1: the rows themselves, or with learned
   * positions {@code x_i + P[i]} (what the whole model's prefix-free run adds).
   */
  default DMatrixRMaj enter(DMatrixRMaj content) {
    return content;
  }

  /** Block l as block 0 of a one-block model without vocabulary or final norm, its weights decoded now. */
  FastModel layer(int l);

  /** The logits of a last-block output: the final norm, then {@code x Uᵀ}. */
  DMatrixRMaj logits(DMatrixRMaj x);

  /**
   * The one-block architecture of {@link #layer}: block 0 of {@code a}, no vocabulary, no final norm, and no
   * learned positions (added by {@link #enter}).
   */
  static Architecture oneBlock(Architecture a) {
    Architecture.Builder b = a.toBuilder().layers(1).vocab(0).norm(a.norm(), false);
    if (a.positions() == Architecture.PositionKind.LEARNED) {
      b.positions(Architecture.PositionKind.NONE);
    }
    return b.build();
  }

  /** The prefix-free forward pass on {@code tokens}, block by block: logits, positions × vocabulary. */
  default DMatrixRMaj logits(int[] tokens) {
    DMatrixRMaj x = enter(embed(tokens));
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
