package io.prefixproof.io;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of the parts of an ONNX model a weight importer needs, straight from the protobuf wire format
 * (onnx.proto field numbers): the graph's nodes (name, op type, inputs, outputs, a Constant's tensor) and
 * its initializers (float and int64 tensors, raw or packed). Malformed input is an error naming the file.
 */
public final class Onnx {
  private Onnx() {}

  /** A tensor: dims and values as doubles (int64 values converted exactly up to 2^53). */
  public record Tensor(String name, long[] dims, double[] values) {
    public int size() {
      return values.length;
    }
  }

  /** A node of the graph. {@code value} is the tensor of a Constant node, null otherwise. */
  public record Node(String name, String op, List<String> inputs, List<String> outputs, Tensor value) {}

  /** The graph: nodes in order and initializers by name. */
  public record Graph(List<Node> nodes, Map<String, Tensor> initializers) {

    /** The node called {@code name}; throws naming it when absent. */
    public Node node(String name) {
      return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow(
          () -> new IllegalArgumentException("ONNX graph has no node named " + name));
    }

    /** The initializer fed to input {@code index} of node {@code name}. */
    public Tensor weightOf(String name, int index) {
      Node n = node(name);
      if (index >= n.inputs().size()) {
        throw new IllegalArgumentException("node " + name + " has " + n.inputs().size() + " inputs, not " + (index + 1));
      }
      Tensor t = initializers.get(n.inputs().get(index));
      if (t == null) {
        throw new IllegalArgumentException("input " + index + " of node " + name + " (" + n.inputs().get(index)
            + ") is not an initializer");
      }
      return t;
    }

    /** The single value of the Constant node {@code name}. */
    public double constant(String name) {
      Node n = node(name);
      if (n.value() == null || n.value().size() != 1) {
        throw new IllegalArgumentException("node " + name + " is not a scalar Constant");
      }
      return n.value().values()[0];
    }
  }

  /** Reads the graph of the ONNX model in {@code in}; {@code where} names it in messages. */
  public static Graph read(InputStream in, String where) {
    try {
      CodedInputStream model = CodedInputStream.newInstance(in);
      model.setSizeLimit(Integer.MAX_VALUE);
      Graph graph = null;
      while (!model.isAtEnd()) {
        int tag = model.readTag();
        if (WireFormat.getTagFieldNumber(tag) == 7) {
          graph = graph(CodedInputStream.newInstance(model.readByteBuffer()));
        } else {
          model.skipField(tag);
        }
      }
      if (graph == null) {
        throw new IllegalArgumentException(where + ": no graph (ModelProto field 7) in the file");
      }
      return graph;
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": not a readable ONNX model: " + e.getMessage());
    }
  }

  static Graph graph(CodedInputStream g) throws IOException {
    List<Node> nodes = new ArrayList<>();
    Map<String, Tensor> inits = new LinkedHashMap<>();
    while (!g.isAtEnd()) {
      int tag = g.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> nodes.add(node(CodedInputStream.newInstance(g.readByteBuffer())));
        case 5 -> {
          Tensor t = tensor(CodedInputStream.newInstance(g.readByteBuffer()));
          inits.put(t.name(), t);
        }
        default -> g.skipField(tag);
      }
    }
    return new Graph(nodes, inits);
  }

  static Node node(CodedInputStream n) throws IOException {
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    String name = "";
    String op = "";
    Tensor value = null;
    while (!n.isAtEnd()) {
      int tag = n.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> in.add(n.readStringRequireUtf8());
        case 2 -> out.add(n.readStringRequireUtf8());
        case 3 -> name = n.readStringRequireUtf8();
        case 4 -> op = n.readStringRequireUtf8();
        case 5 -> {
          Tensor t = attributeTensor(CodedInputStream.newInstance(n.readByteBuffer()));
          value = t != null ? t : value;
        }
        default -> n.skipField(tag);
      }
    }
    return new Node(name, op, in, out, value);
  }

  /** The tensor (field 5 't') of an attribute, if it has one. */
  static Tensor attributeTensor(CodedInputStream a) throws IOException {
    Tensor t = null;
    while (!a.isAtEnd()) {
      int tag = a.readTag();
      if (WireFormat.getTagFieldNumber(tag) == 5) {
        t = tensor(CodedInputStream.newInstance(a.readByteBuffer()));
      } else {
        a.skipField(tag);
      }
    }
    return t;
  }

  /** TensorProto: dims (1), data_type (2), float_data (4), int64_data (7), name (8), raw_data (9). */
  static Tensor tensor(CodedInputStream t) throws IOException {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = "";
    ByteBuffer raw = null;
    List<Double> packed = new ArrayList<>();
    while (!t.isAtEnd()) {
      int tag = t.readTag();
      int field = WireFormat.getTagFieldNumber(tag);
      boolean lengthDelimited = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      switch (field) {
        case 1 -> readLongs(t, lengthDelimited, dims);
        case 2 -> type = t.readInt32();
        case 4 -> {
          if (lengthDelimited) {
            int limit = t.pushLimit(t.readRawVarint32());
            while (t.getBytesUntilLimit() > 0) {
              packed.add((double) t.readFloat());
            }
            t.popLimit(limit);
          } else {
            packed.add((double) t.readFloat());
          }
        }
        case 7 -> {
          List<Long> longs = new ArrayList<>();
          readLongs(t, lengthDelimited, longs);
          longs.forEach(x -> packed.add((double) x));
        }
        case 8 -> name = t.readStringRequireUtf8();
        case 9 -> raw = t.readByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        default -> t.skipField(tag);
      }
    }
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    double[] values;
    if (raw != null) {
      values = switch (type) {
        case 1 -> {
          double[] v = new double[raw.remaining() / 4];
          for (int i = 0; i < v.length; i++) {
            v[i] = raw.getFloat();
          }
          yield v;
        }
        case 7 -> {
          double[] v = new double[raw.remaining() / 8];
          for (int i = 0; i < v.length; i++) {
            v[i] = raw.getLong();
          }
          yield v;
        }
        default -> throw new IllegalArgumentException("tensor " + name + " has ONNX data type " + type
            + "; only float (1) and int64 (7) are read");
      };
    } else {
      values = packed.stream().mapToDouble(Double::doubleValue).toArray();
    }
    if (values.length != count) {
      throw new IllegalArgumentException("tensor " + name + " has " + values.length + " values for dims " + dims);
    }
    return new Tensor(name, dims.stream().mapToLong(Long::longValue).toArray(), values);
  }

  static void readLongs(CodedInputStream t, boolean packed, List<Long> out) throws IOException {
    if (packed) {
      int limit = t.pushLimit(t.readRawVarint32());
      while (t.getBytesUntilLimit() > 0) {
        out.add(t.readInt64());
      }
      t.popLimit(limit);
    } else {
      out.add(t.readInt64());
    }
  }
}
