package io.prefixproof.adapt;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import java.util.List;
import org.apache.commons.math3.FieldElement;

/**
 * Prefix-tuning, key/value semantics (Li &amp; Liang, HF PEFT): free keys ({@code p × k}) and values
 * ({@code p × k_v}) per layer and head, prepended to that head's keys and values.
 */
public record KeyValuePrefix<T extends FieldElement<T>>(List<List<Mat<T>>> keys, List<List<Mat<T>>> values)
    implements ContextAdaptation<T> {

  public KeyValuePrefix {
    keys = keys.stream().map(List::copyOf).toList();
    values = values.stream().map(List::copyOf).toList();
  }

  @Override
  public Prefix<T> prefix(Model<T> model) {
    Prefix<T> p = Prefix.keyValue(keys, values);
    p.validate(model.arch(), 0);
    return p;
  }

  @Override
  public long freeParameters() {
    long n = 0;
    for (int l = 0; l < keys.size(); l++) {
      for (int h = 0; h < keys.get(l).size(); h++) {
        Mat<T> k = keys.get(l).get(h);
        Mat<T> v = values.get(l).get(h);
        n += (long) k.rows() * k.cols() + (long) v.rows() * v.cols();
      }
    }
    return n;
  }
}
