package io.prefixproof.adapt;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Model;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.FieldElement;

/** Full fine-tuning: {@code W ← W + ΔW} for any named weights. */
public record FullFineTune<T extends FieldElement<T>>(Map<String, Mat<T>> deltas) implements WeightAdaptation<T> {

  public FullFineTune {
    deltas = new LinkedHashMap<>(deltas);
  }

  @Override
  public Model<T> apply(Model<T> model) {
    Model<T> m = model;
    for (Map.Entry<String, Mat<T>> e : deltas.entrySet()) {
      Mat<T> w = m.param(e.getKey());
      if (w.rows() != e.getValue().rows() || w.cols() != e.getValue().cols()) {
        throw new IllegalArgumentException(
            "fine-tune delta for " + e.getKey() + " has shape " + e.getValue().shape() + ", weight is " + w.shape());
      }
      m = m.with(e.getKey(), w.plus(e.getValue()));
    }
    return m;
  }

  @Override
  public long freeParameters() {
    return deltas.values().stream().mapToLong(d -> (long) d.rows() * d.cols()).sum();
  }
}
