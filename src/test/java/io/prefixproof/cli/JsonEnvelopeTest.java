package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("JSON envelope and weight hashes")
class JsonEnvelopeTest {

  /** FIPS 180-2, appendix B.1: SHA-256("abc"). */
  static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  /** FIPS 180-2, appendix B.2: SHA-256 of the 56-byte message "abcdbcde...nopq". */
  static final String TWO_BLOCKS = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

  @Test
  @DisplayName("the envelope carries schema, tool version, seed, weights hash, time and data")
  void envelopeFields() {
    ObjectNode data = JsonEnvelope.MAPPER.createObjectNode().put("x", 1);
    Instant before = Instant.now().minusSeconds(1);
    ObjectNode e = JsonEnvelope.of("verify", 3, 7L, "ab", data);
    assertEquals("prefixproof/verify/3", e.get("schema").textValue());
    assertEquals(Main.VERSION, e.get("tool_version").textValue());
    assertEquals(7, e.get("seed").longValue());
    assertEquals("ab", e.get("weights_sha256").textValue());
    Instant at = Instant.parse(e.get("generated_at").textValue());
    assertTrue(!at.isBefore(before) && !at.isAfter(Instant.now()), at.toString());
    assertEquals(data, e.get("data"));
    ObjectNode none = JsonEnvelope.of("bench", 1, null, null, data);
    assertTrue(none.get("seed").isNull() && none.get("weights_sha256").isNull(), none.toString());
    assertEquals(List.of("schema", "tool_version", "seed", "weights_sha256", "generated_at", "data"),
        iterable(none.fieldNames()));
  }

  @Test
  @DisplayName("--json - writes one JSON document to stdout; a file gets the same document")
  void writesToStdoutOrFile(@TempDir Path dir) throws Exception {
    ObjectNode e = JsonEnvelope.of("bench", 1, null, null, JsonEnvelope.MAPPER.createArrayNode().add(2));
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      JsonEnvelope.write(Path.of("-"), e);
    } finally {
      System.setOut(old);
    }
    assertEquals(e, JsonEnvelope.MAPPER.readTree(out.toString(StandardCharsets.UTF_8)));
    Path f = dir.resolve("e.json");
    JsonEnvelope.write(f, e);
    assertEquals(e, JsonEnvelope.MAPPER.readTree(f.toFile()));
    assertTrue(JsonEnvelope.toStdout(Path.of("-")) && !JsonEnvelope.toStdout(f) && !JsonEnvelope.toStdout(null));
  }

  @Test
  @DisplayName("weights hash: FIPS 180-2 vectors, files concatenated in order, streamed past the buffer")
  void sha256(@TempDir Path dir) throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "a");
    Path bc = Files.writeString(dir.resolve("bc"), "bc");
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertEquals(ABC, JsonEnvelope.sha256(List.of(a, bc)));
    assertEquals(ABC, JsonEnvelope.sha256(List.of(empty, a, empty, bc)));
    // the planted defect "files hashed in another order" gives another hash
    assertNotEquals(ABC, JsonEnvelope.sha256(List.of(bc, a)));
    String msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assertEquals(TWO_BLOCKS, JsonEnvelope.sha256(new ByteArrayInputStream(msg.getBytes(StandardCharsets.US_ASCII)),
        "vector"));
    // more than two read buffers, ending in a partial one: the stream is compared with the one-shot digest
    byte[] big = new byte[(2 << 20) + 12345];
    new Random(1).nextBytes(big);
    Path f = Files.write(dir.resolve("big"), big);
    String oneShot = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(big));
    assertEquals(oneShot, JsonEnvelope.sha256(List.of(f)));
    byte[] cut = java.util.Arrays.copyOf(big, big.length - 1);
    assertNotEquals(JsonEnvelope.sha256(List.of(f)), JsonEnvelope.sha256(List.of(Files.write(dir.resolve("cut"), cut))));
  }

  static List<String> iterable(java.util.Iterator<String> it) {
    List<String> l = new java.util.ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }
}
