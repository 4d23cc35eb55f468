package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a Hugging Face checkpoint directory ({@code config.json} plus {@code model.safetensors} or a
 * sharded {@code model.safetensors.index.json}) into the double engine, choosing the converter by
 * {@code model_type}: gpt2, llama, mistral, qwen2.
 */
public final class HfModel {
  private HfModel() {}

  /** True when {@code path} is a directory holding a {@code config.json}. */
  public static boolean isCheckpoint(Path path) {
    return Files.isDirectory(path) && Files.isRegularFile(path.resolve("config.json"));
  }

  public static FastModel load(Path dir) {
    HfConfig c = HfConfig.read(dir.resolve("config.json"));
    String type = c.text("model_type", null);
    if (type == null) {
      throw c.error("model_type", "is missing");
    }
    return switch (type) {
      case "gpt2" -> Gpt2.convert(c, Checkpoint.open(dir));
      case "llama" -> Llama.convert(c, Checkpoint.open(dir));
      case "mistral" -> Mistral.convert(c, Checkpoint.open(dir));
      case "qwen2" -> Qwen2.convert(c, Checkpoint.open(dir));
      default -> throw c.error("model_type", "is " + type + "; supported: gpt2, llama, mistral, qwen2");
    };
  }
}
