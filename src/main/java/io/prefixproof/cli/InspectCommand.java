package io.prefixproof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.prefixproof.cases.DoubleCases;
import io.prefixproof.claims.Depth;
import io.prefixproof.claims.Inspection;
import io.prefixproof.claims.LayerwiseInspection;
import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Layerwise;
import io.prefixproof.io.MiniLm;
import io.prefixproof.io.ModelConfig;
import io.prefixproof.io.hf.HfModel;
import io.prefixproof.io.hf.HfTokenizer;
import io.prefixproof.io.hf.ReferenceLogits;
import io.prefixproof.model.Architecture;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
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

  @Option(names = "--json", paramLabel = "FILE", description = "Write one object per (layer, head, claim).")
  Path json;

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

  @Option(names = "--layerwise", description = "Read a Hugging Face checkpoint (llama, mistral, qwen2) one block at a"
      + " time; chosen by itself when its weights as doubles would fill half the heap. The depth measures are not run.")
  boolean layerwise;

  @Override
  public Integer call() throws Exception {
    Ranges.require("--prefix", prefix, 1, Ranges.POSITIONS_MAX);
    if (randomContent != null) {
      Ranges.require("--random-content", randomContent, 1, Ranges.POSITIONS_MAX);
    }
    if (json != null) {
      Ranges.requireWritableFile("--json", json);
    }
    if (!mask.equals("trained") && !mask.equals("causal")) {
      throw new IllegalArgumentException("--mask must be trained or causal, got '" + mask + "'");
    }
    List<Inspection.Row> rows = new java.util.ArrayList<>();
    depth.clear();
    if (model.equals("minilm")) {
      if (layerwise) {
        throw new IllegalArgumentException("--layerwise needs a Hugging Face checkpoint directory");
      }
      if (tokens != null || randomContent != null) {
        throw new IllegalArgumentException("minilm takes --text, not --tokens or --random-content");
      }
      MiniLm mini = MiniLm.load();
      FastModel m = masked(mini.model());
      System.out.println("all-MiniLM-L6-v2: " + m.arch().summary() + (mask.equals("causal")
          ? " (a causal mask was imposed: the model was trained bidirectionally)" : ""));
      List<String> sentences = texts == null ? SENTENCES : texts;
      for (int s = 0; s < sentences.size(); s++) {
        int[] ids = mini.tokenizer().encode(sentences.get(s));
        System.out.println("sentence " + s + ": " + ids.length + " tokens: " + sentences.get(s));
        for (Inspection.Row r : Inspection.run(m, mini.embed(ids, prefix), prefix, seed + s)) {
          rows.add(new Inspection.Row("s" + s + " " + r.prefix(), r.layer(), r.head(), r.claim(), r.maxAbsErr(),
              r.maxRatio(), r.holds()));
        }
        depth.addAll(Depth.measure(m, mini.embed(ids), prefix, seed + s));
      }
      return report(rows);
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
      System.out.println("text: " + texts.get(0) + " -> tokens " + java.util.Arrays.toString(tokens));
    }
    if ((tokens == null && expectLogits == null) == (randomContent == null)) {
      throw new IllegalArgumentException("give exactly one of --tokens (or --expect-logits) and --random-content");
    }
    boolean blocks = HfModel.isCheckpoint(Path.of(model)) && (layerwise || tooLarge(Path.of(model)));
    if (layerwise && !blocks) {
      throw new IllegalArgumentException("--layerwise needs a Hugging Face checkpoint directory");
    }
    Layerwise lw = blocks ? HfModel.layerwise(Path.of(model)) : null;
    FastModel m = blocks ? null : masked(HfModel.isCheckpoint(Path.of(model)) ? HfModel.load(Path.of(model))
        : ModelConfig.load(Path.of(model), allowOutsideWeights));
    Architecture arch = blocks ? lw.arch() : m.arch();
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
      System.out.println(model + ": " + arch.summary() + (blocks ? " (read block by block)" : ""));
      if (!Preview.show(arch, blocks ? lw::logits : t -> Preview.logits(m, t), tokens, steps, ref, tolerance,
          System.out)) {
        System.out.println("the model does not reproduce the reference logits: claims not checked");
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
      LayerwiseInspection.Result r = LayerwiseInspection.run(lw, content, prefix, seed, System.err);
      System.out.printf("read block by block: %.1f s decoding weights (%.1f s CPU), %.1f s running and checking"
          + " (%.1f s CPU); the depth measures (CONJ-1, CONJ-5) are not run%n", r.readSeconds(), r.readCpuSeconds(),
          r.computeSeconds(), r.computeCpuSeconds());
      rows.addAll(r.rows());
      return report(rows);
    }
    rows.addAll(Inspection.run(m, content, prefix, seed));
    depth.addAll(Depth.measure(m, content, prefix, seed));
    return report(rows);
  }

  /** True when the checkpoint's weights as doubles, with the copies a run makes, would fill half the heap. */
  static boolean tooLarge(Path dir) {
    return HfModel.weightCount(dir) > Runtime.getRuntime().maxMemory() / 2 / 16;
  }

  /** Depth measurements (CONJ-1, CONJ-5) of the current run. */
  private final List<Depth.Row> depth = new java.util.ArrayList<>();

  FastModel masked(FastModel m) {
    return mask.equals("causal") ? m.withArchitecture(m.arch().toBuilder().mask(Architecture.Mask.CAUSAL).build()) : m;
  }

  int report(List<Inspection.Row> rows) throws java.io.IOException {
    System.out.printf("%-21s %5s %4s %-6s %12s %10s  %s%n", "prefix", "layer", "head", "claim", "max_abs_err",
        "err/tol", "holds");
    for (Inspection.Row r : rows) {
      System.out.printf("%-21s %5d %4s %-6s %12.3g %10.3g  %s%n", r.prefix(), r.layer(),
          r.head() < 0 ? "-" : Integer.toString(r.head()), r.claim(), r.maxAbsErr(), r.maxRatio(),
          r.holds() ? "yes" : "NO");
    }
    System.out.println("\ndepth conjectures, measured (0 would mean they held; see proofs-notes/CONJ-1.md, CONJ-5.md):");
    Map<String, Double> perLayer = new java.util.TreeMap<>();
    depth.forEach(d -> perLayer.merge(d.claim() + " layer " + d.layer(), d.value(), Math::max));
    perLayer.forEach((k, v) -> System.out.printf("  %-22s %.3g%n", k, v));
    System.out.println("  (CONJ-1: largest change of a head's renormalised content attention caused by a prompt;"
        + " CONJ-5: largest fraction of a position's block-output shift outside the LIM-2..4 directions)");
    if (json != null) {
      List<Map<String, Object>> out = new java.util.ArrayList<>(rows.stream().map(r -> {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("prefix", r.prefix());
        o.put("layer", r.layer());
        o.put("head", r.head() < 0 ? null : r.head());
        o.put("claim", r.claim());
        o.put("max_abs_err", r.maxAbsErr());
        o.put("err_over_tolerance", r.maxRatio());
        o.put("holds", r.holds());
        return o;
      }).toList());
      for (Depth.Row d : depth) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("prefix", "prompt/residual");
        o.put("layer", d.layer());
        o.put("head", d.head() < 0 ? null : d.head());
        o.put("claim", d.claim());
        o.put("measured", d.value());
        o.put("holds", null);
        out.add(o);
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
      System.out.println("wrote " + json);
    }
    // CONJ-9 rows (length-dependent RoPE past its trained length) measure a conjecture that is false
    long bad = rows.stream().filter(r -> !r.holds() && !r.claim().equals("CONJ-9")).count();
    Map<String, Double> worst = new java.util.TreeMap<>();
    rows.forEach(r -> worst.merge(r.claim(), r.maxAbsErr(), Math::max));
    System.out.println("largest error per claim: " + worst);
    long measured = rows.stream().filter(r -> r.claim().equals("CONJ-9")).count();
    System.out.println(rows.size() - bad - measured + " rows hold, " + bad + " do not" + (measured == 0 ? ""
        : "; " + measured + " CONJ-9 rows measure the length-dependent RoPE past its trained length, "
            + rows.stream().filter(r -> r.claim().equals("CONJ-9") && !r.holds()).count() + " of them differ"));
    return bad == 0 ? 0 : 1;
  }
}
