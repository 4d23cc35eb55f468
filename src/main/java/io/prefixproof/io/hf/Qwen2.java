package io.prefixproof.io.hf;


/**
 * Qwen2 ({@code model_type "qwen2"}): the LLaMA decoder with biases on the q, k and v projections (none
 * on o_proj). With {@code use_sliding_window} the context is capped at {@code sliding_window} positions,
 * where the window masks nothing; without it {@code sliding_window} and {@code max_window_layers} are
 * unused settings.
 */
final class Qwen2 {
  private Qwen2() {}

  static Llama.Decoder config(HfConfig c) {
    boolean sliding = c.bool("use_sliding_window", false);
    int window = c.integer("sliding_window", Integer.MAX_VALUE);
    c.get("max_window_layers");
    return Llama.Decoder.of(c, "qwen2", true, false, sliding ? window : Integer.MAX_VALUE);
  }
}
