package io.prefixproof.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The pretrained model E5 and E6 share (PAPER.md §6): a minGPT decoder pretrained with dropout on the uniform mix
 * of ascending and descending sort, add 1 and add 2 ({@code minGPT/03_script.py} and
 * {@code 04_prefix_tuning_vs_lora.ipynb} of the companion repository: 4 layers, 4 heads, d = 256, 40,000 steps at
 * learning rate 5·10⁻⁴, batch 64). Without a prefix the model cannot tell which of the four tasks is meant; a
 * prefix (E5) or a LoRA (E6) selects or changes the skill.
 *
 * <p>Every sequence starts with {@link #PADDING} zeros, room for E6's 12-position prefix; E5's 10-position
 * prefixes take the place of the first 10 (as the repository's prefix replaces the first rows of its padded
 * sequence), so the input keeps the positions it was pretrained at. The repository pretrains twice, with 10 zeros
 * for E5 and 12 for E6; here one pretraining serves both.
 */
public final class MixFamily {
  private MixFamily() {}

  /** The pretraining tasks, drawn uniformly. */
  public static final List<Task> PRETRAINING = List.of(Task.ASCENDING, Task.DESCENDING, Task.ADD1, Task.ADD2);

  /** Zero tokens in front of every pretraining sequence, the longest prefix of the family (E6's). */
  public static final int PADDING = 12;

  /** Name of the pretrained checkpoint ({@code NAME.json} and {@code NAME.safetensors}) in an output folder. */
  public static final String CHECKPOINT = "mix-pretrained";

  /**
   * The shared pretraining's settings.
   *
   * @param layers blocks
   * @param heads heads per block
   * @param dModel width
   * @param iterations pretraining steps (batch 64, dropout 0.1)
   * @param lr learning rate
   */
  public record Settings(int layers, int heads, int dModel, int iterations, double lr) {
    /** The published shape and schedule, or a reduced one that fits minutes on two cores. */
    public static Settings of(Experiments.Scale scale) {
      return switch (scale) {
        case PAPER -> new Settings(4, 4, 256, 40_000, 5e-4);
        case SMALL -> new Settings(2, 4, 64, 2_000, 2e-3);
      };
    }

    /** The model's shape: vocabulary 0..10, context for {@link #PADDING} zeros, input and output. */
    public Gpt shape() {
      return new Gpt(Data.VOCAB, Data.context(PADDING), layers, heads, dModel);
    }
  }

  /**
   * The pretrained weights: read from {@code from} (a checkpoint of this shape, such as an earlier run's
   * {@code DIR/mix-pretrained.json}) or, when {@code from} is null, pretrained here with {@code seed}; the phase's
   * seconds and final loss are recorded under {@code "pretrain"}.
   */
  public static Weights pretrained(Settings s, Path from, long seed, Experiments.Progress progress,
      Map<String, Double> seconds, Map<String, Double> loss) {
    if (from != null) {
      return Checkpoint.read(from, s.shape());
    }
    Weights w = Weights.init(s.shape(), seed);
    loss.put("pretrain", Experiments.run(progress, "pretrain", seconds, Tuning.weights(w),
        new Data(Data.Split.TRAIN, PRETRAINING, 0), PADDING,
        new Trainer.Settings(s.iterations(), 64, s.lr(), 0.1, seed + 1)));
    return w;
  }
}
