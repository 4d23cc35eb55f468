package io.prefixproof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.claims.TrainedOrder;
import io.prefixproof.fast.FastModel;
import io.prefixproof.io.ModelConfig;
import io.prefixproof.train.Checkpoint;
import io.prefixproof.train.Data;
import io.prefixproof.train.Experiments;
import io.prefixproof.train.FirstToken;
import io.prefixproof.train.MixPrefixes;
import io.prefixproof.train.Task;
import io.prefixproof.train.TrainPrefix;
import io.prefixproof.train.Weights;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code reproduce E4} (one prefix per task of a model pretrained on four) and {@code reproduce E1} (distinct
 * completions from hard and soft first tokens on that pretrained model), with the certificates beside them:
 * LIM-1c per head on every trained prefix (E4) and CAP-1's separation (E1).
 */
final class ReproduceMix {
  private ReproduceMix() {}

  /**
   * The companion notebook's accuracy matrix ({@code minGPT/02_can_extract_pretrained_task.ipynb}, 3,200 test
   * examples each): per prefix (none: the pretrained model) the accuracy on ascending, descending, add1, add2.
   */
  static final Map<String, Map<String, Double>> PAPER_E4 = paperE4();

  /** The same notebook's diagonal as measured right after each prefix's training (PAPER.md §6, E4). */
  static final Map<String, Double> PAPER_E4_TRAINING_DIAGONAL = row(0.9366, 0.8466, 0.9956, 0.9925);

  private static Map<String, Map<String, Double>> paperE4() {
    Map<String, Map<String, Double>> m = new LinkedHashMap<>();
    m.put("none", row(0.3144, 0.1916, 0.2997, 0.1562));
    m.put("ascending", row(0.9409, 0.0, 0.0, 0.0));
    m.put("descending", row(0.0003, 0.8372, 0.0022, 0.0066));
    m.put("add1", row(0.0, 0.0, 0.9962, 0.0));
    m.put("add2", row(0.0, 0.0, 0.0016, 0.9978));
    return m;
  }

  private static Map<String, Double> row(double... v) {
    Map<String, Double> r = new LinkedHashMap<>();
    for (int i = 0; i < v.length; i++) {
      r.put(MixPrefixes.TASKS.get(i).key(), v[i]);
    }
    return r;
  }

  /** Runs the command's experiment (E4 or E1); returns the exit code. */
  static int run(ReproduceCommand cmd, Experiments.Scale scale, PrintStream text) {
    long t0 = System.nanoTime();
    boolean e4 = cmd.experiment == ReproduceCommand.Experiment.E4;
    ObjectNode result;
    try (ReproduceCommand.Phases phases = new ReproduceCommand.Phases()) {
      result = e4 ? e4Json(cmd, MixPrefixes.run(MixPrefixes.Settings.of(scale), cmd.seed, phases), scale)
          : e1Json(cmd, scale, phases);
    }
    boolean asExpected = e4 ? printE4(text, result) : printE1(text, result);
    result.put("total_seconds", (System.nanoTime() - t0) / 1e9);
    text.printf("checkpoints in %s; %.0f s in all%n", cmd.out, result.get("total_seconds").asDouble());
    if (cmd.json != null) {
      JsonEnvelope.write(cmd.json, JsonEnvelope.of("reproduce", 1, cmd.seed, null, result));
    }
    return asExpected ? 0 : Main.NOT_AS_EXPECTED;
  }

  private static ObjectNode head(ObjectMapper om, String experiment, Experiments.Scale scale, long seed) {
    ObjectNode o = om.createObjectNode();
    o.put("experiment", experiment);
    o.put("scale", scale.name().toLowerCase());
    o.put("seed", seed);
    return o;
  }

  /** E4's result as JSON; writes the pretrained checkpoint and the four prefixes into the output folder. */
  static ObjectNode e4Json(ReproduceCommand cmd, MixPrefixes.Result r, Experiments.Scale scale) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode o = head(om, "E4", scale, cmd.seed);
    ReproduceCommand.trainedParameters(o, om, r.settings(), r.shape(), r.pretrainedWeights().count(),
        r.prefixes().values().iterator().next().count());
    o.set("pretrained", om.valueToTree(r.pretrained()));
    // prefix_tuned: each prefix on its own task (what report --experiments tabulates); prefixes: the whole matrix
    o.set("prefix_tuned", diagonal(om, r.prefixTuned()));
    o.set("prefixes", om.valueToTree(r.prefixTuned()));
    ObjectNode paper = o.putObject("paper");
    paper.set("pretrained", om.valueToTree(PAPER_E4.get("none")));
    Map<String, Map<String, Double>> paperPrefixes = new LinkedHashMap<>(PAPER_E4);
    paperPrefixes.remove("none");
    paper.set("prefix_tuned", diagonal(om, paperPrefixes));
    paper.set("prefixes", om.valueToTree(paperPrefixes));
    paper.set("diagonal_after_training", om.valueToTree(PAPER_E4_TRAINING_DIAGONAL));
    o.set("final_loss", om.valueToTree(r.finalLoss()));
    o.set("seconds", om.valueToTree(r.seconds()));
    o.put("split", "test: inputs whose 64-bit mix of digits and split seed 0 is 0 mod 4 (a fixed quarter)");
    ObjectNode ck = o.putObject("checkpoints");
    ck.put("pretrained", Checkpoint.write(r.pretrainedWeights(), cmd.out, "e4-pretrained").toString());
    r.prefixes().forEach((task, p) -> ck.put("prefix_" + task, cmd.writePrefix(p, om, "e4-prefix-" + task + ".json")
        .toString()));
    o.set("heads", heads(om, r));
    return o;
  }

  /** Each prefix's accuracy on the task it was trained for. */
  static ObjectNode diagonal(ObjectMapper om, Map<String, Map<String, Double>> matrix) {
    ObjectNode d = om.createObjectNode();
    matrix.forEach((task, row) -> d.put(task, row.get(task)));
    return d;
  }

  /**
   * Per trained prefix and head, on the figure's input followed by the prefix's own task output: the mean share of
   * attention the output queries give the prefix, and LIM-1c (argmax of content attention moved by the prefix,
   * LIM-1's error/tolerance) as {@link TrainedOrder} measures it. The prefix switches tasks by how much it takes
   * from each head, not by reordering any head's content attention.
   */
  static ArrayNode heads(ObjectMapper om, MixPrefixes.Result r) {
    FastModel pre = r.pretrainedWeights().toFastModel();
    ArrayNode rows = om.createArrayNode();
    int[] input = ReproduceCommand.FIGURE_INPUT;
    r.prefixes().forEach((task, prefix) -> {
      int[] output = Task.valueOf(task.toUpperCase()).apply(input);
      int[] content = new int[2 * Data.LENGTH - 1];
      System.arraycopy(input, 0, content, 0, Data.LENGTH);
      System.arraycopy(output, 0, content, Data.LENGTH, Data.LENGTH - 1);
      FastModel.Trace t = prefix.runOn(pre, content);
      for (int h = 0; h < r.shape().heads(); h++) {
        // E4 has no fine-tuned model: the pretrained one stands in that slot, so only the prefix's moves count
        TrainedOrder.Verdict v = TrainedOrder.check(pre, prefix, pre, content, h, Data.LENGTH - 1);
        DMatrixRMaj w = t.layers().get(0).heads().get(h).weights();
        double share = 0;
        for (int q : v.queries()) {
          for (int j = 0; j < prefix.length(); j++) {
            share += w.get(t.streamPrefix() + q, j);
          }
        }
        ObjectNode row = rows.addObject();
        row.put("prefix", task);
        row.put("head", h);
        row.put("mean_prefix_share", share / v.queries().length);
        row.put("moved_by_prefix", v.movedByPrefix());
        row.put("queries", v.queries().length);
        row.put("lim1_max_ratio", v.lim1MaxRatio());
        row.put("verdict", v.holds() ? "holds" : "violated");
      }
    });
    return rows;
  }

  /** Prints E4's matrix beside the paper's and the per-head certificate; true when LIM-1c holds everywhere. */
  static boolean printE4(PrintStream text, ObjectNode o) {
    text.printf("%-12s %s   (paper)%n", "prefix", String.join("  ", MixPrefixes.TASKS.stream()
        .map(t -> String.format("%10s", t.key())).toList()));
    printRow(text, "none", o.get("pretrained"), o.get("paper").get("pretrained"));
    o.get("prefixes").properties().forEach(e -> printRow(text, e.getKey(), e.getValue(),
        o.get("paper").get("prefixes").get(e.getKey())));
    boolean holds = true;
    for (var row : o.get("heads")) {
      holds &= row.get("verdict").asText().equals("holds");
    }
    StringBuilder shares = new StringBuilder();
    for (var row : o.get("heads")) {
      if (row.get("head").asInt() == 0) {
        shares.append(shares.length() == 0 ? "" : "; ").append(row.get("prefix").asText()).append(':');
      }
      shares.append(String.format(" %.2f", row.get("mean_prefix_share").asDouble()));
    }
    text.printf("prefix share of each head's attention at the output queries: %s%n", shares);
    text.printf("LIM-1c on every prefix and head: %s%n", holds ? "holds (no argmax moved)" : "violated");
    return holds;
  }

  private static void printRow(PrintStream text, String name, com.fasterxml.jackson.databind.JsonNode ours,
      com.fasterxml.jackson.databind.JsonNode paper) {
    StringBuilder b = new StringBuilder(String.format("%-12s", name));
    for (Task t : MixPrefixes.TASKS) {
      b.append(String.format(" %6.2f %%   ", 100 * ours.get(t.key()).asDouble()));
    }
    b.append("(");
    for (Task t : MixPrefixes.TASKS) {
      b.append(String.format(" %.2f", 100 * paper.get(t.key()).asDouble()));
    }
    text.println(b.append(" )"));
  }

  /** E1: E4's pretraining at this scale (the same seed gives E4's pretrained model), then the counts. */
  static ObjectNode e1Json(ReproduceCommand cmd, Experiments.Scale scale, Experiments.Progress progress) {
    ObjectMapper om = new ObjectMapper();
    MixPrefixes.Settings ms = MixPrefixes.Settings.of(scale);
    Map<String, Double> loss = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    Weights w = cmd.model != null ? Weights.of(ModelConfig.load(cmd.model))
        : MixPrefixes.pretrain(ms, cmd.seed, progress, loss, seconds);
    FirstToken.Settings fs = FirstToken.settings(scale);
    FirstToken.Result r = FirstToken.count(w, fs, cmd.seed);
    seconds.putAll(r.seconds());
    ObjectNode o = head(om, "E1", scale, cmd.seed);
    o.put("model", cmd.model != null ? cmd.model.toString() : "E4's pretrained model, trained here");
    o.set("pretrain_settings", cmd.model != null ? null : om.valueToTree(ms));
    o.set("settings", om.valueToTree(fs));
    o.set("shape", om.valueToTree(w.shape()));
    o.put("vocab", r.vocab());
    o.set("hard", om.valueToTree(r.hard()));
    o.set("soft", om.valueToTree(r.soft()));
    o.set("soft_at_paper_ratio", om.valueToTree(r.ratioSoft()));
    ObjectNode paper = o.putObject("paper");
    paper.put("model", "LLaMA-7B");
    paper.put("hard_tokens", 32_000);
    paper.put("hard_distinct", 24_426);
    paper.put("soft_tokens", 48_218);
    paper.put("soft_distinct", 46_812);
    ObjectNode cap = o.putObject("cap_1");
    cap.put("claim", "CAP-1: one hard token yields at most |V| distinct greedy completions; soft tokens can yield more");
    cap.put("bound", r.vocab());
    int most = r.soft().stream().mapToInt(FirstToken.Count::distinct).max().orElse(0);
    cap.put("most_soft_distinct", most);
    cap.put("verdict", most > r.vocab() ? "separated" : "not separated");
    o.set("final_loss", om.valueToTree(loss));
    o.set("seconds", om.valueToTree(seconds));
    if (cmd.model == null) {
      o.putObject("checkpoints").put("pretrained", Checkpoint.write(w, cmd.out, "e1-pretrained").toString());
    }
    return o;
  }

  /** Prints E1's counts beside the paper's; true when some soft tokens pass the hard tokens' bound |V|. */
  static boolean printE1(PrintStream text, ObjectNode o) {
    ObjectNode hard = (ObjectNode) o.get("hard");
    text.printf("hard first tokens: %d distinct %d-token completions from all %d tokens (at most |V| = %d)%n",
        hard.get("distinct").asInt(), o.get("settings").get("length").asInt(), hard.get("tried").asInt(),
        o.get("vocab").asInt());
    for (var s : o.get("soft")) {
      text.printf("soft first tokens, entries N(0, %.3g^2): %d distinct from %d (%d reached by no hard token)%n",
          s.get("std").asDouble(), s.get("distinct").asInt(), s.get("tried").asInt(), s.get("newOverHard").asInt());
    }
    var ratio = o.get("soft_at_paper_ratio");
    text.printf("at the paper's ratio (%d soft tokens): %d distinct;  paper (LLaMA-7B): 24,426 from 32,000 hard,"
        + " 46,812 from 48,218 soft%n", ratio.get("tried").asInt(), ratio.get("distinct").asInt());
    boolean separated = o.get("cap_1").get("verdict").asText().equals("separated");
    text.printf("CAP-1: %s%n", separated ? "soft first tokens reach more completions than any |V| hard ones can"
        : "no soft first token set passed the bound |V|");
    return separated;
  }
}
