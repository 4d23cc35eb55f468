package io.prefixproof.bench;

import io.prefixproof.train.Data;
import io.prefixproof.train.Gpt;
import io.prefixproof.train.Task;
import io.prefixproof.train.Trainer;
import io.prefixproof.train.Tuning;
import io.prefixproof.train.Weights;
import java.util.List;

/**
 * Training throughput: full-weight steps (forward, backward, AdamW) of batch 64 on ascending-sort sequences of
 * 20 tokens for a given time; a "check" is one trained token. Shapes: E3 small (d 32), E3 paper (d 96), E4 paper
 * (1 layer, 4 heads, d 256, no LayerNorm before attention), E5 paper (4 layers, 4 heads, d 256).
 */
public final class TrainBench {
  private TrainBench() {}

  /** The sizes of the {@code train} workload. */
  public static final List<String> SIZES = List.of("e3-small", "e3-paper", "e4-paper", "e5-paper");

  /** Steps for about {@code seconds} at {@code size}; returns the tokens trained. */
  public static Workloads.Run run(String size, double seconds) {
    Gpt g = switch (size) {
      case "e3-small" -> new Gpt(Data.VOCAB, Data.context(1), 1, 1, 32);
      case "e3-paper" -> new Gpt(Data.VOCAB, Data.context(1), 1, 1, 96);
      case "e4-paper" -> new Gpt(Data.VOCAB, Data.context(1), 1, 4, 256, false);
      case "e5-paper" -> new Gpt(Data.VOCAB, Data.context(1), 4, 4, 256);
      default -> throw new IllegalArgumentException("workload train has no size '" + size + "'; sizes: " + SIZES);
    };
    Tuning t = Tuning.weights(Weights.init(g, 1));
    Data data = new Data(Data.Split.TRAIN, List.of(Task.ASCENDING), 0);
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (seconds * 1e9);
    long tokens = 0;
    for (int step = 0; step == 0 || System.nanoTime() < deadline; step++) {
      Trainer.train(t, data, 1, new Trainer.Settings(1, 64, 5e-4, 0.1, step), null);
      tokens += 64L * Data.context(1);
    }
    return new Workloads.Run("train", size, tokens, (System.nanoTime() - t0) / 1e9, Double.NaN,
        "checks are trained tokens (batch 64, forward, backward and AdamW), two threads");
  }
}
