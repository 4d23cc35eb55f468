package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's JSON output against the schemas documented in docs/json-schemas.md (read from the file,
 * so the document and the outputs cannot drift apart), and the check itself against planted defects.
 */
@DisplayName("JSON outputs conform to docs/json-schemas.md")
class JsonSchemasTest {

  static DocumentedSchemas schemas;
  /** Outputs made once, validated by several tests. */
  static final List<JsonNode> OUTPUTS = new ArrayList<>();

  @TempDir
  static Path dir;

  @BeforeAll
  static void runEveryCommand() throws Exception {
    schemas = DocumentedSchemas.read();
    String llama = "src/test/resources/hf/llama";
    String[][] commands = {
        {"verify", "--claim", "LIM-1", "--tries", "3"},
        {"inspect", "--model", llama, "--tokens", "1,2,3", "--continue", "0"},
        {"certify", "cap2", "--vocab", "3", "--length", "3", "--temperature", "1", "--scale", "fixed"},
        {"certify", "cap3", "--vocab", "5"},
        {"certify", "cap5", "--construction", "notebook", "--vocab", "3", "--temperature", "1", "--random-tables", "3"},
        {"bench", "--workload", "gen", "--seconds", "0.2"},
        {"bench", "--workload", "shrink", "--seeds", "1"},
        {"bench", "--workload", "W3", "--compare", "--seconds", "0.2"}};
    for (int i = 0; i < commands.length; i++) {
      Path json = dir.resolve(i + ".json");
      List<String> args = new ArrayList<>(List.of(commands[i]));
      args.addAll(List.of("--json", json.toString()));
      CliRun r = CliRun.run(300, args.toArray(String[]::new));
      assertTrue(r.exit() == 0 || r.exit() == 1, r.toString());
      OUTPUTS.add(JsonEnvelope.MAPPER.readTree(json.toFile()));
    }
  }

  @Test
  @DisplayName("each command's output has every documented field with its type, and no other field")
  void everyOutputConforms() {
    for (JsonNode doc : OUTPUTS) {
      assertEquals(List.of(), schemas.violations(doc), doc.path("schema").asText());
    }
  }

  @Test
  @DisplayName("every documented kind is produced by one of the commands above")
  void everyKindIsExercised() {
    Set<String> made = new TreeSet<>();
    OUTPUTS.forEach(d -> made.add(d.path("schema").asText()));
    assertEquals(new TreeSet<>(schemas.kinds().keySet()), made);
  }

  @Test
  @DisplayName("the certificate's failing target and the notebook's failing table both fill their documented shapes")
  void nullableFieldsAreExercisedFilled() {
    JsonNode cap2 = OUTPUTS.get(2).get("data");
    assertTrue(!cap2.get("correct_for_all").booleanValue() && cap2.get("failing_target").isTextual()
        && cap2.get("max_length_at_this_temperature").isInt(), cap2.toString());
    JsonNode inspect = OUTPUTS.get(1);
    assertTrue(inspect.get("weights_sha256").textValue().matches("[0-9a-f]{64}"), inspect.toString());
  }

  @Test
  @DisplayName("planted defects fail the check: a missing field, a wrong type, an extra field, an unknown kind")
  void plantedDefectsAreCaught() {
    ObjectNode verify = OUTPUTS.get(0).deepCopy();
    ((ObjectNode) verify.get("data").get(0)).remove("tries");
    assertEquals(List.of("missing data[].tries"), schemas.violations(verify));

    ObjectNode inspect = OUTPUTS.get(1).deepCopy();
    ((ObjectNode) inspect.get("data").get("rows").get(0)).put("layer", "0");
    assertTrue(schemas.violations(inspect).get(0).startsWith("data.rows[].layer is string"),
        schemas.violations(inspect).toString());

    ObjectNode certify = OUTPUTS.get(3).deepCopy();
    ((ObjectNode) certify.get("data")).put("extra", 1);
    assertEquals(List.of("undocumented data.extra"), schemas.violations(certify));

    ObjectNode envelope = OUTPUTS.get(5).deepCopy();
    envelope.remove("generated_at");
    assertEquals(List.of("missing generated_at"), schemas.violations(envelope));

    ObjectNode shrink = OUTPUTS.get(6).deepCopy();
    ((ObjectNode) shrink.get("data").get(0).get("results")).put("[0]", 1.5);
    assertEquals(List.of("data[].results.* is number 1.5, documented as integer"), schemas.violations(shrink));

    ObjectNode unknown = OUTPUTS.get(5).deepCopy();
    unknown.put("schema", "prefixproof/bench/2");
    assertEquals(List.of("schema 'prefixproof/bench/2' is not documented"), schemas.violations(unknown));

    ObjectNode nested = OUTPUTS.get(4).deepCopy();
    ((ArrayNode) nested.get("data").get("failing_pairs")).removeAll();
    ((ObjectNode) nested.get("data")).set("failing_pairs", JsonEnvelope.MAPPER.createArrayNode().add(
        JsonEnvelope.MAPPER.createArrayNode().add("x")));
    assertEquals(List.of("data.failing_pairs[][] is string \"x\", documented as integer"), schemas.violations(nested));
  }

  @Test
  @DisplayName("--json - puts exactly one JSON document on stdout and the table on stderr")
  void jsonToStdout() throws Exception {
    CliRun r = CliRun.run(120, "certify", "cap3", "--vocab", "5", "--json", "-");
    assertEquals(0, r.exit(), r.toString());
    JsonNode doc = JsonEnvelope.MAPPER.readTree(r.out());
    assertEquals(List.of(), schemas.violations(doc));
    assertTrue(r.err().contains("correct for every target"), r.err());
  }
}
