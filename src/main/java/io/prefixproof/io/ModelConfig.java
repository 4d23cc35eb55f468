package io.prefixproof.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.ScoreScale;
import java.io.IOException;
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
 * weights path is relative to the config file. Every problem is an error naming the field or tensor.
 */
public final class ModelConfig {
  private ModelConfig() {}

  static final Set<String> FIELDS = Set.of("vocab", "d_model", "layers", "heads", "d_head", "d_value",
      "mlp_hidden", "activation", "norm", "final_norm", "norm_eps", "attn_biases", "mask", "positions",
      "max_context", "scale");

  /** Loads the config and its weights into the double engine. */
  public static FastModel load(Path config) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(config.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read model config " + config + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("model config " + config + " is not a JSON object");
    }
    Architecture a = architecture(root.path("architecture"), config);
    String weights = text(root, "weights", config);
    Path file = config.toAbsolutePath().getParent().resolve(weights);
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(file);
    Map<String, String> names = new LinkedHashMap<>();
    JsonNode n = root.path("names");
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      names.put(e.getKey(), e.getValue().asText());
    }
    Map<String, DMatrixRMaj> params = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : Model.shapes(a).entrySet()) {
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

  static Architecture architecture(JsonNode a, Path config) {
    if (!a.isObject()) {
      throw new IllegalArgumentException(config + ": missing object \"architecture\"");
    }
    for (Map.Entry<String, JsonNode> field : a.properties()) {
      String f = field.getKey();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(config + ": unknown architecture field \"" + f + "\"; known: "
            + new java.util.TreeSet<>(FIELDS));
      }
    }
    int d = integer(a, "d_model", config);
    return Architecture.builder(d).vocab(integer(a, "vocab", config)).layers(integer(a, "layers", config))
        .heads(integer(a, "heads", config)).dHead(integer(a, "d_head", config)).dValue(integer(a, "d_value", config))
        .mlp(integer(a, "mlp_hidden", config), pick(Architecture.Activation.class, a, "activation", config))
        .norm(pick(Architecture.NormKind.class, a, "norm", config), bool(a, "final_norm", config))
        .normEps(new BigFraction(number(a, "norm_eps", config))).attnBiases(bool(a, "attn_biases", config))
        .mask(pick(Architecture.Mask.class, a, "mask", config))
        .positions(pick(Architecture.PositionKind.class, a, "positions", config))
        .maxContext(integer(a, "max_context", config))
        .scale(ScoreScale.fixed(new BigFraction(number(a, "scale", config)))).build();
  }

  static JsonNode field(JsonNode a, String f, Path config) {
    JsonNode v = a.get(f);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(config + ": missing architecture field \"" + f + "\"");
    }
    return v;
  }

  static int integer(JsonNode a, String f, Path config) {
    JsonNode v = field(a, f, config);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(config + ": \"" + f + "\" must be an integer, got " + v);
    }
    return v.intValue();
  }

  static double number(JsonNode a, String f, Path config) {
    JsonNode v = field(a, f, config);
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw new IllegalArgumentException(config + ": \"" + f + "\" must be a finite number, got " + v);
    }
    return v.doubleValue();
  }

  static boolean bool(JsonNode a, String f, Path config) {
    JsonNode v = field(a, f, config);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(config + ": \"" + f + "\" must be true or false, got " + v);
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
    String v = field(a, f, config).asText();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    throw new IllegalArgumentException(config + ": \"" + f + "\" is \"" + v + "\"; one of "
        + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase());
  }
}
