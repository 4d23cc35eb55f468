package io.prefixproof.adapt;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import java.util.List;
import org.apache.commons.math3.FieldElement;

/**
 * Prefix-tuning, residual semantics (the companion code): at layer l the stream rows of the prefix
 * positions are replaced by free rows {@code S^(l)} ({@code p × d}), which pass through the layer's norm,
 * {@code W_K}, {@code W_V} and RoPE.
 */
public record ResidualPrefix<T extends FieldElement<T>>(List<Mat<T>> perLayer) implements ContextAdaptation<T> {

  public ResidualPrefix {
    perLayer = List.copyOf(perLayer);
  }

  @Override
  public Prefix<T> prefix(Model<T> model) {
    Prefix<T> p = Prefix.residual(perLayer);
    p.validate(model.arch(), 0);
    return p;
  }

  @Override
  public long freeParameters() {
    return perLayer.stream().mapToLong(m -> (long) m.rows() * m.cols()).sum();
  }
}
