package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect --model DIR} on a shipped Hugging Face checkpoint: logits first, then the claims. */
class InspectHfTest {

  static final String LLAMA = "src/test/resources/hf/llama";

  @Test
  @DisplayName("matching reference logits: exit 0 and one JSON row per layer, head and claim, CONJ-3 included")
  void matchingReference(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("rows.json");
    assertEquals(0, Main.execute("inspect", "--model", LLAMA, "--expect-logits", LLAMA + "/reference.json",
        "--json", json.toString()));
    Set<String> seen = new HashSet<>();
    for (JsonNode row : new ObjectMapper().readTree(json.toFile()).path("data").path("rows")) {
      if (!row.get("head").isNull()) {
        seen.add(row.get("claim").asText() + " " + row.get("layer").asInt() + " " + row.get("head").asInt());
      }
    }
    for (String claim : new String[] {"LIM-1", "LIM-3", "CONJ-3"}) {
      for (int l = 0; l < 2; l++) {
        for (int h = 0; h < 4; h++) {
          assertTrue(seen.contains(claim + " " + l + " " + h), claim + " layer " + l + " head " + h + " missing");
        }
      }
    }
  }

  @Test
  @DisplayName("a reference logit off by 1e-9 exits 1 under the float64 tolerance and 0 under --tolerance 1e-6")
  void differingReference(@TempDir Path dir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode ref = (ObjectNode) json.readTree(Path.of(LLAMA, "reference.json").toFile());
    ArrayNode row = (ArrayNode) ref.get("logits").get(3);
    row.set(5, row.get(5).doubleValue() + 1e-9);
    Path file = dir.resolve("off.json");
    json.writeValue(file.toFile(), ref);
    assertEquals(1, Main.execute("inspect", "--model", LLAMA, "--expect-logits", file.toString()));
    assertEquals(0, Main.execute("inspect", "--model", LLAMA, "--expect-logits", file.toString(), "--tolerance", "1e-6"));
  }

  @Test
  @DisplayName("--text is encoded by the checkpoint's tokenizer.json: GPT-2 byte-level or LLaMA SentencePiece BPE")
  void text(@TempDir Path dir) throws Exception {
    for (String f : new String[] {"config.json", "model.safetensors"}) {
      Files.copy(Path.of("src/test/resources/hf/gpt2", f), dir.resolve(f));
    }
    assertEquals(2, Main.execute("inspect", "--model", dir.toString(), "--text", "hello hello!"), "no tokenizer.json");
    Files.copy(Path.of("src/test/resources/hf-tokenizer/tokenizer.json"), dir.resolve("tokenizer.json"));
    assertEquals(0, Main.execute("inspect", "--model", dir.toString(), "--text", "hello hello!"));
    assertEquals(2, Main.execute("inspect", "--model", dir.toString(), "--text", "hex"), "x is not in the vocabulary");
    Path llama = dir.resolve("llama");
    Files.createDirectory(llama);
    for (String f : new String[] {"config.json", "model.safetensors"}) {
      Files.copy(Path.of("src/test/resources/hf/mistral", f), llama.resolve(f));
    }
    Files.copy(Path.of("src/test/resources/hf-tokenizer-llama/tokenizer.json"), llama.resolve("tokenizer.json"));
    assertEquals(0, Main.execute("inspect", "--model", llama.toString(), "--text", "hello world"));
  }

  @Test
  @DisplayName("--layerwise reads block by block and writes layer 0's claim rows as the whole model; a JSON config is"
      + " refused")
  void layerwise(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole.json");
    Path blocks = dir.resolve("blocks.json");
    assertEquals(0, Main.execute("inspect", "--model", LLAMA, "--expect-logits", LLAMA + "/reference.json",
        "--json", whole.toString()));
    assertEquals(0, Main.execute("inspect", "--model", LLAMA, "--expect-logits", LLAMA + "/reference.json",
        "--layerwise", "--json", blocks.toString()));
    // the claim rows (not the depth measurements, which the block-by-block reading does not run) are those of
    // the whole model at layer 0; later layers check on the prefix-free run's inputs (LayerwiseInspectionTest)
    ArrayNode expected = new ArrayNode(null);
    ArrayNode first = new ArrayNode(null);
    int count = 0;
    for (JsonNode row : new ObjectMapper().readTree(whole.toFile()).get("data").get("rows")) {
      count += row.get("holds").isNull() ? 0 : 1;
      if (!row.get("holds").isNull() && row.get("layer").asInt() == 0) {
        expected.add(row);
      }
    }
    JsonNode rows = new ObjectMapper().readTree(blocks.toFile()).get("data").get("rows");
    for (JsonNode row : rows) {
      if (row.get("layer").asInt() == 0) {
        first.add(row);
      }
    }
    assertEquals(expected, first);
    assertEquals(count, rows.size());
    assertEquals(0, Main.execute("inspect", "--model", "src/test/resources/hf/gpt2", "--tokens", "1,2", "--layerwise"));
    assertEquals(2, Main.execute("inspect", "--model", "minilm", "--layerwise"));
  }

  @Test
  @DisplayName("dynamic NTK past its trained length: CONJ-9 rows are measured and differ, yet the exit code is 0")
  void dynamicNtkPastTheTrainedLength(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("rows.json");
    assertEquals(0, Main.execute("inspect", "--model", "src/test/resources/hf/llama-dynamic", "--tokens",
        "3,1,4,1,5,9,2", "--prefix", "4", "--json", json.toString()));
    long differ = 0;
    for (JsonNode row : new ObjectMapper().readTree(json.toFile()).get("data").get("rows")) {
      assertTrue(!row.get("claim").asText().equals("CONJ-3"), "a CONJ-3 row past the trained length: " + row);
      differ += row.get("claim").asText().equals("CONJ-9") && !row.get("holds").asBoolean() ? 1 : 0;
    }
    assertTrue(differ > 0, "no CONJ-9 row differs");
  }

  @Test
  @DisplayName("bad options exit 2")
  void badOptions() {
    assertEquals(2, Main.execute("inspect", "--model", LLAMA, "--tokens", "1,2", "--expect-logits",
        LLAMA + "/reference.json"));
    assertEquals(2, Main.execute("inspect", "--model", LLAMA, "--tokens", "1,2", "--tolerance", "1"));
    assertEquals(2, Main.execute("inspect", "--model", LLAMA, "--tokens", "1,99"));
  }
}
