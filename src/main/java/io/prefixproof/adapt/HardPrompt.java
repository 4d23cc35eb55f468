package io.prefixproof.adapt;

import io.prefixproof.model.Content;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import java.util.Arrays;
import org.apache.commons.math3.FieldElement;

/** A hard prompt: {@code p} real tokens in front; layer-1 input {@code E[v_j]} plus positions (HIER-1). */
public record HardPrompt<T extends FieldElement<T>>(int[] tokens) implements ContextAdaptation<T> {

  public HardPrompt {
    tokens = tokens.clone();
  }

  @Override
  public Prefix<T> prefix(Model<T> model) {
    return Prefix.stream(Content.<T>tokens(tokens).embed(model));
  }

  @Override
  public long freeParameters() {
    return 0;
  }

  @Override
  public String toString() {
    return "hard prompt " + Arrays.toString(tokens);
  }
}
