package io.prefixproof.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.cases.DoubleCases;
import io.prefixproof.claims.Depth;
import io.prefixproof.claims.Inspection;
import io.prefixproof.claims.LayerwiseInspection;
import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Layerwise;
import io.prefixproof.io.MiniLm;
import io.prefixproof.io.ModelConfig;
import io.prefixproof.io.hf.Checkpoint;
import io.prefixproof.io.hf.HfModel;
import io.prefixproof.io.hf.HfTokenizer;
import io.prefixproof.io.hf.ReferenceLogits;
import io.prefixproof.model.Architecture;
import java.io.InputStream;
import java.io.PrintStream;
import io.prefixproof.report.InspectFigures;
import io.prefixproof.report.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prefixproof inspect --model CONFIG.json}: the limitation claims on the user's own weights. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Check LIM-1..4 at every layer and head (LIM-6) of your own model, with random and aligned"
        + " prefixes, and print a per-layer, per-head table.")
final class InspectCommand implements Callable<Integer> {

  /** Sentences checked on all-MiniLM-L6-v2 when no --text is given. */
  static final List<String> SENTENCES = List.of(
      "Prefixes can steer a model, but they cannot change how it attends to the input.",
      "The cat sat on the mat.",
      "Sort these digits in descending order: 3 1 4 1 5 9 2 6.");

  @Option(names = "--model", defaultValue = "minilm", paramLabel = "MODEL",
      description = "minilm (the embedded all-MiniLM-L6-v2, default), a Hugging Face checkpoint directory (config.json"
          + " and model.safetensors or model.safetensors.index.json; gpt2, llama, mistral, qwen2) or a JSON config"
          + " naming the architecture and a .safetensors weights file (see the README).")
  String model;

  @Option(names = "--text", paramLabel = "TEXT", description = "Input sentence (minilm, repeatable; default: three"
      + " built-in sentences), or one text for a Hugging Face checkpoint with a tokenizer.json (GPT-2 byte-level BPE or"
      + " LLaMA's SentencePiece BPE).")
  List<String> texts;

  @Option(names = "--mask", defaultValue = "trained", paramLabel = "MASK", description = "trained (as the model was"
      + " trained; minilm is bidirectional) or causal.")
  String mask;

  @Option(names = "--tokens", split = ",", paramLabel = "IDS", description = "Content token ids (needs a vocabulary).")
  int[] tokens;

  @Option(names = "--random-content", paramLabel = "N", description = "N random N(0,1) content rows"
      + " instead of tokens, 1 to 4096.")
  Integer randomContent;

  @Option(names = "--prefix", defaultValue = "2", paramLabel = "P", description = "Prefix length, 1 to 4096 (and"
      + " within the model's context). Default ${DEFAULT-VALUE}.")
  int prefix;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for prefixes and content. Default ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as JSON (schema"
      + " prefixproof/inspect/1: one object per input, prefix, layer, head and claim) to FILE; - writes it to stdout"
      + " and the table to stderr.")
  Path json;

  @Option(names = "--html", paramLabel = "DIR", description = "Also write the page models/NAME.html (layer × head"
      + " grids of the LIM errors and the CONJ-1 measure, one head's attention maps) into the report folder DIR;"
      + " a report written there afterwards links it.")
  Path html;

  @Option(names = "--html-head", split = ",", paramLabel = "LAYER,HEAD", description = "The head whose attention maps"
      + " the --html page shows, numbered from 0 as in the table. Default: the head with the largest CONJ-1 measure.")
  int[] htmlHead;

  @Option(names = "--allow-outside-weights", description = "Let the config's \"weights\" name a file outside the"
      + " config's folder (refused by default).")
  boolean allowOutsideWeights;

  @Option(names = "--expect-logits", paramLabel = "FILE", description = "Reference logits {\"tokens\": [ids],"
      + " \"logits\": [[vocab numbers] per position]}: runs those tokens, compares, and stops with exit 1 when a logit"
      + " differs by more than the tolerance.")
  Path expectLogits;

  @Option(names = "--tolerance", paramLabel = "X", description = "Tolerance for --expect-logits. Default: the float64"
      + " error model (a float32 or bfloat16 reference needs more).")
  Double tolerance;

  @Option(names = "--continue", defaultValue = "8", paramLabel = "N", description = "Greedy continuation length shown"
      + " for --tokens. Default ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--layerwise", description = "Read a Hugging Face checkpoint one block at a time, each check at layer l"
      + " on the prefix-free run's layer-l input; chosen by itself when its weights as doubles would fill half the"
      + " heap. The depth measures are not run.")
  boolean layerwise;

  @Override
  public Integer call() throws Exception {
    int inputCount = model.equals("minilm") ? (texts == null ? SENTENCES : texts).size() : 1;
    // loading the weights, then per input the limitation checks and the depth measurements
    try (Progress p = Progress.start("inspect", 1 + 2L * inputCount, "stages")) {
      progress = p;
      progress.now("loading " + model);
      return inspect();
    }
  }

  /** The progress line of the current run. */
  private Progress progress;

  private int inspect() throws Exception {
    Ranges.require("--prefix", prefix, 1, Ranges.POSITIONS_MAX);
    if (randomContent != null) {
      Ranges.require("--random-content", randomContent, 1, Ranges.POSITIONS_MAX);
    }
    JsonEnvelope.requireWritable("--json", json);
    if (html != null) {
      Ranges.requireWritableFolder("--html", html);
    } else if (htmlHead != null) {
      throw new IllegalArgumentException("--html-head needs --html");
    }
    if (!mask.equals("trained") && !mask.equals("causal")) {
      throw new IllegalArgumentException("--mask must be trained or causal, got '" + mask + "'");
    }
    out = progress.above(JsonEnvelope.text(json));
    rows.clear();
    inputs = JsonEnvelope.MAPPER.createArrayNode();
    if (model.equals("minilm")) {
      if (layerwise) {
        throw new IllegalArgumentException("--layerwise needs a Hugging Face checkpoint directory");
      }
      if (tokens != null || randomContent != null) {
        throw new IllegalArgumentException("minilm takes --text, not --tokens or --random-content");
      }
      MiniLm mini = MiniLm.load();
      FastModel m = masked(mini.model());
      InspectFigures.requireHead(htmlHead, m.arch());
      progress.step();
      out.println("all-MiniLM-L6-v2: " + m.arch().summary() + (mask.equals("causal")
          ? " (a causal mask was imposed: the model was trained bidirectionally)" : ""));
      List<String> sentences = texts == null ? SENTENCES : texts;
      for (int s = 0; s < sentences.size(); s++) {
        int[] ids = mini.tokenizer().encode(sentences.get(s));
        out.println("input " + s + ": " + ids.length + " tokens: " + sentences.get(s));
        input(sentences.get(s), ids, ids.length);
        check(s, m, mini.embed(ids, prefix), mini.embed(ids), seed + s);
        if (s == 0) {
          page = new InspectFigures.Run("minilm", "all-MiniLM-L6-v2: " + m.arch().summary() + "; first input: "
              + sentences.get(0), m, mini.embed(ids), prefix, seed);
        }
      }
      return report("all-MiniLM-L6-v2", m.arch(), json == null ? null : minilmSha256());
    }
    if (texts != null) {
      Path tokenizer = Path.of(model).resolve("tokenizer.json");
      if (!HfModel.isCheckpoint(Path.of(model)) || !java.nio.file.Files.isRegularFile(tokenizer)) {
        throw new IllegalArgumentException("--text needs the minilm tokenizer or a Hugging Face checkpoint with a"
            + " tokenizer.json; give --tokens or --random-content");
      }
      if (texts.size() != 1 || tokens != null || expectLogits != null) {
        throw new IllegalArgumentException("give one --text, without --tokens or --expect-logits");
      }
      tokens = HfTokenizer.encode(tokenizer, texts.get(0));
      out.println("text: " + texts.get(0) + " -> tokens " + java.util.Arrays.toString(tokens));
    }
    if ((tokens == null && expectLogits == null) == (randomContent == null)) {
      throw new IllegalArgumentException("give exactly one of --tokens (or --expect-logits) and --random-content");
    }
    boolean checkpoint = HfModel.isCheckpoint(Path.of(model));
    boolean blocks = checkpoint && (layerwise || tooLarge(Path.of(model)));
    if (layerwise && !blocks) {
      throw new IllegalArgumentException("--layerwise needs a Hugging Face checkpoint directory");
    }
    if (blocks && html != null) {
      throw new IllegalArgumentException("--html needs the whole model in memory; " + model
          + " is read block by block");
    }
    Layerwise lw = blocks ? HfModel.layerwise(Path.of(model)) : null;
    FastModel m = blocks ? null : masked(checkpoint ? HfModel.load(Path.of(model))
        : ModelConfig.load(Path.of(model), allowOutsideWeights));
    Architecture arch = blocks ? lw.arch() : m.arch();
    progress.step();
    InspectFigures.requireHead(htmlHead, arch);
    ReferenceLogits ref = null;
    if (expectLogits != null) {
      if (arch.vocab() == 0 || randomContent != null) {
        throw new IllegalArgumentException("--expect-logits needs a model with a vocabulary and token input");
      }
      ref = ReferenceLogits.read(expectLogits, arch.vocab());
      if (tokens != null && !java.util.Arrays.equals(tokens, ref.tokens())) {
        throw new IllegalArgumentException("--tokens differ from the tokens of " + expectLogits + "; give one of them");
      }
      tokens = ref.tokens();
    } else if (tolerance != null) {
      throw new IllegalArgumentException("--tolerance needs --expect-logits");
    }
    if (tolerance != null && !(tolerance >= 0)) {
      throw new IllegalArgumentException("--tolerance must be a non-negative number, got " + tolerance);
    }
    DMatrixRMaj content;
    if (tokens != null) {
      if (arch.vocab() == 0) {
        throw new IllegalArgumentException(model + " has no vocabulary (vocab 0): use --random-content");
      }
      content = blocks ? lw.embed(tokens) : m.embed(tokens);
      Ranges.require("--continue", steps, 0, Ranges.POSITIONS_MAX);
      out.println(model + ": " + arch.summary() + (blocks ? " (read block by block)" : ""));
      if (!Preview.show(arch, blocks ? lw::logits : t -> Preview.logits(m, t), tokens, steps, ref, tolerance,
          out)) {
        out.println("the model does not reproduce the reference logits: claims not checked");
        return 1;
      }
    } else {
      content = DoubleCases.gaussian(new SplittableRandom(seed), randomContent, arch.dModel(), 0, 1);
    }
    if (prefix + content.numRows > arch.maxContext()) {
      throw new IllegalArgumentException("prefix of " + prefix + " plus " + content.numRows
          + " content positions exceeds the context of " + arch.maxContext());
    }
    if (blocks) {
      input(texts == null ? null : texts.get(0), tokens, content.numRows);
      LayerwiseInspection.Result r = LayerwiseInspection.run(lw, content, prefix, seed, progress.above(System.err));
      out.printf("read block by block: %.1f s decoding weights (%.1f s CPU), %.1f s running and checking"
          + " (%.1f s CPU); the depth measures (CONJ-1, CONJ-5) are not run%n", r.readSeconds(), r.readCpuSeconds(),
          r.computeSeconds(), r.computeCpuSeconds());
      r.rows().forEach(x -> rows.add(InspectRow.check(0, x)));
      return report(model, arch, json == null ? null : JsonEnvelope.sha256(Checkpoint.open(Path.of(model)).files()));
    }
    input(texts == null ? null : texts.get(0), tokens, content.numRows);
    check(0, m, content, content, seed);
    page = new InspectFigures.Run(Path.of(model).getFileName().toString().replaceFirst("\\.json$", ""), model + ": "
        + m.arch().summary() + "; input: " + (tokens != null ? "tokens " + java.util.Arrays.toString(tokens)
        : randomContent + " random N(0,1) rows"), m, content, prefix, seed);
    return report(model, arch, json == null ? null : JsonEnvelope.sha256(checkpoint
        ? Checkpoint.open(Path.of(model)).files() : List.of(ModelConfig.weightsFile(Path.of(model),
        allowOutsideWeights))));
  }

  /** Where the text goes: stdout, or stderr when the JSON goes to stdout. */
  private PrintStream out;
  /** The rows of the current run: checks and depth measurements. */
  private final List<InspectRow> rows = new ArrayList<>();
  /** The rows of the current run as the --html page's grids read them. */
  private final List<Inspection.Row> figureRows = new ArrayList<>();
  private final List<Depth.Row> figureDepth = new ArrayList<>();
  /** The inputs of the current run, as JSON. */
  private ArrayNode inputs;

  /**
   * Checks the limitation claims on {@code prefixed} (content embedded at positions after the prefix) and
   * measures the depth conjectures on {@code plain} (content embedded from position 0), as input {@code i}.
   */
  private void check(int i, FastModel m, DMatrixRMaj prefixed, DMatrixRMaj plain, long s) {
    progress.now("input " + i + ": LIM-1..4, CONJ-3 at every layer and head");
    List<Inspection.Row> checked = Inspection.run(m, prefixed, prefix, s);
    checked.forEach(r -> rows.add(InspectRow.check(i, r)));
    figureRows.addAll(checked);
    progress.step();
    progress.now("input " + i + ": CONJ-1, CONJ-5 at every layer");
    List<Depth.Row> measured = Depth.measure(m, plain, prefix, s);
    measured.forEach(d -> rows.add(InspectRow.measurement(i, d)));
    figureDepth.addAll(measured);
    progress.step();
  }

  /** Records an input: its text and tokens (null when it has none) and its number of positions. */
  private void input(String text, int[] ids, int positions) {
    ObjectNode o = inputs.addObject();
    o.put("text", text);
    if (ids == null) {
      o.putNull("tokens");
    } else {
      java.util.Arrays.stream(ids).forEach(o.putArray("tokens")::add);
    }
    o.put("positions", positions);
  }

  /** SHA-256 of the embedded all-MiniLM-L6-v2 ONNX file's bytes. */
  private static String minilmSha256() throws java.io.IOException {
    try (InputStream in = MiniLm.class.getResourceAsStream(MiniLm.ONNX)) {
      return JsonEnvelope.sha256(in, MiniLm.ONNX);
    }
  }

  /** The model and first input of the current run, for the --html page. */
  private InspectFigures.Run page;
  /** True when the checkpoint's weights as doubles, with the copies a run makes, would fill half the heap. */
  static boolean tooLarge(Path dir) {
    return HfModel.weightCount(dir) > Runtime.getRuntime().maxMemory() / 2 / 16;
  }

  FastModel masked(FastModel m) {
    return mask.equals("causal") ? m.withArchitecture(m.arch().toBuilder().mask(Architecture.Mask.CAUSAL).build()) : m;
  }

  /** Prints the table and the summaries, writes the JSON when asked, and returns the exit code. */
  int report(String name, Architecture arch, String weightsSha256) {
    progress.close();
    List<InspectRow> sorted = InspectRow.sorted(rows);
    List<InspectRow> checks = sorted.stream().filter(r -> r.holds() != null).toList();
    out.printf("%5s %-18s %5s %4s %-6s %12s %10s  %s%n", "input", "prefix", "layer", "head", "claim", "max_abs_err",
        "err/tol", "holds");
    for (InspectRow r : checks) {
      out.printf("%5d %-18s %5d %4s %-6s %12.3g %10.3g  %s%n", r.input(), r.prefix(), r.layer(),
          r.head() < 0 ? "-" : Integer.toString(r.head()), r.claim(), r.maxAbsErr(), r.errOverTolerance(),
          r.holds() ? "yes" : "NO");
    }
    out.println("\ndepth conjectures, measured (0 would mean they held; see proofs-notes/CONJ-1.md, CONJ-5.md):");
    Map<String, Double> perLayer = new LinkedHashMap<>();
    sorted.stream().filter(r -> r.measured() != null).sorted(Comparator.comparing(InspectRow::claim)
        .thenComparingInt(InspectRow::layer)).forEach(r -> perLayer.merge(r.claim() + " layer " + r.layer(),
        r.measured(), Math::max));
    perLayer.forEach((k, v) -> out.printf("  %-22s %.3g%n", k, v));
    out.println("  (CONJ-1: largest change of a head's renormalised content attention caused by a prompt;"
        + " CONJ-5: largest fraction of a position's block-output shift outside the LIM-2..4 directions)");
    if (html != null) {
      Site.Extra x = InspectFigures.page(page, figureRows, figureDepth, htmlHead);
      Site.writeExtra(html, x);
      out.println("wrote " + html.resolve(x.path()));
    }
    Map<String, Double> worst = new java.util.TreeMap<>();
    checks.forEach(r -> worst.merge(r.claim(), r.maxAbsErr(), Math::max));
    out.println("largest error per claim: " + worst.entrySet().stream().map(e -> String.format("%s %.3g",
        e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
    // CONJ-9 rows (length-dependent RoPE past its trained length) measure a conjecture that is false
    long bad = checks.stream().filter(r -> !r.holds() && !r.claim().equals("CONJ-9")).count();
    long conj9 = checks.stream().filter(r -> r.claim().equals("CONJ-9")).count();
    out.println(checks.size() - bad - conj9 + " rows hold, " + bad + " do not" + (conj9 == 0 ? ""
        : "; " + conj9 + " CONJ-9 rows measure the length-dependent RoPE past its trained length, "
            + checks.stream().filter(r -> r.claim().equals("CONJ-9") && !r.holds()).count() + " of them differ"));
    if (json != null) {
      ObjectNode data = JsonEnvelope.MAPPER.createObjectNode();
      data.put("model", name);
      data.put("architecture", arch.summary());
      data.put("mask", mask);
      data.put("prefix_length", prefix);
      data.set("inputs", inputs);
      ArrayNode jsonRows = data.putArray("rows");
      sorted.forEach(r -> jsonRows.add(r.json()));
      JsonEnvelope.write(json, JsonEnvelope.of("inspect", 1, seed, weightsSha256, data));
    }
    return bad == 0 ? 0 : 1;
  }
}
