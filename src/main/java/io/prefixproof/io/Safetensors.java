package io.prefixproof.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
 * overlapping tensors, unknown dtype, non-finite values, and a shape, offset or dtype of the wrong JSON type
 * (a dimension given as the string {@code "8"}). No message quotes the file's bytes: a file that is not
 * safetensors at all is reported by its size, not by what its first eight bytes spell. Files are read
 * whole, so one larger than {@link #FILE_BYTES_MAX} or than half the heap is refused before reading.
 */
public final class Safetensors {
  private Safetensors() {}

  /** The largest file read: its bytes must fit one Java array. */
  static final long FILE_BYTES_MAX = Integer.MAX_VALUE - 8;
  /** The largest header, as the format's reference implementation limits it (100 MB). */
  static final long HEADER_BYTES_MAX = 100_000_000;

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
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("cannot read " + file + ": no such file");
      }
      long size = Files.size(file);
      // the bytes and the decoded doubles (up to 4 per byte for F16) are held at once
      long heap = Runtime.getRuntime().maxMemory();
      if (size > FILE_BYTES_MAX || size > heap / 10) {
        throw new IllegalArgumentException(file + ": " + size + " bytes is too large to read into a heap of "
            + (heap >> 20) + " MB (at most " + Math.min(FILE_BYTES_MAX, heap / 10) + " bytes; raise it with -Xmx)");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
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
    if (headerLen < 2 || headerLen > bytes.length - 8L || headerLen > HEADER_BYTES_MAX) {
      throw new IllegalArgumentException(where + ": not a safetensors file: its header length field does not fit in"
          + " a file of " + bytes.length + " bytes");
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
      header = ModelConfig.STRICT.readTree(new String(bytes, offset, len, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": header is not valid JSON" + (e.getLocation() == null ? ""
          : " (at character " + e.getLocation().getCharOffset() + ")"));
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
      if (!t.isObject() || !t.path("dtype").isTextual()) {
        throw new IllegalArgumentException(where + ": tensor " + name + " has no dtype string");
      }
      String dtype = t.path("dtype").textValue();
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
        shape[i] = index(shapeNode.get(i), Integer.MAX_VALUE, where, name, "dimension " + i);
        try {
          count = Math.multiplyExact(count, shape[i]);
        } catch (ArithmeticException overflow) {
          throw new IllegalArgumentException(where + ": tensor " + name + " has shape " + java.util.Arrays.toString(shape)
              + " with more than 2^63 entries");
        }
      }
      long begin = index(offsets.get(0), Long.MAX_VALUE, where, name, "data_offsets[0]");
      long end = index(offsets.get(1), Long.MAX_VALUE, where, name, "data_offsets[1]");
      if (begin < 0 || end < begin || end > dataLen) {
        throw new IllegalArgumentException(where + ": tensor " + name + " has data_offsets [" + begin + ", " + end
            + "] outside the " + dataLen + " data bytes (truncated file or a header that lies)");
      }
      if (count > (end - begin) / size || end - begin != count * size) {
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

  /** A JSON integer in [0, max]; anything else (a string, a fraction, a negative) names the tensor and field. */
  static long index(JsonNode v, long max, String where, String tensor, String field) {
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > max) {
      throw new IllegalArgumentException(where + ": tensor " + tensor + " has " + field + " "
          + (v.isIntegralNumber() ? v.toString() : "of JSON type " + v.getNodeType().toString().toLowerCase())
          + "; expected an integer in [0, " + max + "]");
    }
    return v.longValue();
  }

  /** The {@code count} values of {@code dtype} at the buffer's position, little-endian, as doubles. */
  public static double[] decode(ByteBuffer buffer, int count, String dtype) {
    double[] out = new double[count];
    decode(buffer.order(ByteOrder.LITTLE_ENDIAN), buffer.position(), count, dtype, out, 0);
    return out;
  }

  /**
   * Decodes the {@code count} values of {@code dtype} from byte {@code at} of a little-endian buffer (absolute
   * reads: the buffer's position is untouched, so threads may share it) into {@code out} from {@code offset};
   * returns whether all of them are finite.
   */
  public static boolean decode(ByteBuffer b, int at, int count, String dtype, double[] out, int offset) {
    double finite = 0;
    switch (dtype) {
      case "F64" -> {
        for (int i = 0; i < count; i++) {
          double v = b.getDouble(at + 8 * i);
          out[offset + i] = v;
          finite += v - v;
        }
      }
      case "F32" -> {
        for (int i = 0; i < count; i++) {
          double v = b.getFloat(at + 4 * i);
          out[offset + i] = v;
          finite += v - v;
        }
      }
      case "F16" -> {
        for (int i = 0; i < count; i++) {
          double v = Float.intBitsToFloat(halfToFloatBits(b.getShort(at + 2 * i)));
          out[offset + i] = v;
          finite += v - v;
        }
      }
      case "BF16" -> {
        for (int i = 0; i < count; i++) {
          double v = Float.intBitsToFloat((b.getShort(at + 2 * i) & 0xffff) << 16);
          out[offset + i] = v;
          finite += v - v;
        }
      }
      default -> throw new IllegalArgumentException("unsupported dtype " + dtype + " (supported: F64, F32, F16, BF16)");
    }
    // v − v is 0 for a finite v and NaN for an infinity or NaN, and a NaN stays in the sum
    return finite == 0;
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
