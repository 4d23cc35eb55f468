package io.prefixproof.adapt;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Model;
import org.apache.commons.math3.FieldElement;

/**
 * LoRA on one named weight: {@code W ← W + (α/r)·B A} with {@code A ∈ R^{r×in}}, {@code B ∈ R^{out×r}},
 * {@code r ≤ min(out, in)}.
 */
public record Lora<T extends FieldElement<T>>(String weight, Mat<T> a, Mat<T> b, T alpha) implements WeightAdaptation<T> {

  public Lora {
    if (a.rows() != b.cols()) {
      throw new IllegalArgumentException(
          "LoRA on " + weight + ": A is " + a.shape() + " and B is " + b.shape() + ", ranks differ");
    }
    if (a.rows() == 0) {
      throw new IllegalArgumentException("LoRA on " + weight + ": rank must be at least 1");
    }
  }

  public int rank() {
    return a.rows();
  }

  @Override
  public Model<T> apply(Model<T> model) {
    Mat<T> w = model.param(weight);
    int r = rank();
    if (r > Math.min(w.rows(), w.cols())) {
      throw new IllegalArgumentException(
          "LoRA rank " + r + " exceeds min(rows, cols) = " + Math.min(w.rows(), w.cols()) + " of " + weight + " "
              + w.shape());
    }
    if (a.cols() != w.cols() || b.rows() != w.rows()) {
      throw new IllegalArgumentException(
          "LoRA on " + weight + " " + w.shape() + ": B A is " + b.rows() + "x" + a.cols());
    }
    T factor = alpha.divide(model.arith().of(r));
    return model.with(weight, w.plus(b.times(a).scale(factor)));
  }

  @Override
  public long freeParameters() {
    return (long) a.rows() * a.cols() + (long) b.rows() * b.cols();
  }
}
