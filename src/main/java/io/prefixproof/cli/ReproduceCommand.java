package io.prefixproof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.claims.TrainedOrder;
import io.prefixproof.fast.FastModel;
import io.prefixproof.report.Charts;
import io.prefixproof.train.Checkpoint;
import io.prefixproof.train.Data;
import io.prefixproof.train.Experiments;
import io.prefixproof.train.Task;
import io.prefixproof.train.TrainPrefix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reproduce E3}: the paper's trained experiment, its checkpoints, attention maps and LIM-1c verdict
 * ({@code E4} and {@code E1}: {@link ReproduceMix}; {@code E5} and {@code E6}: {@link ReproduceFamily}).
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = "Train the paper's experiment (E3: sort ascending, then fine-tune or prefix-tune for descending),"
        + " print the accuracies, write checkpoints, attention maps and a JSON result. E4: one prefix per task of a"
        + " model pretrained on four; E5: the same on four layers, with a composition and the count task; E6: rank-1"
        + " LoRA against a prefix of equal size on the count task; E1: distinct completions from every hard and many"
        + " soft first tokens.")
final class ReproduceCommand implements Callable<Integer> {

  /** The experiments this command runs. */
  enum Experiment {
    E3,
    E4,
    E5,
    E6,
    E1
  }

  @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "E3, E4 (one prefix per pretrained task), E5"
      + " (four layers: the pretrained tasks, a composition, the count task), E6 (LoRA against a prefix on the count"
      + " task) or E1 (distinct completions from hard and soft first tokens).")
  Experiment experiment;

  @Option(names = "--scale", defaultValue = "small", paramLabel = "S",
      description = "small (minutes on two cores) or paper (the published shapes and iterations).")
  String scale;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed, 0 to 2^31-1 (default: 1).")
  long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
  Path json;

  @Option(names = "--model", paramLabel = "FILE", description = "E1 only: count on this checkpoint (for example"
      + " reproduce E4's DIR/e4-pretrained.json) instead of pretraining E4's model first.")
  Path model;

  @Option(names = "--out", defaultValue = "reproduce", paramLabel = "DIR",
      description = "Folder for the checkpoints and attention maps (created; default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--from", paramLabel = "DIR",
      description = "E5, E6: reuse the pretrained model of an earlier E5 or E6 run in DIR (mix-pretrained.json).")
  Path from;

  /** The input of the paper's attention figures (minGPT/01_cannot_learn_new_task.ipynb). */
  static final int[] FIGURE_INPUT = {2, 6, 0, 1, 4, 6, 3, 0, 1, 2};

  /** The notebook's published accuracies (PAPER.md §6, E3), 3,200 test examples each. */
  static final Map<String, Map<String, Double>> PAPER = Map.of(
      "pretrained", Map.of("ascending", 0.9141, "descending", 0.0),
      "finetuned", Map.of("ascending", 0.0, "descending", 0.8491),
      "prefix_tuned", Map.of("ascending", 0.0009, "descending", 0.0));

  @Override
  public Integer call() {
    Experiments.Scale s = switch (scale) {
      case "small" -> Experiments.Scale.SMALL;
      case "paper" -> Experiments.Scale.PAPER;
      default -> throw new IllegalArgumentException("--scale must be small or paper, got " + scale);
    };
    Ranges.require("--seed", seed, 0, Integer.MAX_VALUE);
    if (model != null && experiment != Experiment.E1) {
      throw new IllegalArgumentException("--model is read by E1 only, not by " + experiment);
    }
    if (model != null && !java.nio.file.Files.isRegularFile(model)) {
      throw new IllegalArgumentException("--model " + model + ": no such file");
    }
    JsonEnvelope.requireWritable("--json", json);
    Ranges.requireWritableFolder("--out", out);
    PrintStream text = JsonEnvelope.text(json);
    if (from != null && experiment != Experiment.E5 && experiment != Experiment.E6) {
      throw new IllegalArgumentException("--from applies to E5 and E6, not " + experiment);
    }
    if (experiment == Experiment.E5 || experiment == Experiment.E6) {
      try (Phases phases = new Phases()) {
        return ReproduceFamily.run(experiment.name(), s, seed, from, json, out, text, phases);
      }
    }
    if (experiment != Experiment.E3) {
      return ReproduceMix.run(this, s, text);
    }
    long t0 = System.nanoTime();
    Experiments.E3Result r;
    try (Phases phases = new Phases()) {
      r = Experiments.e3(s, seed, phases);
    }
    ObjectNode result = e3Json(r, s);
    result.put("total_seconds", (System.nanoTime() - t0) / 1e9);
    for (String model : new String[] {"pretrained", "finetuned", "prefix_tuned"}) {
      text.printf("%-13s ascending %6.2f %%  descending %6.2f %%   (paper: %6.2f %% / %6.2f %%)%n", model,
          100 * result.get(model).get("ascending").asDouble(), 100 * result.get(model).get("descending").asDouble(),
          100 * PAPER.get(model).get("ascending"), 100 * PAPER.get(model).get("descending"));
    }
    ObjectNode v = (ObjectNode) result.get("lim_1c");
    text.printf("LIM-1c on the trained attention: %s (fine-tuning moved the argmax of %d of %d output queries,"
        + " the prefix %d; LIM-1 error/tolerance %.3g)%n", v.get("verdict").asText(), v.get("moved_by_finetuning")
        .asInt(), v.get("queries").size(), v.get("moved_by_prefix").asInt(), v.get("lim1_max_ratio").asDouble());
    text.printf("checkpoints and attention maps in %s; %.0f s in all%n", out, result.get("total_seconds")
        .asDouble());
    if (json != null) {
      JsonEnvelope.write(json, JsonEnvelope.of("reproduce", 1, seed, null, result));
    }
    return v.get("verdict").asText().equals("holds") ? 0 : Main.NOT_AS_EXPECTED;
  }

  /** The whole E3 result as one JSON object; writes checkpoints and figures into {@link #out} on the way. */
  ObjectNode e3Json(Experiments.E3Result r, Experiments.Scale s) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode o = om.createObjectNode();
    o.put("experiment", "E3");
    o.put("scale", s.name().toLowerCase());
    o.put("seed", seed);
    trainedParameters(o, om, r.settings(), r.shape(), r.pretrainedWeights().count(), r.prefix().count());
    o.set("pretrained", om.valueToTree(r.pretrained()));
    o.set("finetuned", om.valueToTree(r.finetuned()));
    o.set("prefix_tuned", om.valueToTree(r.prefixTuned()));
    o.set("paper", om.valueToTree(PAPER));
    o.set("final_loss", om.valueToTree(r.finalLoss()));
    o.set("seconds", om.valueToTree(r.seconds()));
    o.put("split", "test: inputs whose 64-bit mix of digits and split seed 0 is 0 mod 4 (a fixed quarter)");
    ObjectNode ck = o.putObject("checkpoints");
    ck.put("pretrained", Checkpoint.write(r.pretrainedWeights(), out, "e3-pretrained").toString());
    ck.put("finetuned", Checkpoint.write(r.finetunedWeights(), out, "e3-finetuned").toString());
    ck.put("prefix", writePrefix(r.prefix(), om, "e3-prefix.json").toString());

    FastModel pre = r.pretrainedWeights().toFastModel();
    FastModel ft = r.finetunedWeights().toFastModel();
    int[] desc = Task.DESCENDING.apply(FIGURE_INPUT);
    int p = Experiments.E3_PREFIX;
    // the figures' sequence: padding (or prefix) position, input, the descending output the tuned models aim at
    int[] padded = new int[p + 2 * Data.LENGTH - 1];
    System.arraycopy(FIGURE_INPUT, 0, padded, p, Data.LENGTH);
    System.arraycopy(desc, 0, padded, p + Data.LENGTH, Data.LENGTH - 1);
    int[] content = java.util.Arrays.copyOfRange(padded, p, padded.length);
    // every map: the queries of the input (content) positions over p leading keys, the padding the models were
    // trained with or the trained prefix in its place, and the input's keys
    ObjectNode maps = o.putObject("attention_maps");
    ArrayNode input = maps.putArray("input");
    for (int t : content) {
      input.add(t);
    }
    maps.set("pretrained", attention(om, TrainPrefix.none().runOn(pre, padded), "pretrained (ascending)",
        "e3-attention-pretrained.svg", p));
    maps.set("finetuned", attention(om, TrainPrefix.none().runOn(ft, padded), "fine-tuned (descending)",
        "e3-attention-finetuned.svg", p));
    maps.set("prefix_tuned", attention(om, r.prefix().runOn(pre, content), "prefix-tuned (descending)",
        "e3-attention-prefix-tuned.svg", p));

    TrainedOrder.Verdict v = TrainedOrder.check(pre, r.prefix(), ft, content, 0, Data.LENGTH - 1);
    ObjectNode lim = o.putObject("lim_1c");
    lim.put("claim", "LIM-1c: per query the argmax and order of content attention are the same with any prefix");
    lim.put("layer", 0);
    lim.put("head", 0);
    lim.set("queries", om.valueToTree(v.queries()));
    lim.set("reference_argmax", om.valueToTree(v.referenceArgmax()));
    lim.set("prefix_tuned_argmax", om.valueToTree(v.prefixArgmax()));
    lim.set("finetuned_argmax", om.valueToTree(v.finetunedArgmax()));
    lim.put("moved_by_finetuning", v.movedByFinetuning());
    lim.put("moved_by_prefix", v.movedByPrefix());
    lim.put("lim1_max_error", v.lim1MaxError());
    lim.put("lim1_max_ratio", v.lim1MaxRatio());
    lim.put("verdict", v.holds() ? "holds" : "violated");
    return o;
  }

  /**
   * Layer 0, head 0 weights of a run as {"layer", "head", "prefix_positions", "matrix"}: the rows of the queries
   * after the first {@code prefixColumns} positions (the padding or prefix rows are left out), every key; also
   * drawn as an SVG heatmap.
   */
  ObjectNode attention(ObjectMapper om, FastModel.Trace t, String title, String file, int prefixColumns) {
    DMatrixRMaj w = t.layers().get(0).heads().get(0).weights();
    double[][] m = new double[w.numRows - prefixColumns][w.numCols];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < w.numCols; j++) {
        m[i][j] = w.get(i + prefixColumns, j);
      }
    }
    // the pretrained and fine-tuned models read the padding position there, only the prefix-tuned one a prefix
    Charts.write(new Charts.Figure(file, title, Charts.heatmap("E3 " + title + ", layer 1 head 1", m, prefixColumns,
        title.startsWith("prefix") ? "prefix" : "padding")), out);
    ObjectNode o = om.createObjectNode();
    o.put("layer", 0);
    o.put("head", 0);
    o.put("prefix_positions", prefixColumns);
    o.set("matrix", om.valueToTree(m));
    o.put("figure", out.resolve(file).toString());
    return o;
  }

  /** The trained prefix as JSON (its form, length and rows per layer). */
  Path writePrefix(TrainPrefix prefix, ObjectMapper om, String name) {
    ObjectNode o = om.createObjectNode();
    o.put("kind", prefix.kind().name().toLowerCase());
    o.put("positions", prefix.length());
    o.set("values", om.valueToTree(prefix.values()));
    Path file = out.resolve(name);
    try {
      JsonEnvelope.MAPPER.writeValue(file.toFile(), o);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /**
   * Every experiment's {@code settings}, {@code shape} and {@code trained_parameters} (the pretrained model's
   * {@code weights} and one {@code prefix}'s parameter counts); returns the last, for more counts.
   */
  static ObjectNode trainedParameters(ObjectNode o, ObjectMapper om, Object settings, Object shape, long weights,
      long prefix) {
    o.set("settings", om.valueToTree(settings));
    o.set("shape", om.valueToTree(shape));
    ObjectNode params = o.putObject("trained_parameters");
    params.put("weights", weights);
    params.put("prefix", prefix);
    return params;
  }

  /**
   * The training's progress as the shared progress line (silent when stderr is not a terminal): one line per
   * phase (pretraining, fine-tuning, prefix-tuning) counting its iterations, with the latest loss.
   */
  static final class Phases implements Experiments.Progress, AutoCloseable {
    private Progress line;

    @Override
    public void phase(String name, int iterations) {
      close();
      line = Progress.start("reproduce: " + name, iterations, "it");
    }

    @Override
    public void step(int iteration, int iterations, double loss) {
      line.now(String.format("loss %.4f", loss));
      line.step();
    }

    @Override
    public void close() {
      if (line != null) {
        line.close();
      }
    }
  }
}
