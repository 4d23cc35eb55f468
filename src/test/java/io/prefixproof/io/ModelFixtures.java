package io.prefixproof.io;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small valid user model (config plus safetensors weights) for the reader and CLI tests. */
public final class ModelFixtures {
  private ModelFixtures() {}

  /** The architecture fields of a two-layer, two-head model of width 8 without vocabulary. */
  public static final String ARCH = "\"vocab\": 0, \"d_model\": 8, \"layers\": 2, \"heads\": 2, \"d_head\": 4,"
      + " \"d_value\": 4, \"mlp_hidden\": 32, \"activation\": \"gelu\", \"norm\": \"layer\", \"final_norm\": false,"
      + " \"norm_eps\": 1e-5, \"attn_biases\": true, \"mask\": \"causal\", \"positions\": \"none\","
      + " \"max_context\": 8, \"scale\": 0.5";

  /** Random weights of {@link #ARCH}, by PrefixProof's names, as F64 tensors. */
  public static Map<String, Safetensors.Tensor> weights() {
    FastModel m = DoubleCases.build(2, 2, 8, 4, 2, Prefix.Kind.RESIDUAL, Architecture.Mask.CAUSAL,
        Architecture.NormKind.LAYER, true, true, 1, false, 7).model();
    Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
    for (String name : Model.shapes(m.arch()).keySet()) {
      var x = m.param(name);
      t.put(name, new Safetensors.Tensor(name, "F64", new long[] {x.numRows, x.numCols}, x.data.clone()));
    }
    return t;
  }

  /** Writes {@code model.safetensors} and {@code config.json} (architecture fields, weights path) into dir. */
  public static Path write(Path dir, String arch, String weightsPath, Map<String, Safetensors.Tensor> tensors)
      throws IOException {
    Files.write(dir.resolve("model.safetensors"), Safetensors.write(tensors));
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, "{\"architecture\": {" + arch + "}, \"weights\": \"" + weightsPath + "\"}");
    return cfg;
  }
}
