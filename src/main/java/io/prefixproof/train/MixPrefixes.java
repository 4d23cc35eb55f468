package io.prefixproof.train;

import io.prefixproof.model.Prefix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * E4 (PAPER.md §6): a one-layer, four-head model without the LayerNorm before attention, pretrained on the uniform
 * mix of ascending sort, descending sort, add1 and add2 (so from an input alone it cannot tell which task is
 * asked), then one one-position residual prefix per task in front of the frozen model; every prefix is tested on
 * every task. The companion notebook {@code minGPT/02_can_extract_pretrained_task.ipynb} fixes the published
 * settings: d = 256, {@code skip_layer_norm}, 20,000 pretraining steps at learning rate 5·10⁻⁴, 30,000 steps per
 * prefix at 5·10⁻⁵, 3,200 test examples.
 */
public final class MixPrefixes {
  private MixPrefixes() {}

  /** The pretraining tasks, in the order of the accuracy matrix's rows and columns. */
  public static final List<Task> TASKS = List.of(Task.ASCENDING, Task.DESCENDING, Task.ADD1, Task.ADD2);

  /**
   * Settings: width, heads, pretraining steps and learning rate, steps and learning rate per prefix, test examples
   * per accuracy.
   */
  public record Settings(int dModel, int heads, int pretrain, double pretrainLr, int prefixTune, double prefixLr,
      int tests) {

    public static Settings of(Experiments.Scale scale) {
      return switch (scale) {
        case PAPER -> new Settings(256, 4, 20_000, 5e-4, 30_000, 5e-5, 3_200);
        case SMALL -> new Settings(64, 4, 8_000, 2e-3, 1_000, 1e-2, 500);
      };
    }

    /** One layer, no LayerNorm before attention, one padding position (the prefix's place). */
    public Gpt shape() {
      return new Gpt(Data.VOCAB, Data.context(Experiments.E3_PREFIX), 1, heads, dModel, false);
    }
  }

  /**
   * E4's outcome: the pretrained model's accuracy per task, per prefix (keyed by the task it was trained on) the
   * accuracy on each task, the weights and prefixes, the final losses and the seconds of each phase.
   */
  public record Result(Settings settings, Gpt shape, Map<String, Double> pretrained,
      Map<String, Map<String, Double>> prefixTuned, Weights pretrainedWeights, Map<String, TrainPrefix> prefixes,
      Map<String, Double> finalLoss, Map<String, Double> seconds) {}

  /** The seed of the prefix for task i: drawn as {@code TrainPrefix.random(shape, RESIDUAL, 1, 1, prefixSeed)}. */
  public static long prefixSeed(long seed, int task) {
    return seed + 10 + task;
  }

  /**
   * The pretrained model: weights from {@code Weights.init(shape, seed)}, trained on the mix with dropout 0.1;
   * its final loss and seconds go under "pretrain". Shared by E4 and the E1 analogue.
   */
  public static Weights pretrain(Settings s, long seed, Experiments.Progress progress, Map<String, Double> loss,
      Map<String, Double> seconds) {
    Weights w = Weights.init(s.shape(), seed);
    loss.put("pretrain", Experiments.run(progress, "pretrain mix", seconds, Tuning.weights(w),
        new Data(Data.Split.TRAIN, TASKS, 0), Experiments.E3_PREFIX, new Trainer.Settings(s.pretrain(), 64, s.pretrainLr(), 0.1, seed + 1)));
    return w;
  }

  /** Runs E4 with the given settings. */
  public static Result run(Settings s, long seed, Experiments.Progress progress) {
    Map<String, Double> loss = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    Weights pre = pretrain(s, seed, progress, loss, seconds);
    Map<String, TrainPrefix> prefixes = new LinkedHashMap<>();
    for (int i = 0; i < TASKS.size(); i++) {
      Task task = TASKS.get(i);
      TrainPrefix prefix = TrainPrefix.random(s.shape(), Prefix.Kind.RESIDUAL, Experiments.E3_PREFIX, 1.0,
          prefixSeed(seed, i));
      loss.put("prefix " + task.key(), Experiments.run(progress, "prefix " + task.key(), seconds,
          Tuning.prefix(pre, prefix), new Data(Data.Split.TRAIN, List.of(task), 0), Experiments.E3_PREFIX,
          new Trainer.Settings(s.prefixTune(), 64, s.prefixLr(), 0,
              seed + 20 + i)));
      prefixes.put(task.key(), prefix);
    }
    long t0 = System.nanoTime();
    Map<String, Double> pretrained = Experiments.accuracies(pre, TrainPrefix.none(), TASKS, s.tests(), seed);
    Map<String, Map<String, Double>> tuned = new LinkedHashMap<>();
    prefixes.forEach((task, p) -> tuned.put(task, Experiments.accuracies(pre, p, TASKS, s.tests(), seed)));
    seconds.put("evaluate", (System.nanoTime() - t0) / 1e9);
    return new Result(s, s.shape(), pretrained, tuned, pre, prefixes, loss, seconds);
  }
}
