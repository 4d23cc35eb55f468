package io.prefixproof.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader of the safetensors format: an 8-byte little-endian header length h, a JSON header of h bytes
 * mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets into the
 * data after the header; an optional {@code "__metadata__"} entry is ignored), then the data. Every
 * inconsistency is an {@link IllegalArgumentException} naming the file, the tensor and the numbers:
 * truncated file, header longer than the file, offsets outside the data or disagreeing with dtype × shape,
 * overlapping tensors, unknown dtype, non-finite values.
 */
public final class Safetensors {
  private Safetensors() {}

  /** One tensor, converted to doubles, row-major. */
  public record Tensor(String name, String dtype, long[] shape, double[] data) {
    /** Rows × columns of a 1-D (as one row) or 2-D tensor; throws naming the tensor otherwise. */
    public int[] matrixShape() {
      if (shape.length == 1) {
        return new int[] {1, (int) shape[0]};
      }
      if (shape.length == 2) {
        return new int[] {(int) shape[0], (int) shape[1]};
      }
      throw new IllegalArgumentException("tensor " + name + " has " + shape.length + " dimensions "
          + java.util.Arrays.toString(shape) + "; only vectors and matrices are weights here");
    }
  }

  static int bytesOf(String dtype) {
    return switch (dtype) {
      case "F64" -> 8;
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default -> -1;
    };
  }

  /** Reads every tensor of {@code file}. */
  public static Map<String, Tensor> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    return parse(bytes, file.toString());
  }

  /** Parses safetensors bytes; {@code where} names the source in messages. */
  public static Map<String, Tensor> parse(byte[] bytes, String where) {
    if (bytes.length < 8) {
      throw new IllegalArgumentException(where + ": truncated: " + bytes.length + " bytes, shorter than the 8-byte"
          + " header length");
    }
    long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLen < 2 || headerLen > bytes.length - 8L) {
      throw new IllegalArgumentException(where + ": header length " + headerLen + " does not fit in a file of "
          + bytes.length + " bytes");
    }
    JsonNode header = header(bytes, 8, (int) headerLen, where);
    long dataStart = 8 + headerLen;
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Entry t : entries(header, bytes.length - dataStart, where)) {
      double[] data = decode(ByteBuffer.wrap(bytes, (int) (dataStart + t.begin()), (int) (t.end() - t.begin())),
          (int) t.count(), t.dtype());
      requireFinite(data, where, t.name());
      out.put(t.name(), new Tensor(t.name(), t.dtype(), t.shape(), data));
    }
    return out;
  }

  /** The JSON header in {@code len} bytes from {@code offset}; it must be an object. */
  public static JsonNode header(byte[] bytes, int offset, int len, String where) {
    JsonNode header;
    try {
      header = new ObjectMapper().readTree(new String(bytes, offset, len, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": header is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (header == null || !header.isObject()) {
      throw new IllegalArgumentException(where + ": header is not a JSON object");
    }
    return header;
  }

  /** Throws naming the tensor and flat index of the first NaN or infinity. */
  public static void requireFinite(double[] data, String where, String name) {
    for (int i = 0; i < data.length; i++) {
      if (!Double.isFinite(data[i])) {
        throw new IllegalArgumentException(where + ": tensor " + name + " has the non-finite value " + data[i]
            + " at flat index " + i);
      }
    }
  }

  /** A tensor's header entry: dtype, shape and its byte range [begin, end) in the data after the header. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    /** Number of elements. */
    public long count() {
      return (end - begin) / bytesOf(dtype);
    }
  }

  /**
   * The validated entries of a parsed header, for {@code dataLen} data bytes: every tensor has a known
   * dtype, non-negative dimensions and offsets inside the data that match dtype × shape and overlap no other
   * tensor's. {@code where} names the file in messages.
   */
  public static List<Entry> entries(JsonNode header, long dataLen, String where) {
    List<Entry> out = new ArrayList<>();
    List<long[]> ranges = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      JsonNode t = e.getValue();
      String dtype = t.path("dtype").asText(null);
      if (dtype == null) {
        throw new IllegalArgumentException(where + ": tensor " + name + " has no dtype");
      }
      int size = bytesOf(dtype);
      if (size < 0) {
        throw new IllegalArgumentException(where + ": tensor " + name + " has unsupported dtype " + dtype
            + " (supported: F64, F32, F16, BF16)");
      }
      JsonNode shapeNode = t.path("shape");
      JsonNode offsets = t.path("data_offsets");
      if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
        throw new IllegalArgumentException(where + ": tensor " + name + " needs a shape array and two data_offsets");
      }
      long[] shape = new long[shapeNode.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asLong(-1);
        if (shape[i] < 0) {
          throw new IllegalArgumentException(where + ": tensor " + name + " has a negative or non-integer dimension "
              + shapeNode.get(i));
        }
        count = Math.multiplyExact(count, shape[i]);
      }
      long begin = offsets.get(0).asLong(-1);
      long end = offsets.get(1).asLong(-1);
      if (begin < 0 || end < begin || end > dataLen) {
        throw new IllegalArgumentException(where + ": tensor " + name + " has data_offsets [" + begin + ", " + end
            + "] outside the " + dataLen + " data bytes (truncated file or a header that lies)");
      }
      if (end - begin != count * size) {
        throw new IllegalArgumentException(where + ": tensor " + name + " is " + dtype + " " + java.util.Arrays.toString(shape)
            + " = " + count * size + " bytes, but its data_offsets span " + (end - begin));
      }
      for (long[] r : ranges) {
        if (begin < r[1] && r[0] < end) {
          throw new IllegalArgumentException(where + ": tensor " + name + " overlaps another tensor's bytes ["
              + r[0] + ", " + r[1] + ")");
        }
      }
      ranges.add(new long[] {begin, end});
      out.add(new Entry(name, dtype, shape, begin, end));
    }
    return out;
  }

  /** The {@code count} values of {@code dtype} at the buffer's position, little-endian, as doubles. */
  public static double[] decode(ByteBuffer buffer, int count, String dtype) {
    ByteBuffer b = buffer.order(ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = switch (dtype) {
        case "F64" -> b.getDouble();
        case "F32" -> b.getFloat();
        case "F16" -> Float.intBitsToFloat(halfToFloatBits(b.getShort()));
        default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
      };
    }
    return out;
  }

  /** IEEE half precision bits to single precision bits (subnormals, infinities and NaN included). */
  static int halfToFloatBits(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return sign | 0x7f800000 | (mant << 13);
    }
    if (exp == 0) {
      if (mant == 0) {
        return sign;
      }
      // normalise the subnormal
      int e = -1;
      do {
        e++;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      return sign | ((127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
    return sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }

  /** Writes tensors (F32 or F64) in safetensors format: for tests and for exporting our own models. */
  public static byte[] write(Map<String, Tensor> tensors) {
    StringBuilder h = new StringBuilder("{");
    long offset = 0;
    List<byte[]> blobs = new ArrayList<>();
    for (Tensor t : tensors.values()) {
      int size = bytesOf(t.dtype());
      ByteBuffer b = ByteBuffer.allocate(t.data().length * size).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : t.data()) {
        if (t.dtype().equals("F64")) {
          b.putDouble(v);
        } else if (t.dtype().equals("F32")) {
          b.putFloat((float) v);
        } else {
          throw new IllegalArgumentException("writing " + t.dtype() + " is not supported; use F32 or F64");
        }
      }
      blobs.add(b.array());
      h.append(h.length() > 1 ? "," : "").append('"').append(t.name()).append("\":{\"dtype\":\"").append(t.dtype())
          .append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
          .append(",\"data_offsets\":[").append(offset).append(',').append(offset + b.capacity()).append("]}");
      offset += b.capacity();
    }
    byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate((int) (8 + header.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(header.length).put(header);
    blobs.forEach(out::put);
    return out.array();
  }
}
