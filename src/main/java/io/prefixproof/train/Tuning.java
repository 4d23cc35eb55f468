package io.prefixproof.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a training run changes, and the loss it minimises: minGPT's mean cross-entropy over every counted
 * position of a batch. Three kinds: all weights (pretraining, full fine-tuning), a prefix or soft prompt in
 * front of frozen weights, LoRA factors on frozen weights.
 */
public final class Tuning {

  /** What is trained. */
  public enum Kind {
    WEIGHTS,
    PREFIX,
    LORA
  }

  /**
   * PyTorch's AdamW default weight decay, which the companion code's prefix trainer keeps (it builds its optimiser
   * without a {@code weight_decay}); used for prefixes and LoRA factors.
   */
  public static final double TORCH_DEFAULT_DECAY = 0.01;
  /** minGPT's weight decay on the linear layers' weights. */
  public static final double MINGPT_DECAY = 0.1;

  private final Kind kind;
  private final Weights weights;
  private final TrainPrefix prefix;
  private final LoraFactors lora;

  private Tuning(Kind kind, Weights weights, TrainPrefix prefix, LoraFactors lora) {
    this.kind = kind;
    this.weights = weights;
    this.prefix = prefix;
    this.lora = lora;
  }

  /** Every weight trained (no prefix). */
  public static Tuning weights(Weights w) {
    return new Tuning(Kind.WEIGHTS, w, TrainPrefix.none(), null);
  }

  /** Only {@code prefix} trained; {@code frozen} unchanged. */
  public static Tuning prefix(Weights frozen, TrainPrefix prefix) {
    return new Tuning(Kind.PREFIX, frozen, prefix, null);
  }

  /** Only the LoRA factors trained; {@code frozen} unchanged. */
  public static Tuning lora(Weights frozen, LoraFactors lora) {
    return new Tuning(Kind.LORA, frozen, TrainPrefix.none(), lora);
  }

  public Kind kind() {
    return kind;
  }

  public Weights weights() {
    return weights;
  }

  public TrainPrefix prefix() {
    return prefix;
  }

  /** The weights the forward pass uses (LoRA applied). */
  public Weights effectiveWeights() {
    return kind == Kind.LORA ? lora.apply(weights) : weights;
  }

  /** The trained arrays by name (live: the optimiser writes them). */
  public Map<String, double[]> parameters() {
    return switch (kind) {
      case WEIGHTS -> weights.all();
      case PREFIX -> prefix.values();
      case LORA -> lora.values();
    };
  }

  /** AdamW's decoupled weight decay for one trained array. */
  public double weightDecay(String name) {
    return switch (kind) {
      case WEIGHTS -> Weights.decays(name) ? MINGPT_DECAY : 0;
      case PREFIX, LORA -> TORCH_DEFAULT_DECAY;
    };
  }

  /** Zero arrays shaped like {@link #parameters()}. */
  public Map<String, double[]> zeroGradients() {
    return zerosLike(parameters());
  }

  static Map<String, double[]> zerosLike(Map<String, double[]> m) {
    Map<String, double[]> z = new LinkedHashMap<>();
    m.forEach((k, v) -> z.put(k, new double[v.length]));
    return z;
  }

  /**
   * The batch's mean loss over its counted positions; writes its gradient with respect to {@link #parameters()}
   * into {@code grads} (zeroed first). Sequences run one after another in order, so the sums are the same
   * for the same inputs on every run.
   */
  public double lossAndGradients(List<Sequence> batch, double dropout, SplittableRandom rnd,
      Map<String, double[]> grads) {
    grads.values().forEach(a -> java.util.Arrays.fill(a, 0));
    int count = batch.stream().mapToInt(Sequence::counted).sum();
    if (count == 0) {
      throw new IllegalArgumentException("the batch has no counted position");
    }
    Weights eff = effectiveWeights();
    Map<String, double[]> weightGrads = switch (kind) {
      case WEIGHTS -> grads;
      case PREFIX -> null;
      case LORA -> zerosLike(eff.all());
    };
    Map<String, double[]> prefixGrads = kind == Kind.PREFIX ? grads : null;
    // the two halves of the batch run as two passes on two threads, each with its own dropout generator split off
    // in order and its own gradient sums, added in a fixed order: the same numbers for any scheduling
    int half = (batch.size() + 1) / 2;
    List<List<Sequence>> parts = batch.size() > 1 ? List.of(batch.subList(0, half), batch.subList(half,
        batch.size())) : List.of(batch);
    SplittableRandom[] rnds = new SplittableRandom[parts.size()];
    for (int i = 0; i < rnds.length; i++) {
      rnds[i] = dropout > 0 ? rnd.split() : null;
    }
    Map<String, double[]> secondW = weightGrads == null ? null : zerosLike(weightGrads);
    Map<String, double[]> secondP = prefixGrads == null ? null : zerosLike(prefixGrads);
    double[] losses = new double[2];
    java.util.stream.IntStream.range(0, parts.size()).parallel().forEach(part -> {
      List<Sequence> seqs = parts.get(part);
      losses[part] = new Pass(eff, prefix, seqs.stream().map(Sequence::tokens).toArray(int[][]::new), dropout,
          rnds[part]).loss(seqs.stream().map(Sequence::targets).toArray(int[][]::new), 1.0 / count,
          part == 0 ? weightGrads : secondW, part == 0 ? prefixGrads : secondP);
    });
    addInto(weightGrads, secondW);
    addInto(prefixGrads, secondP);
    double loss = losses[0] + losses[1];
    if (kind == Kind.LORA) {
      lora.chain(weights, weightGrads, grads);
    }
    return loss / count;
  }

  private static void addInto(Map<String, double[]> sum, Map<String, double[]> part) {
    if (sum != null) {
      sum.forEach((k, a) -> {
        double[] b = part.get(k);
        for (int i = 0; i < a.length; i++) {
          a[i] += b[i];
        }
      });
    }
  }

  /** The mean loss alone (no dropout; the sequences must have one length). */
  public double loss(List<Sequence> batch) {
    int count = batch.stream().mapToInt(Sequence::counted).sum();
    Weights eff = effectiveWeights();
    return new Pass(eff, prefix, batch.stream().map(Sequence::tokens).toArray(int[][]::new), 0, null)
        .loss(batch.stream().map(Sequence::targets).toArray(int[][]::new), 0, null, null) / count;
  }
}
