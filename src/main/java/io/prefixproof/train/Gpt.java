package io.prefixproof.train;

import io.prefixproof.model.Architecture;
import io.prefixproof.model.ScoreScale;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * The shape of a minGPT decoder (the companion repository's {@code minGPT/mingpt/model.py}): token and
 * learned position embeddings, pre-LayerNorm blocks of causal multi-head attention with biases and a tanh-GELU
 * MLP of width 4d, a final LayerNorm and an unembedding without bias. Scores are scaled by
 * {@code 1/√(d/H)}; LayerNorm ε is 10⁻⁵ (PyTorch's default).
 *
 * @param vocab tokens 0..vocab−1
 * @param context the most positions a sequence may have (minGPT's block size)
 * @param layers blocks
 * @param heads heads per block; d must be a multiple
 * @param dModel the residual width d
 * @param attentionNorm false: no LayerNorm before attention (the companion code's {@code skip_layer_norm}, used in
 *     E4), the MLP's and the final LayerNorm stay
 */
public record Gpt(int vocab, int context, int layers, int heads, int dModel, boolean attentionNorm) {

  /** A shape with every LayerNorm of minGPT. */
  public Gpt(int vocab, int context, int layers, int heads, int dModel) {
    this(vocab, context, layers, heads, dModel, true);
  }

  public Gpt {
    if (vocab < 1 || context < 1 || layers < 1 || heads < 1 || dModel < 1 || dModel % heads != 0) {
      throw new IllegalArgumentException("a minGPT shape needs positive sizes and heads dividing d, got vocab " + vocab
          + ", context " + context + ", layers " + layers + ", heads " + heads + ", d " + dModel);
    }
  }

  /** The per-head width d/H. */
  public int dHead() {
    return dModel / heads;
  }

  /** The MLP's hidden width 4d. */
  public int hidden() {
    return 4 * dModel;
  }

  /** The score scale 1/√(d/H) as a double (the value both engines use). */
  public double scale() {
    return 1.0 / Math.sqrt(dHead());
  }

  /** LayerNorm's ε. */
  public static final double NORM_EPS = 1e-5;

  /**
   * The project's architecture of this shape. The score scale is the exact rational value of the double
   * {@link #scale()}, so the double engine multiplies by the very same number.
   */
  public Architecture architecture() {
    return Architecture.builder(dModel)
        .vocab(vocab)
        .layers(layers)
        .heads(heads)
        .dHead(dHead())
        .dValue(dHead())
        .mlp(hidden(), Architecture.Activation.GELU)
        .norm(Architecture.NormKind.LAYER, true)
        .attentionNorm(attentionNorm)
        .normEps(new BigFraction(NORM_EPS))
        .attnBiases(true)
        .mask(Architecture.Mask.CAUSAL)
        .positions(Architecture.PositionKind.LEARNED)
        .maxContext(context)
        .scale(ScoreScale.fixed(new BigFraction(scale())))
        .build();
  }
}
