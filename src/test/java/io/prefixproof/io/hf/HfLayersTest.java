package io.prefixproof.io.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.claims.LayerwiseInspection;
import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Layerwise;
import io.prefixproof.fast.Layerwises;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading a checkpoint one block at a time ({@link HfLayers}) against the whole-model import
 * ({@link HfModel#load}), which the reference logits and the planted violations of the other tests check: the
 * logits must be the same doubles ({@code LayerwiseInspectionTest} compares the rows).
 */
class HfLayersTest {

  static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2};

  static Path dir(String family) {
    return HfCheckpointsTest.DIR.resolve(family);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gpt2", "llama", "llama3", "mistral", "qwen2"})
  @DisplayName("block by block: the same logits as the whole model, double for double, twice in a row")
  void sameAsWholeModel(String family) {
    FastModel whole = HfModel.load(dir(family));
    Layerwise blocks = HfModel.layerwise(dir(family));
    DMatrixRMaj expected = HfCheckpointsTest.logits(whole, TOKENS);
    assertTrue(Arrays.equals(expected.data, blocks.logits(TOKENS).data), family + ": logits differ");
    // the second pass decodes every block into the arrays of the block before
    assertTrue(Arrays.equals(expected.data, blocks.logits(TOKENS).data), family + ": logits differ on reuse");
  }

  @Test
  @DisplayName("planted: blocks read in the wrong order change the logits and the rows")
  void wrongBlockOrderIsSeen() {
    Layerwise blocks = HfModel.layerwise(dir("llama"));
    Layerwise swapped = Layerwises.withLayers(blocks, l -> blocks.layer(blocks.arch().layers() - 1 - l));
    FastModel whole = HfModel.load(dir("llama"));
    assertTrue(!Arrays.equals(HfCheckpointsTest.logits(whole, TOKENS).data, swapped.logits(TOKENS).data));
    assertNotEquals(LayerwiseInspection.run(blocks, blocks.embed(TOKENS), 2, 1, null).rows(),
        LayerwiseInspection.run(swapped, swapped.embed(TOKENS), 2, 1, null).rows());
  }

  @Test
  @DisplayName("a tensor of a block past the last, or one a block does not use, is an error naming it")
  void unknownTensors(@TempDir Path tmp) throws Exception {
    Path src = dir("mistral");
    for (String f : new String[] {"config.json", "model.safetensors"}) {
      Files.copy(src.resolve(f), tmp.resolve(f));
    }
    String config = Files.readString(src.resolve("config.json"));
    Files.writeString(tmp.resolve("config.json"), config.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1"));
    IllegalArgumentException past = assertThrows(IllegalArgumentException.class, () -> HfModel.layerwise(tmp));
    assertTrue(past.getMessage().contains("layers.1.") && past.getMessage().contains("configured with 1 blocks"),
        past.getMessage());
    // Qwen2's q/k/v biases read as a Mistral model, which has none: block 0 leaves them unused
    Path qwen = tmp.resolve("qwen");
    Files.createDirectory(qwen);
    Files.copy(dir("qwen2").resolve("model.safetensors"), qwen.resolve("model.safetensors"));
    Files.writeString(qwen.resolve("config.json"), Files.readString(dir("qwen2").resolve("config.json"))
        .replace("\"qwen2\"", "\"mistral\"").replace("\"use_sliding_window\": false,", "")
        .replace("\"max_window_layers\": 2,", ""));
    Layerwise blocks = HfModel.layerwise(qwen);
    IllegalArgumentException unused = assertThrows(IllegalArgumentException.class, () -> blocks.layer(0));
    assertTrue(unused.getMessage().contains("model.layers.0.self_attn.k_proj.bias is not part of a mistral model"),
        unused.getMessage());
  }
}
