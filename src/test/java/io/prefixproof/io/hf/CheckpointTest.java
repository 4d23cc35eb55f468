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

  /** A one-tensor BF16 file of the given raw values, shape rows × cols. */
  static Checkpoint bf16(Path dir, int rows, int cols, short[] raw) throws Exception {
    String header = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[" + rows + "," + cols + "],\"data_offsets\":[0,"
        + 2 * raw.length + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 2 * raw.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (short v : raw) {
      b.putShort(v);
    }
    java.nio.file.Files.write(dir.resolve("model.safetensors"), b.array());
    return Checkpoint.open(dir);
  }

  @Test
  @DisplayName("rows decoded in parallel straight into place: per-head matrices in RoPE order, windows of one row,"
      + " and a non-finite value named by its flat index")
  void rowsIntoPlace(@TempDir Path dir) throws Exception {
    // 2 heads of k = 4 rows, 3 columns; entry (r, c) = r + c/4 exactly (BF16 holds these small dyadic numbers)
    short[] raw = new short[24];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (short) (Float.floatToIntBits(i / 3 + (i % 3) / 4f) >>> 16);
    }
    Checkpoint c = bf16(dir, 8, 3, raw);
    double[] flat = c.read("w");
    org.ejml.data.DMatrixRMaj[] heads = c.heads("w", 2, 4, 3, true, null);
    // head h, row 2i from stored row 4h + i, row 2i + 1 from stored row 4h + 2 + i (written out by hand)
    int[][] from = {{0, 2, 1, 3}, {4, 6, 5, 7}};
    for (int h = 0; h < 2; h++) {
      for (int r = 0; r < 4; r++) {
        for (int col = 0; col < 3; col++) {
          org.junit.jupiter.api.Assertions.assertEquals(from[h][r] + col / 4.0, heads[h].get(r, col));
          org.junit.jupiter.api.Assertions.assertEquals(flat[from[h][r] * 3 + col], heads[h].get(r, col));
        }
      }
    }
    org.ejml.data.DMatrixRMaj[] again = c.heads("w", 2, 4, 3, false, heads);
    org.junit.jupiter.api.Assertions.assertSame(heads, again, "decoded into the given matrices");
    org.junit.jupiter.api.Assertions.assertEquals(6 + 0.5, again[1].get(2, 2), "stored order without RoPE");
    double[] rows = new double[24];
    c.readRows("w", 8, 3, new Checkpoint.RowTarget() {
      @Override
      public double[] array(int row) {
        return rows;
      }

      @Override
      public int offset(int row) {
        return row * 3;
      }
    }, 2);
    assertArrayEquals(flat, rows, "windows of one row (2 bytes asked, a row is 6)");
    raw[17] = (short) 0x7f80;
    Path bad = dir.resolve("bad");
    java.nio.file.Files.createDirectory(bad);
    Checkpoint inf = bf16(bad, 8, 3, raw);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> inf.heads("w", 2, 4, 3, true, null));
    assertTrue(e.getMessage().contains("tensor w has the non-finite value Infinity at flat index 17"), e.getMessage());
  }
}
