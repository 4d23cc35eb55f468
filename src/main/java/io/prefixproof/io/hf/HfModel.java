package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Layerwise;
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
      case "llama", "mistral", "qwen2" -> Llama.decoder(decoder(c, type), Checkpoint.open(dir));
      default -> throw c.error("model_type", "is " + type + "; supported: gpt2, llama, mistral, qwen2");
    };
  }

  /** The checkpoint read one block at a time ({@link HfLayers}), for weights too large to hold as doubles. */
  public static Layerwise layerwise(Path dir) {
    HfConfig c = HfConfig.read(dir.resolve("config.json"));
    String type = c.text("model_type", null);
    if (type == null) {
      throw c.error("model_type", "is missing");
    }
    BlockReader reader = switch (type) {
      case "gpt2" -> Gpt2.config(c);
      case "llama", "mistral", "qwen2" -> decoder(c, type);
      default -> throw c.error("model_type", "is " + type + "; supported: gpt2, llama, mistral, qwen2");
    };
    return new HfLayers(reader, Checkpoint.open(dir));
  }

  /** The number of weights the checkpoint stores (what {@link #load} would hold as doubles). */
  public static long weightCount(Path dir) {
    Checkpoint checkpoint = Checkpoint.open(dir);
    long count = 0;
    for (String n : checkpoint.names()) {
      count += java.util.Arrays.stream(checkpoint.shape(n)).reduce(1, Math::multiplyExact);
    }
    return count;
  }

  private static Llama.Decoder decoder(HfConfig c, String type) {
    return switch (type) {
      case "mistral" -> Mistral.config(c);
      case "qwen2" -> Qwen2.config(c);
      default -> Llama.config(c);
    };
  }
}
