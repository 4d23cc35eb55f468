package io.prefixproof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.io.Safetensors;
import io.prefixproof.train.Checkpoint;
import io.prefixproof.train.E5Recipe;
import io.prefixproof.train.E6Recipe;
import io.prefixproof.train.Experiments;
import io.prefixproof.train.MixFamily;
import io.prefixproof.train.Task;
import io.prefixproof.train.Weights;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code reproduce E5} and {@code reproduce E6}: runs the recipe, prints the accuracies next to the paper's, writes
 * the pretrained checkpoint (which {@code --from DIR} reuses), the trained prefixes and LoRA as safetensors, and the
 * result as {@code prefixproof/reproduce-mix/1}.
 */
final class ReproduceFamily {
  private ReproduceFamily() {}

  /**
   * The published E5 accuracies (PAPER.md §6): the composition and the count task; the four pretraining tasks lie in
   * [0.996, 1].
   */
  static final Map<String, Double> PAPER_E5 = Map.of("ascending_add1", 0.7159, "count", 0.0062);
  /** The published E6 accuracies on the count task (PAPER.md §6; the notebook's pretrained model scores 0/3200). */
  static final Map<String, Double> PAPER_E6 = Map.of("pretrained", 0.0, "prefix_tuned", 0.0031, "lora_tuned", 0.9238);
  /** The parameter count the paper gives for both adaptations in E6. */
  static final int PAPER_E6_PARAMETERS = 12_288;

  /** Runs {@code experiment} (E5 or E6) and returns the exit code. */
  static int run(String experiment, Experiments.Scale scale, long seed, Path from, Path json, Path out,
      PrintStream text, Experiments.Progress progress) {
    Path fromConfig = from == null ? null : from.resolve(MixFamily.CHECKPOINT + ".json");
    if (fromConfig != null && !Files.isRegularFile(fromConfig)) {
      throw new IllegalArgumentException("--from: " + from + " holds no " + MixFamily.CHECKPOINT + ".json (the"
          + " pretrained checkpoint an E5 or E6 run writes into its --out folder)");
    }
    long t0 = System.nanoTime();
    ObjectMapper om = new ObjectMapper();
    ObjectNode o = om.createObjectNode();
    o.put("experiment", experiment);
    o.put("scale", scale.name().toLowerCase());
    o.put("seed", seed);
    o.put("padding", MixFamily.PADDING);
    if (experiment.equals("E5")) {
      e5(E5Recipe.run(scale, seed, fromConfig, progress), o, om, out, text);
    } else {
      e6(E6Recipe.run(scale, seed, fromConfig, progress), o, om, out, text);
    }
    o.put("pretrained_from", fromConfig == null ? "pretrained in this run" : fromConfig.toString());
    o.put("split", "test: inputs whose 64-bit mix of digits and split seed 0 is 0 mod 4 (a fixed quarter)");
    o.put("total_seconds", (System.nanoTime() - t0) / 1e9);
    text.printf("checkpoints in %s; %.0f s in all%n", out, o.get("total_seconds").asDouble());
    if (json != null) {
      JsonEnvelope.write(json, JsonEnvelope.of("reproduce-mix", 1, seed, null, o));
    }
    return 0;
  }

  static void e5(E5Recipe.Result r, ObjectNode o, ObjectMapper om, Path out, PrintStream text) {
    ReproduceCommand.trainedParameters(o, om, r.settings(), r.shape(), r.pretrainedWeights().count(),
        r.prefixes().values().iterator().next().count());
    o.set("pretrained", om.valueToTree(r.pretrained()));
    o.set("prefix_tuned", om.valueToTree(r.prefixTuned()));
    ObjectNode paper = o.putObject("paper");
    paper.set("prefix_tuned", om.valueToTree(new java.util.TreeMap<>(PAPER_E5)));
    paper.putArray("prefix_tuned_pretraining_tasks_range").add(0.996).add(1.0);
    o.set("final_loss", om.valueToTree(r.finalLoss()));
    o.set("seconds", om.valueToTree(r.seconds()));
    o.set("steps_per_second", om.valueToTree(stepsPerSecond(r.seconds(), name -> name.equals("pretrain")
        ? r.settings().family().iterations() : r.settings().steps(task(name.substring("prefix ".length()))))));
    ObjectNode ck = o.putObject("checkpoints");
    ck.put("pretrained", pretrainedCheckpoint(r.seconds(), r.pretrainedWeights(), out));
    ObjectNode pk = ck.putObject("prefixes");
    r.prefixes().forEach((task, p) -> pk.put(task, tensors(p.values(), p.length(), out, "e5-prefix-" + task)));

    text.printf("%-15s %10s %13s   %s%n", "task", "pretrained", "prefix-tuned", "paper (prefix-tuned)");
    for (Task t : E5Recipe.TASKS) {
      Double p = PAPER_E5.get(t.key());
      text.printf("%-15s %8.2f %% %11.2f %%   %s%n", t.key(), 100 * r.pretrained().get(t.key()),
          100 * r.prefixTuned().get(t.key()), p == null ? "99.6-100 %" : String.format("%.2f %%", 100 * p));
    }
  }

  static void e6(E6Recipe.Result r, ObjectNode o, ObjectMapper om, Path out, PrintStream text) {
    ObjectNode params = ReproduceCommand.trainedParameters(o, om, r.settings(), r.shape(),
        r.pretrainedWeights().count(), r.prefixParameters());
    params.put("lora", r.loraParameters());
    params.set("lora_targets", om.valueToTree(r.lora().targets()));
    o.putObject("pretrained").put("count", r.pretrained());
    o.putObject("prefix_tuned").put("count", r.prefixTuned());
    o.putObject("lora_tuned").put("count", r.loraTuned());
    ObjectNode paper = o.putObject("paper");
    PAPER_E6.forEach((k, v) -> paper.putObject(k).put("count", v));
    paper.put("parameters", PAPER_E6_PARAMETERS);
    o.set("final_loss", om.valueToTree(r.finalLoss()));
    o.set("seconds", om.valueToTree(r.seconds()));
    o.set("steps_per_second", om.valueToTree(stepsPerSecond(r.seconds(), name -> switch (name) {
      case "pretrain" -> r.settings().family().iterations();
      case "prefix count" -> r.settings().prefixSteps();
      default -> r.settings().loraSteps();
    })));
    ObjectNode ck = o.putObject("checkpoints");
    ck.put("pretrained", pretrainedCheckpoint(r.seconds(), r.pretrainedWeights(), out));
    ck.put("prefix", tensors(r.prefix().values(), r.prefix().length(), out, "e6-prefix-count"));
    ck.put("lora_factors", tensors(r.lora().values(), r.lora().rank(), out, "e6-lora-factors"));
    ck.put("lora_merged", Checkpoint.write(r.lora().apply(r.pretrainedWeights()), out, "e6-lora-merged").toString());

    text.printf("count task: pretrained %.2f %% (paper %.2f %%)%n", 100 * r.pretrained(), 100 * PAPER_E6.get(
        "pretrained"));
    text.printf("  prefix, %d positions, %d parameters: %6.2f %% (paper %.2f %%, %d parameters)%n",
        r.settings().prefix(), r.prefixParameters(), 100 * r.prefixTuned(), 100 * PAPER_E6.get("prefix_tuned"),
        PAPER_E6_PARAMETERS);
    text.printf("  LoRA rank %d on W_O, W_1, W_2, %d parameters: %6.2f %% (paper %.2f %%, %d parameters)%n",
        r.settings().rank(), r.loraParameters(), 100 * r.loraTuned(), 100 * PAPER_E6.get("lora_tuned"),
        PAPER_E6_PARAMETERS);
  }

  static Task task(String key) {
    return Task.valueOf(key.toUpperCase());
  }

  /** Steps per second of each training phase (the phases with a step count; "evaluate" is left out). */
  static Map<String, Double> stepsPerSecond(Map<String, Double> seconds,
      java.util.function.ToIntFunction<String> steps) {
    Map<String, Double> out = new LinkedHashMap<>();
    seconds.forEach((name, s) -> {
      if (!name.equals("evaluate")) {
        out.put(name, steps.applyAsInt(name) / s);
      }
    });
    return out;
  }

  /**
   * Writes the pretrained checkpoint when this run pretrained it; returns its config's path or the note that it was
   * read.
   */
  static String pretrainedCheckpoint(Map<String, Double> seconds, Weights w, Path out) {
    return seconds.containsKey("pretrain") ? Checkpoint.write(w, out, MixFamily.CHECKPOINT).toString()
        : "not written (read with --from)";
  }

  /**
   * Writes named flat arrays as F64 safetensors, each as a matrix of {@code rows} rows (a prefix: its positions; LoRA
   * factors: A as rank × in, B as out × rank, so rows = rank for A and length / rank for B); returns the path.
   */
  static String tensors(Map<String, double[]> values, int rows, Path out, String name) {
    Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
    values.forEach((k, a) -> {
      int r = k.endsWith(".B") ? a.length / rows : rows;
      t.put(k, new Safetensors.Tensor(k, "F64", new long[] {r, a.length / r}, a.clone()));
    });
    Path file = out.resolve(name + ".safetensors");
    try {
      Files.write(file, Safetensors.write(t));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file.toString();
  }
}
