package io.prefixproof.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.ScoreScale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;

/**
 * A user's model: a JSON config naming the architecture and a safetensors file of weights.
 *
 * <pre>
 * {"architecture": {"vocab": 0, "d_model": 8, "layers": 2, "heads": 2, "d_head": 4, "d_value": 4,
 *   "mlp_hidden": 32, "activation": "gelu", "norm": "layer", "final_norm": false, "norm_eps": 1e-5,
 *   "attn_biases": true, "mask": "causal", "positions": "learned", "max_context": 64, "scale": 0.5},
 *  "weights": "model.safetensors",
 *  "names": {"L0.h0.Wq": "h.0.attn.q.0", ...}}
 * </pre>
 *
 * Weights are looked up by PrefixProof's names ({@code L0.h0.Wq}, {@code L0.Wo}, {@code L0.mlp.W1} …,
 * row-major as {@code W} in {@code x Wᵀ}) unless {@code "names"} maps a name to the file's tensor name. The
 * weights path is relative to the config file and must stay inside its folder. Integer fields must be JSON
 * integers (a string such as {@code "8"} is refused) and every field lies in its range
 * ({@link #INTEGER_RANGES}, {@link #POSITIVE_MAX}). Every problem is an error naming the config file and the
 * field, or the weights file and the tensor; no message quotes the weights file's bytes. The optional
 * {@code "attention_norm": false} (default true) leaves out a pre-norm block's norm before attention.
 */
public final class ModelConfig {
  private ModelConfig() {}

  static final Set<String> FIELDS = Set.of("vocab", "d_model", "layers", "heads", "d_head", "d_value",
      "mlp_hidden", "activation", "norm", "final_norm", "norm_eps", "attn_biases", "mask", "positions",
      "max_context", "scale", "attention_norm");

  /** Inclusive ranges of the integer fields (README, "Input ranges and exit codes"). */
  static final Map<String, long[]> INTEGER_RANGES = Map.of("vocab", new long[] {0, 10_000_000},
      "d_model", new long[] {1, 65_536}, "layers", new long[] {1, 1024}, "heads", new long[] {1, 1024},
      "d_head", new long[] {1, 65_536}, "d_value", new long[] {1, 65_536}, "mlp_hidden", new long[] {0, 1 << 20},
      "max_context", new long[] {1, 1 << 20});
  /** Upper ends of the positive real fields, whose ranges are (0, max]. */
  static final Map<String, Double> POSITIVE_MAX = Map.of("norm_eps", 1.0, "scale", 1e6);
  /** Largest config file read (a names map for a large model stays well below). */
  static final long CONFIG_BYTES_MAX = 16L << 20;
  /** A reader that also rejects duplicate keys. */
  static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Loads the config and its weights, which must lie in the config's folder. */
  public static FastModel load(Path config) {
    return load(config, false);
  }

  /**
   * Loads the config and its weights into the double engine. The weights file must lie inside the
   * config's folder (after resolving "..", absolute paths and symbolic links) unless
   * {@code allowOutsideWeights}; the model's size is checked against the heap before any weight is read.
   */
  public static FastModel load(Path config, boolean allowOutsideWeights) {
    JsonNode root = readJson(config);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("model config " + config + " is not a JSON object");
    }
    Architecture a = architecture(root.path("architecture"), config);
    Map<String, int[]> shapes = Model.shapes(a);
    requireFits(shapes, config);
    Map<String, String> names = names(root, shapes, config);
    Path file = weightsFile(config, text(root, "weights", config), allowOutsideWeights);
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(file);
    Map<String, DMatrixRMaj> params = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      String ours = e.getKey();
      String theirs = names.getOrDefault(ours, ours);
      Safetensors.Tensor t = tensors.get(theirs);
      if (t == null) {
        throw new IllegalArgumentException(file + ": missing tensor " + theirs
            + (theirs.equals(ours) ? "" : " (for " + ours + ")") + ", expected shape " + e.getValue()[0] + "x"
            + e.getValue()[1]);
      }
      int[] s = t.matrixShape();
      if (s[0] != e.getValue()[0] || s[1] != e.getValue()[1]) {
        throw new IllegalArgumentException(file + ": tensor " + theirs + " has shape " + s[0] + "x" + s[1]
            + ", expected " + e.getValue()[0] + "x" + e.getValue()[1] + " for " + ours);
      }
      params.put(ours, new DMatrixRMaj(s[0], s[1], true, t.data()));
    }
    return new FastModel(a, params);
  }

  /** The config's JSON tree; errors name the file and the position, never quote its contents. */
  static JsonNode readJson(Path config) {
    return readStrict(config, "model config");
  }

  /**
   * The JSON tree of {@code file} (at most {@link #CONFIG_BYTES_MAX} bytes, no repeated keys); errors name
   * {@code what}, the file and the position, never quote its contents.
   */
  public static JsonNode readStrict(Path file, String what) {
    try {
      long size = Files.size(file);
      if (size > CONFIG_BYTES_MAX) {
        throw new IllegalArgumentException(what + " " + file + " is " + size + " bytes, more than the "
            + CONFIG_BYTES_MAX + " accepted");
      }
      return STRICT.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " " + file + " is not valid JSON" + at(e));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + file + " (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  /** The weights file named by {@code config} (read for its "weights" field), checked as {@link #load} checks it. */
  public static Path weightsFile(Path config, boolean allowOutsideWeights) {
    JsonNode root = readJson(config);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("model config " + config + " is not a JSON object");
    }
    return weightsFile(config, text(root, "weights", config), allowOutsideWeights);
  }

  /** {@code text} as one strict JSON value (no repeated keys, nothing after it); errors name {@code what}. */
  public static JsonNode parseStrict(String text, String what) {
    try {
      return STRICT.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON" + at(e));
    }
  }

  static String at(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /**
   * The weights file named by the config, resolved against the config's folder; outside that folder only
   * when {@code allowOutside}. Nothing is read here.
   */
  static Path weightsFile(Path config, String weights, boolean allowOutside) {
    Path dir = config.toAbsolutePath().getParent();
    Path file;
    try {
      file = dir.resolve(weights).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(config + ": \"weights\" is not a valid path");
    }
    boolean inside = allowOutside;
    try {
      inside |= file.toRealPath().startsWith(dir.toRealPath());
    } catch (IOException e) {
      // a missing file: decide on the normalised path, the reader then reports it missing
      inside |= file.startsWith(dir.normalize());
    }
    if (!inside) {
      throw new IllegalArgumentException(config + ": \"weights\" names " + shorten(weights) + ", outside the"
          + " config's folder " + dir + " (inspect --allow-outside-weights allows it)");
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(config + ": \"weights\" names \"" + shorten(weights) + "\", a folder, not a"
          + " safetensors file");
    }
    return file;
  }

  /** The "names" map, from PrefixProof's weight names to the file's; every key must be a weight of the model. */
  static Map<String, String> names(JsonNode root, Map<String, int[]> shapes, Path config) {
    Map<String, String> names = new LinkedHashMap<>();
    JsonNode n = root.get("names");
    if (n == null) {
      return names;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(config + ": \"names\" must be an object from weight names to tensor names");
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!shapes.containsKey(e.getKey())) {
        throw new IllegalArgumentException(config + ": \"names\" maps " + shorten(e.getKey()) + ", which is not a"
            + " weight of this architecture");
      }
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(config + ": \"names\"." + e.getKey() + " must be a string, got "
            + shorten(e.getValue().toString()));
      }
      names.put(e.getKey(), e.getValue().textValue());
    }
    return names;
  }

  /**
   * Refuses a model whose weights would not fit: the file's doubles and the model's matrices are both
   * held while loading, 16 bytes per weight entry, and at most half the heap is spent on them.
   */
  static void requireFits(Map<String, int[]> shapes, Path config) {
    long entries = 0;
    for (int[] s : shapes.values()) {
      entries += (long) s[0] * s[1];
    }
    long heap = Runtime.getRuntime().maxMemory();
    if (entries > heap / 2 / 16) {
      throw new IllegalArgumentException(config + ": the architecture has " + entries + " weight entries, about "
          + (entries * 16 >> 20) + " MB to load; this heap holds " + (heap >> 20) + " MB (raise it with -Xmx)");
    }
  }

  static Architecture architecture(JsonNode a, Path config) {
    if (!a.isObject()) {
      throw new IllegalArgumentException(config + ": missing object \"architecture\"");
    }
    for (Map.Entry<String, JsonNode> field : a.properties()) {
      String f = field.getKey();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(config + ": unknown architecture field \"" + shorten(f) + "\"; known: "
            + new java.util.TreeSet<>(FIELDS));
      }
    }
    int d = integer(a, "d_model", config);
    Architecture.Builder b = Architecture.builder(d).vocab(integer(a, "vocab", config))
        .layers(integer(a, "layers", config))
        .heads(integer(a, "heads", config)).dHead(integer(a, "d_head", config)).dValue(integer(a, "d_value", config))
        .mlp(integer(a, "mlp_hidden", config), pick(Architecture.Activation.class, a, "activation", config))
        .norm(pick(Architecture.NormKind.class, a, "norm", config), bool(a, "final_norm", config))
        .normEps(new BigFraction(number(a, "norm_eps", config))).attnBiases(bool(a, "attn_biases", config))
        .mask(pick(Architecture.Mask.class, a, "mask", config))
        .positions(pick(Architecture.PositionKind.class, a, "positions", config))
        .maxContext(integer(a, "max_context", config))
        .scale(ScoreScale.fixed(new BigFraction(number(a, "scale", config))));
    if (a.has("attention_norm")) {
      // optional, default true: false feeds attention the unnormalised stream (minGPT's skip_layer_norm)
      b.attentionNorm(bool(a, "attention_norm", config));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(config + ": \"architecture\": " + e.getMessage());
    }
  }

  static JsonNode field(JsonNode a, String f, Path config) {
    JsonNode v = a.get(f);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(config + ": missing architecture field \"" + f + "\"");
    }
    return v;
  }

  /** An integer field within its range of {@link #INTEGER_RANGES}. */
  static int integer(JsonNode a, String f, Path config) {
    JsonNode v = field(a, f, config);
    long[] range = INTEGER_RANGES.get(f);
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < range[0] || v.longValue() > range[1]) {
      throw new IllegalArgumentException(config + ": \"" + f + "\" must be an integer in [" + range[0] + ", "
          + range[1] + "], got " + shorten(v.toString()));
    }
    return v.intValue();
  }

  /** A real field in (0, max] of {@link #POSITIVE_MAX}. */
  static double number(JsonNode a, String f, Path config) {
    JsonNode v = field(a, f, config);
    double max = POSITIVE_MAX.get(f);
    if (!v.isNumber() || !(v.doubleValue() > 0 && v.doubleValue() <= max)) {
      throw new IllegalArgumentException(config + ": \"" + f + "\" must be a number in (0, " + max + "], got "
          + shorten(v.toString()));
    }
    return v.doubleValue();
  }

  static boolean bool(JsonNode a, String f, Path config) {
    JsonNode v = field(a, f, config);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(config + ": \"" + f + "\" must be true or false, got " + shorten(v.toString()));
    }
    return v.booleanValue();
  }

  static String text(JsonNode a, String f, Path config) {
    JsonNode v = a.get(f);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(config + ": missing string field \"" + f + "\"");
    }
    return v.textValue();
  }

  static <E extends Enum<E>> E pick(Class<E> type, JsonNode a, String f, Path config) {
    JsonNode node = field(a, f, config);
    String v = node.isTextual() ? node.textValue() : node.toString();
    for (E e : type.getEnumConstants()) {
      if (node.isTextual() && e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    throw new IllegalArgumentException(config + ": \"" + f + "\" is \"" + shorten(v) + "\"; one of "
        + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase());
  }

  /** A value from the config, cut to 40 characters for messages. */
  static String shorten(String v) {
    return v.length() <= 40 ? v : v.substring(0, 40) + "...";
  }
}
