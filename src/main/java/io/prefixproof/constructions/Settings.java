package io.prefixproof.constructions;

import io.prefixproof.model.Architecture;
import io.prefixproof.model.ScoreScale;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * The knobs of a Section 3 construction (PAPER.md §5): vocabulary V, length N (positions), inverse
 * temperature T, the score-scale convention and the mask.
 *
 * @param vocab V, the number of token values c ∈ [0, V)
 * @param length N, the number of positions (and of generated tokens for CAP-2)
 * @param temperature T
 * @param notebookScale true: σ = T/√n with n the positions in the sequence (the companion notebook);
 *     false: σ = T whatever the length
 * @param causal whether to use a causal mask (the notebook has none)
 */
public record Settings(int vocab, int length, BigFraction temperature, boolean notebookScale, boolean causal) {

  public Settings {
    if (vocab < 1) {
      throw new IllegalArgumentException("vocabulary size must be at least 1, got " + vocab);
    }
    if (length < 1) {
      throw new IllegalArgumentException("length must be at least 1, got " + length);
    }
    if (temperature == null) {
      throw new IllegalArgumentException("temperature must be given");
    }
  }

  ScoreScale scale() {
    return notebookScale ? new ScoreScale.PerSequence(temperature) : ScoreScale.fixed(temperature);
  }

  Architecture.Mask mask() {
    return causal ? Architecture.Mask.CAUSAL : Architecture.Mask.BIDIRECTIONAL;
  }
}
