package io.prefixproof.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * minGPT's training loop ({@code minGPT/mingpt/trainer.py}): draw a batch, compute the mean loss and its
 * gradients, clip and take an AdamW step, for a fixed number of iterations. Single-threaded with seeded
 * generators (one for the data, one for dropout), so a seed fixes every number.
 */
public final class Trainer {
  private Trainer() {}

  /**
   * One run's settings.
   *
   * @param iterations optimiser steps
   * @param batch sequences per step (minGPT: 64)
   * @param lr learning rate
   * @param dropout minGPT's 0.1 when training all weights, 0 for prefixes (the repository's prefix trainer puts
   *     the model in eval mode)
   * @param seed the run's seed
   */
  public record Settings(int iterations, int batch, double lr, double dropout, long seed) {}

  /** Called after each step. */
  @FunctionalInterface
  public interface Progress {
    void step(int iteration, int iterations, double loss);
  }

  /**
   * Trains {@code t} on sequences of {@code data} ({@code padding} leading zeros, left out when a prefix takes
   * their place) and returns the loss of every step.
   */
  public static double[] train(Tuning t, Data data, int padding, Settings s, Progress progress) {
    SplittableRandom master = new SplittableRandom(s.seed());
    SplittableRandom dataRnd = master.split();
    SplittableRandom dropRnd = master.split();
    AdamW opt = AdamW.minGpt(s.lr());
    var grads = t.zeroGradients();
    boolean prefixed = t.prefix().length() > 0;
    double[] losses = new double[s.iterations()];
    for (int it = 0; it < s.iterations(); it++) {
      List<Sequence> batch = new ArrayList<>(s.batch());
      for (Data.Example e : data.draw(dataRnd, s.batch())) {
        batch.add(Data.sequence(e, padding, prefixed));
      }
      losses[it] = t.lossAndGradients(batch, s.dropout(), dropRnd, grads);
      opt.step(t, grads);
      if (progress != null) {
        progress.step(it + 1, s.iterations(), losses[it]);
      }
    }
    return losses;
  }

  /**
   * The share of {@code n} test examples (drawn with {@code seed}) whose whole output the model produces by
   * greedy decoding after the input (ties to the lowest token, as {@link io.prefixproof.model.Forward#argmax}).
   */
  public static double accuracy(Weights w, TrainPrefix prefix, Data data, int padding, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int right = 0;
    for (Data.Example e : data.draw(rnd, n)) {
      right += java.util.Arrays.equals(generate(w, prefix, e.input(), padding), e.output()) ? 1 : 0;
    }
    return (double) right / n;
  }

  /** The model's greedy output of {@link Data#LENGTH} tokens after {@code input}. */
  public static int[] generate(Weights w, TrainPrefix prefix, int[] input, int padding) {
    int pad = prefix.length() > 0 ? 0 : padding;
    int[] seq = new int[pad + 2 * Data.LENGTH];
    System.arraycopy(input, 0, seq, pad, Data.LENGTH);
    int vocab = w.shape().vocab();
    for (int k = 0; k < Data.LENGTH; k++) {
      int len = pad + Data.LENGTH + k;
      Pass pass = new Pass(w, prefix, new int[][] {java.util.Arrays.copyOf(seq, len)}, 0, null);
      double[] logits = pass.logits();
      int row = pass.rows() - 1;
      int best = 0;
      for (int j = 1; j < vocab; j++) {
        if (logits[row * vocab + j] > logits[row * vocab + best]) {
          best = j;
        }
      }
      seq[len] = best;
    }
    return java.util.Arrays.copyOfRange(seq, pad + Data.LENGTH, seq.length);
  }
}
