package io.prefixproof.adapt;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import org.apache.commons.math3.FieldElement;

/** A soft prompt: free layer-1 vectors {@code s_1..s_p} ({@code p × d}) in place of token embeddings. */
public record SoftPrompt<T extends FieldElement<T>>(Mat<T> vectors) implements ContextAdaptation<T> {

  @Override
  public Prefix<T> prefix(Model<T> model) {
    if (vectors.cols() != model.arch().dModel()) {
      throw new IllegalArgumentException(
          "soft prompt has shape " + vectors.shape() + ", expected p x " + model.arch().dModel());
    }
    return Prefix.stream(vectors);
  }

  @Override
  public long freeParameters() {
    return (long) vectors.rows() * vectors.cols();
  }
}
