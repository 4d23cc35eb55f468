package io.prefixproof.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapped reader past the 2 GB mark: a sparse file whose tensor sits beyond byte 2³¹ of the data. */
class CheckpointTest {

  @Test
  @DisplayName("a tensor stored after the first 2 GiB of a file is mapped and decoded (F16, BF16)")
  void tensorPastTwoGigabytes(@TempDir Path dir) throws Exception {
    long at = (1L << 31) + 6;
    String header = "{\"half\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[" + at + "," + (at + 4) + "]},"
        + "\"brain\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[" + (at + 4) + "," + (at + 8) + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    // F16 1.5 = 0x3E00, −2 = 0xC000; BF16 0.15625 = 0x3E20, 3 = 0x4040 (sign, exponent, mantissa by hand)
    data.putShort((short) 0x3E00).putShort((short) 0xC000).putShort((short) 0x3E20).putShort((short) 0x4040);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
      f.write(b.array());
      // the file is sparse up to the tensor: nothing before it is written
      f.seek(8 + h.length + at);
      f.write(data.array());
    }
    Checkpoint c = Checkpoint.open(dir);
    assertTrue(c.has("half") && c.has("brain"));
    assertArrayEquals(new double[] {1.5, -2}, c.read("half"));
    assertArrayEquals(new double[] {0.15625, 3}, c.matrix("brain", 1, 2).data);
    assertArrayEquals(new double[] {1.5, -2}, c.read("half", 2), "read through 2-byte windows");
  }
}
