package io.prefixproof.train;

import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * E6 (PAPER.md §6): on the {@link MixFamily} model and the count task, a rank-1 LoRA against a residual prefix with
 * the same number of parameters. The companion repository's {@code minGPT/04_prefix_tuning_vs_lora.ipynb} and
 * {@code LoRATrainer} put rank-1 LoRA (minlora, α = 1) on every module named {@code c_proj} or {@code c_fc}: the
 * attention output W_O and both MLP matrices of every layer, trained 10,000 steps at learning rate 5·10⁻³; the
 * 12-position prefix trains 100,000 steps at 5·10⁻⁵. A rank-1 LoRA on an out × in matrix has out + in parameters,
 * so per layer (d + d) + (4d + d) + (d + 4d) = 12d, the same as 12 prefix rows of width d: 12,288 at 4 layers and
 * d = 256, and equal at every width and depth.
 */
public final class E6Recipe {
  private E6Recipe() {}

  /** The adapted weights of every layer: W_O, the MLP's W_1 and W_2 (the repository's c_proj and c_fc). */
  public static List<String> loraTargets(Gpt g) {
    List<String> t = new ArrayList<>();
    for (int l = 0; l < g.layers(); l++) {
      t.add(Names.wo(l));
      t.add(Names.w1(l));
      t.add(Names.w2(l));
    }
    return t;
  }

  /**
   * E6's settings.
   *
   * @param family the shared pretraining
   * @param prefix prefix positions
   * @param prefixSteps prefix-tuning steps
   * @param prefixLr the prefix's learning rate
   * @param loraSteps LoRA steps
   * @param loraLr the LoRA's learning rate
   * @param rank LoRA rank
   * @param alpha LoRA α (the update is (α/r)·B A)
   * @param tests test examples per accuracy
   */
  public record Settings(MixFamily.Settings family, int prefix, int prefixSteps, double prefixLr, int loraSteps,
      double loraLr, int rank, double alpha, int tests) {
    public static Settings of(Experiments.Scale scale) {
      return switch (scale) {
        case PAPER -> new Settings(MixFamily.Settings.of(scale), 12, 100_000, 5e-5, 10_000, 5e-3, 1, 1.0, 3_200);
        case SMALL -> new Settings(MixFamily.Settings.of(scale), 12, 400, 1e-2, 400, 1e-2, 1, 1.0, 300);
      };
    }
  }

  /**
   * E6's outcome: accuracies on the count task of the pretrained model, the prefix and the LoRA, both
   * adaptations' parameter counts, the trained weights, prefix and factors, final losses and seconds.
   */
  public record Result(Settings settings, Gpt shape, double pretrained, double prefixTuned, double loraTuned,
      long prefixParameters, long loraParameters, Weights pretrainedWeights, TrainPrefix prefix, LoraFactors lora,
      Map<String, Double> finalLoss, Map<String, Double> seconds) {}

  /** Runs E6; {@code from} names a pretrained checkpoint to reuse, or null to pretrain. */
  public static Result run(Experiments.Scale scale, long seed, Path from, Experiments.Progress progress) {
    return run(Settings.of(scale), seed, from, progress);
  }

  /** Runs E6 with the given settings. */
  public static Result run(Settings s, long seed, Path from, Experiments.Progress progress) {
    Map<String, Double> loss = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    Weights pre = MixFamily.pretrained(s.family(), from, seed, progress, seconds, loss);
    Gpt g = pre.shape();
    Data count = new Data(Data.Split.TRAIN, List.of(Task.COUNT), 0);

    TrainPrefix prefix = TrainPrefix.random(g, Prefix.Kind.RESIDUAL, s.prefix(), 1.0, seed + 20);
    loss.put("prefix count", Experiments.run(progress, "prefix count", seconds, Tuning.prefix(pre, prefix), count,
        MixFamily.PADDING, new Trainer.Settings(s.prefixSteps(), 64, s.prefixLr(), 0, seed + 21)));
    LoraFactors lora = LoraFactors.init(pre, loraTargets(g), s.rank(), s.alpha(), seed + 22);
    loss.put("lora count", Experiments.run(progress, "lora count", seconds, Tuning.lora(pre, lora), count,
        MixFamily.PADDING, new Trainer.Settings(s.loraSteps(), 64, s.loraLr(), 0, seed + 23)));

    long t0 = System.nanoTime();
    List<Task> task = List.of(Task.COUNT);
    double before = Experiments.accuracies(pre, TrainPrefix.none(), task, MixFamily.PADDING, s.tests(), seed)
        .get(Task.COUNT.key());
    double withPrefix = Experiments.accuracies(pre, prefix, task, MixFamily.PADDING, s.tests(), seed)
        .get(Task.COUNT.key());
    double withLora = Experiments.accuracies(lora.apply(pre), TrainPrefix.none(), task, MixFamily.PADDING, s.tests(),
        seed).get(Task.COUNT.key());
    seconds.put("evaluate", (System.nanoTime() - t0) / 1e9);
    long loraCount = lora.values().values().stream().mapToLong(a -> a.length).sum();
    return new Result(s, g, before, withPrefix, withLora, prefix.count(), loraCount, pre, prefix, lora, loss, seconds);
  }
}
