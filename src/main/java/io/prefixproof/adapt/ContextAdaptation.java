package io.prefixproof.adapt;

import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import org.apache.commons.math3.FieldElement;

/**
 * A context-based adaptation (PAPER.md §3): the weights stay frozen and positions are added in front of
 * the content.
 *
 * @param <T> the scalar type
 */
public sealed interface ContextAdaptation<T extends FieldElement<T>>
    permits HardPrompt, SoftPrompt, ResidualPrefix, KeyValuePrefix {

  /** The prefix the forward pass consumes, checked against {@code model}. */
  Prefix<T> prefix(Model<T> model);

  /** Number of free real parameters (a hard prompt has none: its tokens are discrete). */
  long freeParameters();

  /** Runs {@code model} with this adaptation in front of {@code content}. */
  default Trace<T> run(Model<T> model, Content<T> content) {
    return Forward.run(model, prefix(model), content);
  }
}
