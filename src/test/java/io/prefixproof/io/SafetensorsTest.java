package io.prefixproof.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.cli.Main;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  static Map<String, Safetensors.Tensor> one(String dtype, double... values) {
    Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
    t.put("w", new Safetensors.Tensor("w", dtype, new long[] {1, values.length}, values));
    return t;
  }

  /** A file from a hand-written header and raw data bytes. */
  static byte[] craft(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putLong(h.length).put(h).put(data).array();
  }

  static String error(byte[] bytes) {
    return assertThrows(IllegalArgumentException.class, () -> Safetensors.parse(bytes, "f.safetensors")).getMessage();
  }

  @Test
  @DisplayName("F32 and F64 round-trip; F16 and BF16 decode")
  void roundTripAndHalfPrecision() {
    Safetensors.Tensor t = Safetensors.parse(Safetensors.write(one("F32", 1.5, -2, 0.25)), "x").get("w");
    assertArrayEquals(new double[] {1.5, -2, 0.25}, t.data());
    assertArrayEquals(new double[] {Math.PI}, Safetensors.parse(Safetensors.write(one("F64", Math.PI)), "x")
        .get("w").data());
    // F16 0x3C00 = 1, 0xC000 = -2, 0x0001 = 2^-24 (subnormal); BF16 0x3F80 = 1
    byte[] half = {0x00, 0x3C, 0x00, (byte) 0xC0, 0x01, 0x00};
    assertArrayEquals(new double[] {1, -2, Math.pow(2, -24)}, Safetensors.parse(craft(
        "{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}", half), "x").get("w").data());
    assertArrayEquals(new double[] {1}, Safetensors.parse(craft(
        "{\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]},\"__metadata__\":{\"a\":\"b\"}}",
        new byte[] {(byte) 0x80, 0x3F}), "x").get("w").data());
  }

  @Nested
  @DisplayName("bad files are rejected with a message naming the problem")
  class BadFiles {
    @Test
    void truncatedFile() {
      byte[] good = Safetensors.write(one("F32", 1, 2, 3));
      assertTrue(error(Arrays.copyOf(good, 5)).contains("truncated"));
      assertTrue(error(Arrays.copyOf(good, good.length - 4)).contains("outside the 8 data bytes"));
    }

    @Test
    void headerThatLies() {
      assertTrue(error(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", new byte[8]))
          .contains("tensor w is F32 [4] = 16 bytes, but its data_offsets span 8"));
      byte[] b = craft("{}", new byte[0]);
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
      assertTrue(error(b).contains("its header length field does not fit in a file of 10 bytes"), error(b));
      assertTrue(error(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
          + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])).contains("overlaps"));
      assertTrue(error(craft("not json", new byte[0])).contains("not valid JSON"));
    }

    @Test
    void unknownDtype() {
      assertTrue(error(craft("{\"w\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]))
          .contains("unsupported dtype I8"));
    }

    @Test
    void nonFiniteValues() {
      assertTrue(error(Safetensors.write(one("F32", 1, Double.NaN))).contains("tensor w has the non-finite value NaN at flat index 1"));
      assertTrue(error(Safetensors.write(one("F64", Double.POSITIVE_INFINITY))).contains("Infinity at flat index 0"));
    }
  }

  @Nested
  @DisplayName("a user's model: config plus weights")
  class UserModel {
    @TempDir
    Path dir;

    Path write(String configArch, Map<String, Safetensors.Tensor> tensors) throws Exception {
      return ModelFixtures.write(dir, configArch, "model.safetensors", tensors);
    }

    static final String ARCH = ModelFixtures.ARCH;

    Map<String, Safetensors.Tensor> weights() {
      return ModelFixtures.weights();
    }

    @Test
    @DisplayName("inspect runs every layer and head and exits 0; JSON has the fields")
    void inspectRuns() throws Exception {
      Path cfg = write(ARCH, weights());
      Path json = dir.resolve("out.json");
      assertEquals(0, Main.execute("inspect", "--model", cfg.toString(), "--random-content", "4", "--json",
          json.toString()));
      String s = Files.readString(json);
      assertTrue(s.contains("\"layer\" : 1") && s.contains("\"claim\" : \"LIM-1\"") && s.contains("\"holds\" : true")
          && s.contains("\"max_abs_err\""), s);
    }

    @Test
    @DisplayName("missing or misshapen tensors and bad config fields are named")
    void badModels() throws Exception {
      Map<String, Safetensors.Tensor> w = weights();
      w.remove("L1.h0.Wk");
      String e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.load(write(ARCH, w))).getMessage();
      assertTrue(e.contains("missing tensor L1.h0.Wk, expected shape 4x8"), e);
      Map<String, Safetensors.Tensor> w2 = weights();
      w2.put("L0.Wo", new Safetensors.Tensor("L0.Wo", "F32", new long[] {8, 7}, new double[56]));
      e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.load(write(ARCH, w2))).getMessage();
      assertTrue(e.contains("tensor L0.Wo has shape 8x7, expected 8x8"), e);
      e = assertThrows(IllegalArgumentException.class,
          () -> ModelConfig.load(write(ARCH.replace("\"layer\"", "\"batch\""), weights()))).getMessage();
      assertTrue(e.contains("\"norm\" is \"batch\""), e);
      e = assertThrows(IllegalArgumentException.class,
          () -> ModelConfig.load(write(ARCH + ", \"dropout\": 0.1", weights()))).getMessage();
      assertTrue(e.contains("unknown architecture field \"dropout\""), e);
      assertEquals(2, Main.execute("inspect", "--model", dir.resolve("nope.json").toString(), "--random-content", "2"));
    }
  }
}
