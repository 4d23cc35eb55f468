package io.prefixproof.model;

import org.apache.commons.math3.fraction.BigFraction;

/**
 * The shape and semantics of a transformer, independent of its weights and arithmetic. Rows are
 * positions; a layer is {@code x ← x + Attn(N1(x))} then {@code x ← x + MLP(N2(x))} (pre-norm; without
 * residual the sums are replaced by the sub-block outputs).
 *
 * @param vocab token vocabulary size (0: vector inputs only, no embedding or unembedding)
 * @param dModel width of the residual stream d
 * @param layers number of blocks
 * @param heads attention heads per block
 * @param dHead query/key width k per head
 * @param dValue value width k_v per head
 * @param mlpHidden MLP hidden width (0: no MLP sub-block)
 * @param activation MLP nonlinearity φ
 * @param norm norm before each sub-block
 * @param finalNorm a norm of the same kind before the unembedding
 * @param normEps ε of LayerNorm / RMSNorm
 * @param postNorm false: pre-norm blocks (GPT, LLaMA); true: post-norm blocks (BERT),
 *     {@code x ← N1(x + Attn(x))}, {@code x ← N2(x + MLP(x))}
 * @param attnBiases whether the heads carry b_Q, b_K, b_V and the layer b_O
 * @param mask causal or bidirectional
 * @param positions position scheme
 * @param maxContext the most positions (prefix included) the model accepts
 * @param scale the score scale σ
 * @param residual whether sub-blocks add to the stream (true) or replace it
 * @param ropeScaling length-dependent RoPE (CONJ-9); {@link RopeScaling#none()} for the rotation weights
 * @param attentionNorm false: a pre-norm block feeds its stream to attention unnormalised (the companion code's
 *     {@code skip_layer_norm}, PAPER.md §6 E4); the MLP's norm and the final norm stay
 */
public record Architecture(
    int vocab,
    int dModel,
    int layers,
    int heads,
    int dHead,
    int dValue,
    int mlpHidden,
    Activation activation,
    NormKind norm,
    boolean finalNorm,
    BigFraction normEps,
    boolean postNorm,
    boolean attnBiases,
    Mask mask,
    PositionKind positions,
    int maxContext,
    ScoreScale scale,
    boolean residual,
    RopeScaling ropeScaling,
    boolean attentionNorm) {

  /** Attention mask: which keys a query sees. */
  public enum Mask {
    /** Query at position i sees keys at positions ≤ i (prefix positions come first, so always seen). */
    CAUSAL,
    /** Every query sees every key. */
    BIDIRECTIONAL
  }

  /** Where positional information enters. */
  public enum PositionKind {
    NONE,
    /** A learned row {@code P[pos]} added to the layer-1 input. */
    LEARNED,
    /** Rotary embedding of queries and keys, pair m rotated by {@code pos·θ_m}. */
    ROPE,
    /** {@code −slope_h · distance(i, j)} added to scores. */
    ALIBI
  }

  /** Norm applied to each position before a sub-block. */
  public enum NormKind {
    NONE,
    /** {@code g ⊙ (x − μ)/√(var + ε) + b}; real modes only. */
    LAYER,
    /** {@code g ⊙ x/√(mean(x²) + ε)}; real modes only. */
    RMS,
    /** Exact stand-in for LayerNorm: {@code g ⊙ (x − μ)/(1 + mean|x − μ|) + b}; acts per position. */
    RATIONAL_LAYER,
    /** Exact stand-in for RMSNorm: {@code g ⊙ x/(1 + mean|x|)}; acts per position. */
    RATIONAL_RMS;

    public boolean hasBias() {
      return this == LAYER || this == RATIONAL_LAYER;
    }
  }

  /** MLP nonlinearity. */
  public enum Activation {
    RELU,
    /** tanh approximation {@code x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)))} (GPT-2). */
    GELU,
    /** exact {@code x/2 (1 + erf(x/√2))} (BERT). */
    GELU_ERF,
    /**
     * Gated: the hidden row is {@code silu(x W_gᵀ) ⊙ (x W_1ᵀ + c_1)} with {@code silu(u) = u/(1 + κ(−u))}
     * (LLaMA, Mistral, Qwen2; κ = exp in the real modes, the rational kernel in exact mode).
     */
    SWIGLU
  }

  public Architecture {
    requirePositive("dModel", dModel);
    requirePositive("layers", layers);
    requirePositive("heads", heads);
    requirePositive("dHead", dHead);
    requirePositive("dValue", dValue);
    requirePositive("maxContext", maxContext);
    if (vocab < 0 || mlpHidden < 0) {
      throw new IllegalArgumentException(
          "vocab and mlpHidden must be non-negative, got " + vocab + " and " + mlpHidden);
    }
    if (positions == PositionKind.ROPE && dHead % 2 != 0) {
      throw new IllegalArgumentException("RoPE needs an even head dimension, got dHead=" + dHead);
    }
    if (normEps == null || normEps.compareTo(BigFraction.ZERO) < 0) {
      throw new IllegalArgumentException("normEps must be non-negative, got " + normEps);
    }
    if (activation == null || norm == null || mask == null || positions == null || scale == null
        || ropeScaling == null) {
      throw new IllegalArgumentException("architecture fields must not be null");
    }
    if (!ropeScaling.usesRotationWeights() && positions != PositionKind.ROPE) {
      throw new IllegalArgumentException("rope scaling " + ropeScaling + " needs positions=ROPE, got " + positions);
    }
    if (ropeScaling.kind() == RopeScaling.Kind.DYNAMIC_NTK && dHead <= 2) {
      throw new IllegalArgumentException("dynamic NTK RoPE needs dHead > 2 (its exponent is k/(k-2)), got " + dHead);
    }
    if (!attentionNorm && (norm == NormKind.NONE || postNorm)) {
      throw new IllegalArgumentException("skipping the attention norm needs pre-norm blocks with a norm, got norm="
          + norm + (postNorm ? " post-norm" : ""));
    }
  }

  /** Whether attention reads {@code N1(x)} rather than the stream x itself: pre-norm blocks with an attention norm. */
  public boolean normsAttentionInput() {
    return norm != NormKind.NONE && !postNorm && attentionNorm;
  }

  private static void requirePositive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  /** A builder starting from a 1-layer, 1-head, attention-only, causal model without positions. */
  public static Builder builder(int dModel) {
    return new Builder(dModel);
  }

  /** This architecture as a builder, to change a few fields. */
  public Builder toBuilder() {
    Builder b = new Builder(dModel);
    b.vocab = vocab;
    b.layers = layers;
    b.heads = heads;
    b.dHead = dHead;
    b.dValue = dValue;
    b.mlpHidden = mlpHidden;
    b.activation = activation;
    b.norm = norm;
    b.finalNorm = finalNorm;
    b.normEps = normEps;
    b.postNorm = postNorm;
    b.attnBiases = attnBiases;
    b.mask = mask;
    b.positions = positions;
    b.maxContext = maxContext;
    b.scale = scale;
    b.residual = residual;
    b.ropeScaling = ropeScaling;
    b.attentionNorm = attentionNorm;
    return b;
  }

  /** One line: {@code L2 H2 d4 k2 kv2 mlp0 causal NONE norm=NONE σ=1 residual}. */
  public String summary() {
    return "L"
        + layers
        + " H"
        + heads
        + " d"
        + dModel
        + " k"
        + dHead
        + " kv"
        + dValue
        + " mlp"
        + mlpHidden
        + (mlpHidden > 0 ? "/" + activation : "")
        + " V"
        + vocab
        + " "
        + mask.name().toLowerCase()
        + " pos="
        + positions
        + " norm="
        + (postNorm && norm != NormKind.NONE ? "post-" : "")
        + norm
        + (finalNorm ? "+final" : "")
        + (attnBiases ? " biases" : "")
        + " scale="
        + scale
        + (residual ? " residual" : " no-residual")
        + " ctx="
        + maxContext
        + (ropeScaling.usesRotationWeights() ? "" : " rope=" + ropeScaling)
        + (attentionNorm ? "" : " no-attention-norm");
  }

  /** Mutable builder of {@link Architecture}. */
  public static final class Builder {
    private final int dModel;
    private int vocab = 0;
    private int layers = 1;
    private int heads = 1;
    private int dHead;
    private int dValue;
    private int mlpHidden = 0;
    private Activation activation = Activation.RELU;
    private NormKind norm = NormKind.NONE;
    private boolean finalNorm = false;
    private BigFraction normEps = new BigFraction(1, 100000);
    private boolean postNorm = false;
    private boolean attnBiases = false;
    private Mask mask = Mask.CAUSAL;
    private PositionKind positions = PositionKind.NONE;
    private int maxContext = 64;
    private ScoreScale scale = ScoreScale.fixed(BigFraction.ONE);
    private boolean residual = true;
    private RopeScaling ropeScaling = RopeScaling.none();
    private boolean attentionNorm = true;

    private Builder(int dModel) {
      this.dModel = dModel;
      this.dHead = dModel;
      this.dValue = dModel;
    }

    public Builder vocab(int v) {
      vocab = v;
      return this;
    }

    public Builder layers(int v) {
      layers = v;
      return this;
    }

    public Builder heads(int v) {
      heads = v;
      return this;
    }

    public Builder dHead(int v) {
      dHead = v;
      return this;
    }

    public Builder dValue(int v) {
      dValue = v;
      return this;
    }

    public Builder mlp(int hidden, Activation a) {
      mlpHidden = hidden;
      activation = a;
      return this;
    }

    public Builder norm(NormKind n, boolean withFinal) {
      norm = n;
      finalNorm = withFinal;
      return this;
    }

    /** Post-norm blocks (BERT) instead of pre-norm (GPT). */
    public Builder postNorm(boolean v) {
      postNorm = v;
      return this;
    }

    public Builder normEps(BigFraction e) {
      normEps = e;
      return this;
    }

    public Builder attnBiases(boolean v) {
      attnBiases = v;
      return this;
    }

    public Builder mask(Mask m) {
      mask = m;
      return this;
    }

    public Builder positions(PositionKind p) {
      positions = p;
      return this;
    }

    public Builder maxContext(int v) {
      maxContext = v;
      return this;
    }

    public Builder scale(ScoreScale s) {
      scale = s;
      return this;
    }

    public Builder residual(boolean v) {
      residual = v;
      return this;
    }

    /** Length-dependent RoPE (needs positions ROPE). */
    public Builder ropeScaling(RopeScaling v) {
      ropeScaling = v;
      return this;
    }

    /** False: attention reads the stream unnormalised in pre-norm blocks (minGPT's {@code skip_layer_norm}). */
    public Builder attentionNorm(boolean v) {
      attentionNorm = v;
      return this;
    }

    public Architecture build() {
      return new Architecture(
          vocab, dModel, layers, heads, dHead, dValue, mlpHidden, activation, norm, finalNorm, normEps, postNorm,
          attnBiases, mask, positions, maxContext, scale, residual, ropeScaling, attentionNorm);
    }
  }
}
