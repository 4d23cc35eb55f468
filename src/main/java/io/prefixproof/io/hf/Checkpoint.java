package io.prefixproof.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.prefixproof.io.Safetensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;

/**
 * The weights of a Hugging Face checkpoint directory: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json} ({@code {"weight_map": {tensor: file}}}). Opening reads only the
 * headers; a tensor's bytes are memory-mapped and decoded from their stored dtype (F64, F32, F16, BF16)
 * when the tensor is asked for, through windows of at most {@link #WINDOW} bytes, so files and tensors
 * larger than 2 GB are read like small ones.
 */
public final class Checkpoint {
  /** The largest byte range mapped at once (a multiple of every element size). */
  static final long WINDOW = 1L << 30;

  /** The most header bytes accepted (the safetensors format's own limit). */
  private static final long MAX_HEADER = 100L << 20;

  private record Located(Path file, long dataStart, Safetensors.Entry entry) {}

  private final Map<String, Located> tensors;

  private Checkpoint(Map<String, Located> tensors) {
    this.tensors = tensors;
  }

  /** Opens {@code dir}: the index and every shard it names, or the single {@code model.safetensors}. */
  public static Checkpoint open(Path dir) {
    Path index = dir.resolve("model.safetensors.index.json");
    Map<String, Located> all = new LinkedHashMap<>();
    if (Files.exists(index)) {
      JsonNode root = HfConfig.json(index);
      JsonNode map = root == null ? null : root.get("weight_map");
      if (map == null || !map.isObject() || map.isEmpty()) {
        throw new IllegalArgumentException(index + ": missing or empty object \"weight_map\"");
      }
      Map<String, Map<String, Located>> shards = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : map.properties()) {
        if (!e.getValue().isTextual()) {
          throw new IllegalArgumentException(index + ": weight_map entry " + e.getKey() + " is not a file name");
        }
        String file = e.getValue().textValue();
        Path shard = dir.resolve(file).normalize();
        if (!shard.getParent().equals(dir.normalize())) {
          throw new IllegalArgumentException(index + ": weight_map entry " + e.getKey() + " names " + file
              + ", which is not a file of " + dir);
        }
        Located t = shards.computeIfAbsent(file, f -> headers(shard)).get(e.getKey());
        if (t == null) {
          throw new IllegalArgumentException(index + ": weight_map puts " + e.getKey() + " in " + file
              + ", whose header has no such tensor");
        }
        all.put(e.getKey(), t);
      }
      for (Map.Entry<String, Map<String, Located>> s : shards.entrySet()) {
        for (String name : s.getValue().keySet()) {
          if (!all.containsKey(name) || !all.get(name).file().equals(s.getValue().get(name).file())) {
            throw new IllegalArgumentException(index + ": shard " + s.getKey() + " holds " + name
                + ", which weight_map does not assign to it");
          }
        }
      }
    } else {
      Path single = dir.resolve("model.safetensors");
      if (!Files.exists(single)) {
        throw new IllegalArgumentException(dir + ": neither model.safetensors nor model.safetensors.index.json");
      }
      all.putAll(headers(single));
    }
    return new Checkpoint(all);
  }

  /** The weight files this checkpoint reads, sorted by name: {@code model.safetensors} or its shards. */
  public List<Path> files() {
    return tensors.values().stream().map(Located::file).distinct().sorted().toList();
  }

  private static Map<String, Located> headers(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new IllegalArgumentException(file + ": truncated: " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLen = len.getLong(0);
      if (headerLen < 2 || headerLen > size - 8 || headerLen > MAX_HEADER) {
        throw new IllegalArgumentException(file + ": header length " + headerLen + " does not fit in a file of " + size
            + " bytes (at most " + MAX_HEADER + ")");
      }
      ByteBuffer h = ByteBuffer.allocate((int) headerLen);
      readFully(ch, h, 8);
      JsonNode header = Safetensors.header(h.array(), 0, (int) headerLen, file.toString());
      Map<String, Located> out = new LinkedHashMap<>();
      for (Safetensors.Entry e : Safetensors.entries(header, size - 8 - headerLen, file.toString())) {
        out.put(e.name(), new Located(file, 8 + headerLen, e));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  /** Every tensor name, in header order. */
  public Set<String> names() {
    return tensors.keySet();
  }

  public boolean has(String name) {
    return tensors.containsKey(name);
  }

  /** The stored shape of a tensor. */
  public long[] shape(String name) {
    return locate(name).entry().shape().clone();
  }

  /** The stored dtype of a tensor (F64, F32, F16, BF16). */
  public String dtype(String name) {
    return locate(name).entry().dtype();
  }

  private Located locate(String name) {
    Located t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("checkpoint has no tensor " + name);
    }
    return t;
  }

  /** A tensor's values, row-major, decoded now; non-finite values are an error naming the tensor. */
  public double[] read(String name) {
    return read(name, WINDOW);
  }

  /** As {@link #read(String)} with windows of at most {@code window} bytes (a multiple of the element size). */
  double[] read(String name, long window) {
    Located t = locate(name);
    Safetensors.Entry e = t.entry();
    if (e.count() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(t.file() + ": tensor " + name + " has " + e.count()
          + " elements, more than one Java array holds");
    }
    double[] out = new double[(int) e.count()];
    int size = (int) ((e.end() - e.begin()) / Math.max(1, e.count()));
    boolean finite = true;
    try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.READ)) {
      int filled = 0;
      for (long at = e.begin(); at < e.end(); at += window) {
        long len = Math.min(window, e.end() - at);
        ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, t.dataStart() + at, len).order(ByteOrder.LITTLE_ENDIAN);
        finite &= Safetensors.decode(b, 0, (int) (len / size), e.dtype(), out, filled);
        filled += (int) (len / size);
      }
    } catch (IOException ex) {
      throw new IllegalArgumentException("cannot read " + t.file() + ": " + ex.getMessage());
    }
    if (!finite) {
      Safetensors.requireFinite(out, t.file().toString(), name);
    }
    return out;
  }

  /** Where decoded rows go: stored row s of a tensor to {@code array(s)} from {@code offset(s)}. */
  interface RowTarget {
    double[] array(int row);

    int offset(int row);
  }

  /**
   * Decodes a tensor of {@code rows × cols} entries (its stored count) row by row straight into place: stored
   * row s goes to {@code target}, so a reordering of rows costs no copy. The rows are split over the common
   * fork-join pool, each decoded from the mapped file by absolute reads; finiteness is checked while decoding
   * (a non-finite value is an error naming the tensor and its flat index). Windows hold whole rows, at most
   * {@code window} bytes unless one row is larger.
   */
  void readRows(String name, int rows, int cols, RowTarget target, long window) {
    Located t = locate(name);
    Safetensors.Entry e = t.entry();
    if ((long) rows * cols != e.count()) {
      throw new IllegalArgumentException("tensor " + name + " has " + e.count() + " entries, expected " + rows + " x "
          + cols);
    }
    long rowBytes = (e.end() - e.begin()) / Math.max(1, rows);
    if (rowBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(t.file() + ": tensor " + name + " has rows of " + rowBytes
          + " bytes, more than one mapping holds");
    }
    int perWindow = (int) Math.max(1, Math.min(rows, window / Math.max(1, rowBytes)));
    boolean[] finite = new boolean[rows];
    try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.READ)) {
      for (int first = 0; first < rows; first += perWindow) {
        int count = Math.min(perWindow, rows - first);
        ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, t.dataStart() + e.begin() + first * rowBytes,
            count * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        int base = first;
        IntStream.range(0, count).parallel().forEach(r -> finite[base + r] = Safetensors.decode(b,
            (int) (r * rowBytes), cols, e.dtype(), target.array(base + r), target.offset(base + r)));
      }
    } catch (IOException ex) {
      throw new IllegalArgumentException("cannot read " + t.file() + ": " + ex.getMessage());
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols && !finite[r]; c++) {
        double v = target.array(r)[target.offset(r) + c];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(t.file() + ": tensor " + name + " has the non-finite value " + v
              + " at flat index " + ((long) r * cols + c));
        }
      }
    }
  }

  /**
   * A 2-D tensor of shape rows × cols, or a 1-D tensor of cols entries as one row when {@code rows == 1};
   * any other shape is an error naming the tensor and both shapes.
   */
  public DMatrixRMaj matrix(String name, int rows, int cols) {
    return matrix(name, rows, cols, null);
  }

  /** As {@link #matrix(String, int, int)}, decoded into {@code into} (overwritten) when it has that shape. */
  DMatrixRMaj matrix(String name, int rows, int cols, DMatrixRMaj into) {
    requireShape(name, rows, cols);
    DMatrixRMaj m = into != null && into.numRows == rows && into.numCols == cols ? into : new DMatrixRMaj(rows, cols);
    readRows(name, rows, cols, new RowTarget() {
      @Override
      public double[] array(int row) {
        return m.data;
      }

      @Override
      public int offset(int row) {
        return row * cols;
      }
    }, WINDOW);
    return m;
  }

  /**
   * A [count·k, cols] tensor as count matrices of k rows (rows [h·k, (h + 1)·k) each), decoded into those of
   * {@code into} (overwritten) when given. With {@code ropeOrder} each matrix's rows are in PrefixProof's RoPE
   * order: row 2i from row i, row 2i + 1 from row k/2 + i ({@link Llama}).
   */
  DMatrixRMaj[] heads(String name, int count, int k, int cols, boolean ropeOrder, DMatrixRMaj[] into) {
    requireShape(name, count * k, cols);
    DMatrixRMaj[] out = into != null && into.length == count && into[0].numRows == k && into[0].numCols == cols
        ? into : new DMatrixRMaj[count];
    for (int h = 0; h < count && out != into; h++) {
      out[h] = new DMatrixRMaj(k, cols);
    }
    readRows(name, count * k, cols, new RowTarget() {
      @Override
      public double[] array(int row) {
        return out[row / k].data;
      }

      @Override
      public int offset(int row) {
        int r = row % k;
        return (!ropeOrder ? r : r < k / 2 ? 2 * r : 2 * (r - k / 2) + 1) * cols;
      }
    }, WINDOW);
    return out;
  }

  private void requireShape(String name, int rows, int cols) {
    long[] s = locate(name).entry().shape();
    boolean fits = s.length == 2 ? s[0] == rows && s[1] == cols : s.length == 1 && rows == 1 && s[0] == cols;
    if (!fits) {
      throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(s) + ", expected "
          + (rows == 1 ? "[" + cols + "]" : "[" + rows + ", " + cols + "]"));
    }
    if ((long) rows * cols > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(locate(name).file() + ": tensor " + name + " has " + (long) rows * cols
          + " elements, more than one Java array holds");
    }
  }
}
