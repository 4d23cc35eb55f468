package io.prefixproof.adapt;

import io.prefixproof.model.Model;
import org.apache.commons.math3.FieldElement;

/**
 * A weight-based adaptation (LoRA, full fine-tuning): returns a changed copy of the model.
 *
 * @param <T> the scalar type
 */
public sealed interface WeightAdaptation<T extends FieldElement<T>> permits Lora, FullFineTune {

  Model<T> apply(Model<T> model);

  long freeParameters();
}
