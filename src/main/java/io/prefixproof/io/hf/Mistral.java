package io.prefixproof.io.hf;


/**
 * Mistral ({@code model_type "mistral"}): the LLaMA decoder without biases, with grouped-query attention
 * and an optional sliding window. A query attends at most {@code sliding_window} keys (itself included);
 * the context is capped at that many positions, where the window masks nothing, so the causal mask is
 * the model's mask exactly.
 */
final class Mistral {
  private Mistral() {}

  static Llama.Decoder config(HfConfig c) {
    int window = c.integer("sliding_window", Integer.MAX_VALUE);
    return Llama.Decoder.of(c, "mistral", false, false, window);
  }
}
