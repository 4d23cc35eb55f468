package io.prefixproof.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.io.ModelConfig;
import io.prefixproof.io.Safetensors;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trained weights as the project's model config ({@code NAME.json}, read by {@code inspect --model}) beside a
 * safetensors file ({@code NAME.safetensors}, F64, tensors under the project's names).
 */
public final class Checkpoint {
  private Checkpoint() {}

  /** Writes both files into {@code dir} and returns the config's path. */
  public static Path write(Weights w, Path dir, String name) {
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    w.all().forEach((k, a) -> {
      int[] dims = w.dims(k);
      tensors.put(k, new Safetensors.Tensor(k, "F64", new long[] {dims[0], dims[1]}, a.clone()));
    });
    Path config = dir.resolve(name + ".json");
    try {
      Files.write(dir.resolve(name + ".safetensors"), Safetensors.write(tensors));
      ObjectNode root = new ObjectMapper().createObjectNode();
      root.set("architecture", architecture(w.shape()));
      root.put("weights", name + ".safetensors");
      Files.writeString(config, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + name + " into " + dir + ": " + e.getMessage(), e);
    }
    return config;
  }

  /**
   * Reads a checkpoint {@link #write} wrote (or any model config of the same shape) back as trainable weights;
   * throws naming the file and the first size that differs from {@code expected}.
   */
  public static Weights read(Path config, Gpt expected) {
    FastModel m = ModelConfig.load(config);
    Architecture a = m.arch();
    Architecture e = expected.architecture();
    int[][] sizes = {{a.vocab(), e.vocab()}, {a.dModel(), e.dModel()}, {a.layers(), e.layers()},
        {a.heads(), e.heads()}, {a.maxContext(), e.maxContext()}};
    String[] names = {"vocab", "d_model", "layers", "heads", "max_context"};
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i][0] != sizes[i][1]) {
        throw new IllegalArgumentException(config + ": architecture field " + names[i] + " is " + sizes[i][0]
            + ", this run needs " + sizes[i][1]);
      }
    }
    Map<String, double[]> values = new LinkedHashMap<>();
    for (String name : Model.shapes(e).keySet()) {
      values.put(name, m.param(name).getData());
    }
    return Weights.of(expected, values);
  }

  /** The config's architecture object for a minGPT shape. */
  static ObjectNode architecture(Gpt g) {
    Architecture a = g.architecture();
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("vocab", a.vocab());
    o.put("d_model", a.dModel());
    o.put("layers", a.layers());
    o.put("heads", a.heads());
    o.put("d_head", a.dHead());
    o.put("d_value", a.dValue());
    o.put("mlp_hidden", a.mlpHidden());
    o.put("activation", "gelu");
    o.put("norm", "layer");
    o.put("final_norm", true);
    o.put("norm_eps", Gpt.NORM_EPS);
    o.put("attn_biases", true);
    o.put("mask", "causal");
    o.put("positions", "learned");
    o.put("max_context", a.maxContext());
    o.put("scale", g.scale());
    o.put("attention_norm", g.attentionNorm());
    return o;
  }
}
