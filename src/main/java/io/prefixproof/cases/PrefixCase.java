package io.prefixproof.cases;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Content;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import org.apache.commons.math3.FieldElement;

/**
 * One random case: a model, a prefix, content, and a second content for claims that compare inputs.
 *
 * @param <T> the scalar type
 */
public record PrefixCase<T extends FieldElement<T>>(Model<T> model, Prefix<T> prefix, Mat<T> content, Mat<T> otherContent) {

  public Content<T> contentInput() {
    return Content.vectors(content);
  }

  /** Shape line first, then the weights, the prefix and the content. */
  @Override
  public String toString() {
    return "shape: " + model.arch().summary() + ", n=" + content.rows() + ", p=" + prefix.length() + " ("
        + prefix.kind() + ")\n" + model + "prefix: " + prefix + "\ncontent: " + content
        + (otherContent == null ? "" : "\nother content: " + otherContent);
  }
}
