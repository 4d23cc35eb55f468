package io.prefixproof.train;

import io.prefixproof.model.Prefix;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * E5 (PAPER.md §6): on the {@link MixFamily} model, one residual prefix per task, each trained alone on its task
 * in front of the frozen model: the four pretraining tasks, their composition ascending-then-add-1, and the count
 * task the model never saw. The companion repository's {@code minGPT/03_script.py} trains 10-position prefixes
 * drawn from N(0, 1) at learning rate 5·10⁻⁵, 20,000 steps for each pretraining task and 500,000 for the
 * composition and the count task, and tests on 3,200 examples.
 */
public final class E5Recipe {
  private E5Recipe() {}

  /** The tasks a prefix is trained for, in the repository's order. */
  public static final List<Task> TASKS = List.of(Task.ASCENDING, Task.DESCENDING, Task.ADD1, Task.ADD2,
      Task.ASCENDING_ADD1, Task.COUNT);

  /**
   * E5's settings.
   *
   * @param family the shared pretraining
   * @param prefix prefix positions
   * @param pretrainedTaskSteps prefix-tuning steps for each of the four pretraining tasks
   * @param newTaskSteps prefix-tuning steps for the composition and the count task
   * @param lr the prefixes' learning rate
   * @param tests test examples per accuracy
   */
  public record Settings(MixFamily.Settings family, int prefix, int pretrainedTaskSteps, int newTaskSteps, double lr,
      int tests) {
    public static Settings of(Experiments.Scale scale) {
      return switch (scale) {
        case PAPER -> new Settings(MixFamily.Settings.of(scale), 10, 20_000, 500_000, 5e-5, 3_200);
        case SMALL -> new Settings(MixFamily.Settings.of(scale), 10, 100, 400, 1e-2, 300);
      };
    }

    /** Prefix-tuning steps for {@code task}. */
    public int steps(Task task) {
      return MixFamily.PRETRAINING.contains(task) ? pretrainedTaskSteps : newTaskSteps;
    }
  }

  /**
   * E5's outcome.
   *
   * @param settings the settings
   * @param shape the model's shape
   * @param pretrained the pretrained model's accuracy on each task (no prefix)
   * @param prefixTuned per task, the accuracy of that task's prefix on it
   * @param pretrainedWeights the pretrained weights
   * @param prefixes the trained prefixes by task key
   * @param finalLoss the last step's loss of each phase
   * @param seconds the seconds of each phase
   */
  public record Result(Settings settings, Gpt shape, Map<String, Double> pretrained, Map<String, Double> prefixTuned,
      Weights pretrainedWeights, Map<String, TrainPrefix> prefixes, Map<String, Double> finalLoss,
      Map<String, Double> seconds) {}

  /** Runs E5; {@code from} names a pretrained checkpoint to reuse, or null to pretrain. */
  public static Result run(Experiments.Scale scale, long seed, Path from, Experiments.Progress progress) {
    return run(Settings.of(scale), seed, from, progress);
  }

  /** Runs E5 with the given settings. */
  public static Result run(Settings s, long seed, Path from, Experiments.Progress progress) {
    Map<String, Double> loss = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    Weights pre = MixFamily.pretrained(s.family(), from, seed, progress, seconds, loss);
    Gpt g = pre.shape();
    Map<String, TrainPrefix> prefixes = new LinkedHashMap<>();
    for (int i = 0; i < TASKS.size(); i++) {
      Task task = TASKS.get(i);
      TrainPrefix prefix = TrainPrefix.random(g, Prefix.Kind.RESIDUAL, s.prefix(), 1.0, seed + 10 + 2 * i);
      String phase = "prefix " + task.key();
      loss.put(phase, Experiments.run(progress, phase, seconds, Tuning.prefix(pre, prefix),
          new Data(Data.Split.TRAIN, List.of(task), 0), MixFamily.PADDING,
          new Trainer.Settings(s.steps(task), 64, s.lr(), 0, seed + 11 + 2 * i)));
      prefixes.put(task.key(), prefix);
    }
    long t0 = System.nanoTime();
    Map<String, Double> pretrainedAcc = Experiments.accuracies(pre, TrainPrefix.none(), TASKS, MixFamily.PADDING,
        s.tests(), seed);
    Map<String, Double> tuned = new LinkedHashMap<>();
    for (Task task : TASKS) {
      tuned.putAll(Experiments.accuracies(pre, prefixes.get(task.key()), List.of(task), MixFamily.PADDING, s.tests(),
          seed));
    }
    seconds.put("evaluate", (System.nanoTime() - t0) / 1e9);
    return new Result(s, g, pretrainedAcc, tuned, pre, prefixes, loss, seconds);
  }
}
