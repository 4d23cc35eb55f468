package io.prefixproof.model;

import io.prefixproof.algebra.Mat;
import java.util.List;
import org.apache.commons.math3.FieldElement;

/**
 * What a context adaptation puts in front of the content, in the form the forward pass consumes.
 * {@code io.prefixproof.adapt} builds these from hard prompts, soft prompts and prefixes.
 *
 * <ul>
 *   <li>{@link Kind#STREAM}: p layer-1 input rows (hard or soft prompt; position embeddings are added),
 *       computed by the model at every layer like any position.
 *   <li>{@link Kind#RESIDUAL}: at every layer l the stream rows of the p prefix positions are replaced
 *       by free rows {@code S^(l)} before the layer, which then pass through the norm, W_K, W_V (and
 *       RoPE at positions 0..p−1).
 *   <li>{@link Kind#KEY_VALUE}: free keys and values per layer and head prepended to that head's keys
 *       and values (used as given: no norm, projection or rotation).
 * </ul>
 *
 * In every kind the content occupies positions p..p+n−1 and sees all prefix positions, causal mask too.
 *
 * @param <T> the scalar type
 */
public final class Prefix<T extends FieldElement<T>> {

  /** How the prefix enters. */
  public enum Kind {
    NONE,
    STREAM,
    RESIDUAL,
    KEY_VALUE
  }

  private final Kind kind;
  private final int length;
  private final Mat<T> streamRows;
  private final List<Mat<T>> layerRows;
  private final List<List<Mat<T>>> keys;
  private final List<List<Mat<T>>> values;

  private Prefix(
      Kind kind, int length, Mat<T> streamRows, List<Mat<T>> layerRows, List<List<Mat<T>>> keys, List<List<Mat<T>>> values) {
    this.kind = kind;
    this.length = length;
    this.streamRows = streamRows;
    this.layerRows = layerRows;
    this.keys = keys;
    this.values = values;
  }

  public static <T extends FieldElement<T>> Prefix<T> none() {
    return new Prefix<>(Kind.NONE, 0, null, null, null, null);
  }

  /** Layer-1 input rows {@code p × d} (token embeddings or free vectors). */
  public static <T extends FieldElement<T>> Prefix<T> stream(Mat<T> rows) {
    return new Prefix<>(Kind.STREAM, rows.rows(), rows, null, null, null);
  }

  /** Per-layer replacement rows, one {@code p × d} matrix per layer. */
  public static <T extends FieldElement<T>> Prefix<T> residual(List<Mat<T>> perLayer) {
    if (perLayer.isEmpty()) {
      throw new IllegalArgumentException("a residual prefix needs one p x d matrix per layer, got none");
    }
    return new Prefix<>(Kind.RESIDUAL, perLayer.get(0).rows(), null, List.copyOf(perLayer), null, null);
  }

  /** Free keys {@code p × k} and values {@code p × k_v} per layer (outer) and head (inner). */
  public static <T extends FieldElement<T>> Prefix<T> keyValue(List<List<Mat<T>>> keys, List<List<Mat<T>>> values) {
    if (keys.isEmpty() || keys.get(0).isEmpty()) {
      throw new IllegalArgumentException("a key/value prefix needs keys for every layer and head, got none");
    }
    return new Prefix<>(
        Kind.KEY_VALUE, keys.get(0).get(0).rows(), null, null,
        keys.stream().map(List::copyOf).toList(), values.stream().map(List::copyOf).toList());
  }

  public Kind kind() {
    return kind;
  }

  /** Number of prefix positions p. */
  public int length() {
    return length;
  }

  /** Number of prefix rows carried in the residual stream (p, or 0 for a key/value prefix). */
  public int streamLength() {
    return kind == Kind.KEY_VALUE ? 0 : length;
  }

  public Mat<T> streamRows() {
    return streamRows;
  }

  public List<Mat<T>> layerRows() {
    return layerRows;
  }

  public List<List<Mat<T>>> keys() {
    return keys;
  }

  public List<List<Mat<T>>> values() {
    return values;
  }

  /** Checks every shape against the model and the content length; throws naming the offending part. */
  public void validate(Architecture a, int contentLength) {
    if (length + contentLength > a.maxContext()) {
      throw new IllegalArgumentException(
          "prefix of " + length + " positions plus " + contentLength + " content positions exceeds the context of "
              + a.maxContext() + " positions");
    }
    int d = a.dModel();
    switch (kind) {
      case NONE -> {}
      case STREAM -> requireShape("prompt rows", streamRows, length, d);
      case RESIDUAL -> {
        if (layerRows.size() != a.layers()) {
          throw new IllegalArgumentException(
              "residual prefix has " + layerRows.size() + " layers, model has " + a.layers());
        }
        for (int l = 0; l < layerRows.size(); l++) {
          requireShape("residual prefix layer " + l, layerRows.get(l), length, d);
        }
      }
      case KEY_VALUE -> {
        if (keys.size() != a.layers() || values.size() != a.layers()) {
          throw new IllegalArgumentException(
              "key/value prefix has " + keys.size() + " key layers and " + values.size()
                  + " value layers, model has " + a.layers());
        }
        for (int l = 0; l < a.layers(); l++) {
          if (keys.get(l).size() != a.heads() || values.get(l).size() != a.heads()) {
            throw new IllegalArgumentException(
                "key/value prefix layer " + l + " has " + keys.get(l).size() + " key heads and "
                    + values.get(l).size() + " value heads, model has " + a.heads());
          }
          for (int h = 0; h < a.heads(); h++) {
            requireShape("prefix keys L" + l + ".h" + h, keys.get(l).get(h), length, a.dHead());
            requireShape("prefix values L" + l + ".h" + h, values.get(l).get(h), length, a.dValue());
          }
        }
      }
    }
  }

  private static void requireShape(String what, Mat<?> m, int rows, int cols) {
    if (m.rows() != rows || m.cols() != cols) {
      throw new IllegalArgumentException(what + " has shape " + m.shape() + ", expected " + rows + "x" + cols);
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "no prefix";
      case STREAM -> "prompt p=" + length + " rows=" + streamRows;
      case RESIDUAL -> "residual prefix p=" + length + " per layer=" + layerRows;
      case KEY_VALUE -> "key/value prefix p=" + length + " keys=" + keys + " values=" + values;
    };
  }
}
