package io.prefixproof.io.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.io.Safetensors;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.RopeScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the converters refuse, each with a message naming the field or tensor, never a silent approximation. */
class HfConfigErrorsTest {

  @TempDir
  Path tmp;

  /** A copy of a shipped checkpoint with its config.json edited. */
  Path edited(String family, Consumer<ObjectNode> edit) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(family + System.nanoTime()));
    try (Stream<Path> files = Files.list(HfCheckpointsTest.DIR.resolve(family))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
    edit.accept(config);
    json.writeValue(dir.resolve("config.json").toFile(), config);
    return dir;
  }

  void rejected(Path dir, String... mentions) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfModel.load(dir));
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), "message lacks '" + m + "': " + e.getMessage());
    }
  }

  @Test
  @DisplayName("unknown model types and unknown config fields are named")
  void unknownTypeAndField() throws IOException {
    rejected(edited("gpt2", c -> c.put("model_type", "gptj")), "\"model_type\"", "gptj", "supported");
    rejected(edited("llama", c -> c.put("qk_layernorm", true)), "\"qk_layernorm\"", "not supported for llama");
    rejected(edited("gpt2", c -> c.put("scale_attn_by_inverse_layer_idx", true)), "scale_attn_by_inverse_layer_idx");
    rejected(edited("llama", c -> c.put("mlp_bias", true)), "\"mlp_bias\"");
    rejected(edited("llama", c -> c.put("hidden_act", "gelu")), "\"hidden_act\"", "silu");
    rejected(edited("mistral", c -> c.put("num_key_value_heads", 3)), "\"num_key_value_heads\"", "3");
    rejected(edited("qwen2", c -> c.put("partial_rotary_factor", 0.5)), "\"partial_rotary_factor\"");
  }

  @Test
  @DisplayName("rope_scaling: unsupported types, unknown keys and an ambiguous YaRN config are named")
  void ropeScaling() throws IOException {
    rejected(edited("llama", c -> c.putObject("rope_scaling").put("type", "longrope").put("factor", 2.0)),
        "rope_type", "longrope");
    rejected(edited("llama", c -> ((ObjectNode) c.get("rope_scaling")).put("finetuned", true)),
        "rope_scaling", "\"finetuned\"");
    rejected(edited("qwen2", c -> ((ObjectNode) c.get("rope_scaling")).put("original_max_position_embeddings", 32)),
        "\"original_max_position_embeddings\"", "ambiguous");
    rejected(edited("llama3", c -> ((ObjectNode) c.get("rope_scaling")).remove("low_freq_factor")),
        "low_freq_factor");
  }

  @Test
  @DisplayName("dynamic NTK: trained length max_position_embeddings (or the original one), context not capped")
  void dynamicScaling() throws IOException {
    Path dir = edited("llama", c -> c.putObject("rope_scaling").put("type", "dynamic").put("factor", 2.0));
    Architecture a = HfModel.load(dir).arch();
    assertEquals(new RopeScaling(RopeScaling.Kind.DYNAMIC_NTK, new BigFraction(10000), 64, new BigFraction(2)),
        a.ropeScaling());
    assertEquals(Llama.MAX_CONTEXT, a.maxContext());
    Path original = edited("llama", c -> c.putObject("rope_scaling").put("rope_type", "dynamic").put("factor", 2.0)
        .put("original_max_position_embeddings", 16));
    assertEquals(16, HfModel.load(original).arch().ropeScaling().trainedContext());
    rejected(edited("llama", c -> c.putObject("rope_scaling").put("rope_type", "dynamic").put("factor", 0.5)),
        "\"factor\"", "at least 1");
  }

  @Test
  @DisplayName("a checkpoint tensor no converter step uses is named")
  void unusedTensor() throws IOException {
    Path dir = edited("gpt2", c -> {});
    Map<String, Safetensors.Tensor> t = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
    t.put("h.0.attn.q_norm.weight", new Safetensors.Tensor("h.0.attn.q_norm.weight", "F32", new long[] {4},
        new double[4]));
    Files.write(dir.resolve("model.safetensors"), Safetensors.write(t));
    rejected(dir, "h.0.attn.q_norm.weight", "not part of a gpt2 model");
  }

  @Test
  @DisplayName("an index that puts a tensor in the wrong shard, or a missing tensor, is named")
  void shards() throws IOException {
    Path dir = edited("llama", c -> {});
    Path index = dir.resolve("model.safetensors.index.json");
    String text = Files.readString(index);
    Files.writeString(index, text.replace("\"lm_head.weight\": \"model-00002-of-00002.safetensors\"",
        "\"lm_head.weight\": \"model-00001-of-00002.safetensors\""));
    rejected(dir, "lm_head.weight", "model-00001-of-00002.safetensors");
    Files.writeString(index, text.replace("\"model.norm.weight\": \"model-00002-of-00002.safetensors\",", ""));
    rejected(dir, "model.norm.weight", "does not assign");
  }
}
