package io.prefixproof.model;

import io.prefixproof.algebra.Mat;
import java.util.Arrays;
import org.apache.commons.math3.FieldElement;

/**
 * The user input: content tokens (embedded with the model's {@code embed}) or content vectors used as
 * layer-1 input rows directly (position embeddings are added in both cases).
 *
 * @param <T> the scalar type
 */
public final class Content<T extends FieldElement<T>> {
  private final int[] tokens;
  private final Mat<T> vectors;

  private Content(int[] tokens, Mat<T> vectors) {
    this.tokens = tokens;
    this.vectors = vectors;
  }

  public static <T extends FieldElement<T>> Content<T> tokens(int... tokens) {
    return new Content<>(tokens.clone(), null);
  }

  public static <T extends FieldElement<T>> Content<T> vectors(Mat<T> rows) {
    return new Content<>(null, rows);
  }

  public int length() {
    return tokens != null ? tokens.length : vectors.rows();
  }

  public boolean isTokens() {
    return tokens != null;
  }

  public int[] tokenArray() {
    return tokens.clone();
  }

  public Mat<T> vectors() {
    return vectors;
  }

  /** Layer-1 rows before position embeddings: {@code E[x_i]} or the given vectors. */
  public Mat<T> embed(Model<T> m) {
    Architecture a = m.arch();
    if (tokens == null) {
      if (vectors.cols() != a.dModel()) {
        throw new IllegalArgumentException(
            "content vectors have shape " + vectors.shape() + ", expected n x " + a.dModel());
      }
      return vectors;
    }
    if (a.vocab() == 0) {
      throw new IllegalArgumentException("model has no vocabulary; give content as vectors");
    }
    Mat<T> e = m.param(Names.EMBED);
    for (int t : tokens) {
      if (t < 0 || t >= a.vocab()) {
        throw new IllegalArgumentException("token " + t + " outside the vocabulary [0, " + a.vocab() + ")");
      }
    }
    return Mat.of(m.arith().field(), tokens.length, a.dModel(), (i, j) -> e.get(tokens[i], j));
  }

  @Override
  public String toString() {
    return tokens != null ? "tokens " + Arrays.toString(tokens) : "vectors " + vectors;
  }
}
