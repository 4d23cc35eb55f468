package io.prefixproof.model;

import io.prefixproof.algebra.Mat;
import java.util.List;
import org.apache.commons.math3.FieldElement;

/**
 * Every intermediate of one forward pass. Rows of stream matrices are positions: the first
 * {@link #streamPrefix} rows are prefix positions carried in the stream, the rest content. Key columns of
 * attention matrices: the first {@link #keyPrefix} are prefix keys, the rest content keys.
 *
 * @param <T> the scalar type
 */
public record Trace<T extends FieldElement<T>>(
    int streamPrefix, int keyPrefix, int[] positions, Mat<T> embeddings, List<Layer<T>> layers, Mat<T> hidden, Mat<T> logits) {

  /** One head: queries, keys, values (prefix keys first), masked scores, weights, outputs. */
  public record Head<T extends FieldElement<T>>(
      Mat<T> queries, Mat<T> keys, Mat<T> values, Mat<T> scores, boolean[][] allowed, Mat<T> weights, Mat<T> out) {}

  /** One attention sub-block: its heads and {@code o = W_O [t^1; …; t^H] + b_O}. */
  public record Attention<T extends FieldElement<T>>(List<Head<T>> heads, Mat<T> out) {}

  /** One block: stream input (after any prefix replacement), normed input, attention, MLP, output. */
  public record Layer<T extends FieldElement<T>>(
      Mat<T> input, Mat<T> normed, Attention<T> attention, Mat<T> afterAttention, Mat<T> mlpOut, Mat<T> output) {}

  /** Number of content positions. */
  public int contentLength() {
    return positions.length - streamPrefix;
  }

  public Head<T> head(int layer, int head) {
    return layers.get(layer).attention().heads().get(head);
  }

  /** Content-query × content-key attention weights of a head. */
  public Mat<T> contentWeights(int layer, int head) {
    Mat<T> w = head(layer, head).weights();
    return w.rows(streamPrefix, w.rows()).cols(keyPrefix, w.cols());
  }

  /** Content-query × prefix-key attention weights of a head. */
  public Mat<T> prefixWeights(int layer, int head) {
    Mat<T> w = head(layer, head).weights();
    return w.rows(streamPrefix, w.rows()).cols(0, keyPrefix);
  }

  /** Head outputs at content positions. */
  public Mat<T> contentHeadOut(int layer, int head) {
    Mat<T> t = head(layer, head).out();
    return t.rows(streamPrefix, t.rows());
  }

  /** Layer input rows at content positions. */
  public Mat<T> contentInput(int layer) {
    Mat<T> x = layers.get(layer).input();
    return x.rows(streamPrefix, x.rows());
  }

  /** Positions of the content rows. */
  public int[] contentPositions() {
    return java.util.Arrays.copyOfRange(positions, streamPrefix, positions.length);
  }
}
