package io.prefixproof.train;

import io.prefixproof.model.Prefix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's trained experiments (PAPER.md §6) as recipes: shapes, iteration counts and learning rates of the
 * companion repository's notebooks at {@code paper} scale, and a reduced setting at {@code small} scale chosen
 * to finish in minutes on two cores.
 */
public final class Experiments {
  private Experiments() {}

  /** Reduced or published settings. */
  public enum Scale {
    SMALL,
    PAPER
  }

  /** Called with the phase's name before each phase, then after each step. */
  public interface Progress {
    void phase(String name, int iterations);

    void step(int iteration, int iterations, double loss);
  }

  /**
   * E3's settings: width, iterations of pretraining, full fine-tuning and prefix-tuning, learning rate, test
   * examples per accuracy. The paper's come from {@code minGPT/01_cannot_learn_new_task.ipynb}: d = 96,
   * 20,000 / 10,000 / 40,000 iterations at learning rate 5·10⁻⁴, 3,200 test examples.
   */
  public record E3Settings(int dModel, int pretrain, int finetune, int prefixTune, double lr, int tests) {
    public static E3Settings of(Scale scale) {
      return switch (scale) {
        case PAPER -> new E3Settings(96, 20_000, 10_000, 40_000, 5e-4, 3_200);
        case SMALL -> new E3Settings(32, 2_000, 500, 500, 2e-3, 500);
      };
    }
  }

  /**
   * E3's outcome: per model the accuracy on each task, the trained weights and prefix, the final losses and
   * the seconds each phase took.
   */
  public record E3Result(E3Settings settings, Gpt shape, Map<String, Double> pretrained, Map<String, Double> finetuned,
      Map<String, Double> prefixTuned, Weights pretrainedWeights, Weights finetunedWeights, TrainPrefix prefix,
      Map<String, Double> finalLoss, Map<String, Double> seconds) {}

  /** Number of zero tokens (pretraining) or prefix positions (prefix-tuning) in front of the input in E3. */
  public static final int E3_PREFIX = 1;

  /**
   * E3: a 1-layer, 1-head model pretrained on ascending sort; a copy fully fine-tuned on descending sort; a
   * one-position residual prefix (the repository's form, drawn from N(0, 1)) trained on descending sort in
   * front of the frozen pretrained model. Dropout 0.1 when weights train, none for the prefix.
   */
  public static E3Result e3(Scale scale, long seed, Progress progress) {
    E3Settings s = E3Settings.of(scale);
    Gpt g = new Gpt(Data.VOCAB, Data.context(E3_PREFIX), 1, 1, s.dModel());
    List<Task> both = List.of(Task.ASCENDING, Task.DESCENDING);
    Map<String, Double> loss = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();

    Weights pre = Weights.init(g, seed);
    loss.put("pretrain", run(progress, "pretrain ascending", seconds, Tuning.weights(pre), Task.ASCENDING,
        new Trainer.Settings(s.pretrain(), 64, s.lr(), 0.1, seed + 1)));
    Weights ft = pre.copy();
    loss.put("finetune", run(progress, "fine-tune descending", seconds, Tuning.weights(ft), Task.DESCENDING,
        new Trainer.Settings(s.finetune(), 64, s.lr(), 0.1, seed + 2)));
    TrainPrefix prefix = TrainPrefix.random(g, Prefix.Kind.RESIDUAL, E3_PREFIX, 1.0, seed + 3);
    loss.put("prefix", run(progress, "prefix-tune descending", seconds, Tuning.prefix(pre, prefix), Task.DESCENDING,
        new Trainer.Settings(s.prefixTune(), 64, s.lr(), 0, seed + 4)));

    long t0 = System.nanoTime();
    E3Result r = new E3Result(s, g, accuracies(pre, TrainPrefix.none(), both, s.tests(), seed),
        accuracies(ft, TrainPrefix.none(), both, s.tests(), seed), accuracies(pre, prefix, both, s.tests(), seed),
        pre, ft, prefix, loss, seconds);
    seconds.put("evaluate", (System.nanoTime() - t0) / 1e9);
    return r;
  }

  private static double run(Progress progress, String name, Map<String, Double> seconds, Tuning t, Task task,
      Trainer.Settings s) {
    return run(progress, name, seconds, t, new Data(Data.Split.TRAIN, List.of(task), 0), E3_PREFIX, s);
  }

  /**
   * One training phase named {@code name}: trains {@code t} on {@code data} with {@code padding} leading positions,
   * reports progress, records its seconds under {@code name} and returns the last step's loss.
   */
  static double run(Progress progress, String name, Map<String, Double> seconds, Tuning t, Data data, int padding,
      Trainer.Settings s) {
    long t0 = System.nanoTime();
    if (progress != null) {
      progress.phase(name, s.iterations());
    }
    double[] losses = Trainer.train(t, data, padding, s,
        progress == null ? null : progress::step);
    seconds.put(name, (System.nanoTime() - t0) / 1e9);
    return losses[losses.length - 1];
  }

  /** Test accuracy on each task, keyed by {@link Task#key()}. */
  public static Map<String, Double> accuracies(Weights w, TrainPrefix prefix, List<Task> tasks, int n, long seed) {
    return accuracies(w, prefix, tasks, E3_PREFIX, n, seed);
  }

  /** Test accuracy on each task with {@code padding} leading positions, keyed by {@link Task#key()}. */
  public static Map<String, Double> accuracies(Weights w, TrainPrefix prefix, List<Task> tasks, int padding, int n,
      long seed) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Task t : tasks) {
      out.put(t.key(), Trainer.accuracy(w, prefix, new Data(Data.Split.TEST, List.of(t), 0), padding, n, seed));
    }
    return out;
  }
}
