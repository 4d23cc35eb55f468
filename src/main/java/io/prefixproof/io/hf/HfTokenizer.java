package io.prefixproof.io.hf;

import java.nio.file.Path;

/** The tokenizer a {@code tokenizer.json} describes: LLaMA's SentencePiece BPE or GPT-2's byte-level BPE. */
public final class HfTokenizer {
  private HfTokenizer() {}

  /**
   * The token ids of {@code text}: by {@link SentencePieceBpe} when the BPE model falls back to bytes
   * (SentencePiece-converted), else by {@link ByteLevelBpe}; either refuses, naming the field, what it does not
   * implement.
   */
  public static int[] encode(Path file, String text) {
    return SentencePieceBpe.applies(HfConfig.json(file)) ? SentencePieceBpe.read(file).encode(text)
        : ByteLevelBpe.read(file).encode(text);
  }
}
