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
   * Trains {@code t} on sequences of {@code data} ({@code padding} leading zeros, the first of which a prefix
   * takes the place of) and returns the loss of every step.
   */
  public static double[] train(Tuning t, Data data, int padding, Settings s, Progress progress) {
    SplittableRandom master = new SplittableRandom(s.seed());
    SplittableRandom dataRnd = master.split();
    SplittableRandom dropRnd = master.split();
    AdamW opt = AdamW.minGpt(s.lr());
    var grads = t.zeroGradients();
    double[] losses = new double[s.iterations()];
    for (int it = 0; it < s.iterations(); it++) {
      List<Sequence> batch = new ArrayList<>(s.batch());
      for (Data.Example e : data.draw(dataRnd, s.batch())) {
        batch.add(Data.sequence(e, padding, t.prefix().length()));
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
    List<Data.Example> examples = data.draw(new SplittableRandom(seed), n);
    int[][] inputs = new int[n][];
    // a prefix takes the first of the padding positions the model was trained with; zeros fill the rest
    int[] pad = new int[Data.remainingPadding(padding, prefix.length())];
    for (int i = 0; i < n; i++) {
      inputs[i] = concat(pad, examples.get(i).input());
    }
    int[][] out = generate(w, prefix, inputs, Data.LENGTH);
    int right = 0;
    for (int i = 0; i < n; i++) {
      right += java.util.Arrays.equals(out[i], examples.get(i).output()) ? 1 : 0;
    }
    return (double) right / n;
  }

  /** Sequences generated in one pass per token (the rows of a pass are independent, so grouping changes no number). */
  static final int GENERATE_GROUP = 64;

  /**
   * The model's greedy continuations of {@code length} tokens after each of {@code starts} (content tokens behind
   * {@code prefix}; starts of one length), ties to the lowest token as {@link io.prefixproof.model.Forward#argmax}.
   * Groups of {@link #GENERATE_GROUP} starts run as one stacked pass per token, the groups on the common pool.
   */
  public static int[][] generate(Weights w, TrainPrefix prefix, int[][] starts, int length) {
    int[][] out = new int[starts.length][];
    java.util.stream.IntStream.range(0, (starts.length + GENERATE_GROUP - 1) / GENERATE_GROUP).parallel()
        .forEach(gi -> {
          int from = gi * GENERATE_GROUP;
          int to = Math.min(starts.length, from + GENERATE_GROUP);
          int[][] seqs = java.util.Arrays.copyOfRange(starts, from, to);
          int vocab = w.shape().vocab();
          for (int k = 0; k < length; k++) {
            Pass pass = new Pass(w, prefix, seqs, 0, null);
            double[] logits = pass.logits();
            for (int b = 0; b < seqs.length; b++) {
              int row = (b + 1) * pass.rows() - 1;
              int best = 0;
              for (int j = 1; j < vocab; j++) {
                if (logits[row * vocab + j] > logits[row * vocab + best]) {
                  best = j;
                }
              }
              seqs[b] = concat(seqs[b], new int[] {best});
            }
          }
          for (int b = 0; b < seqs.length; b++) {
            out[from + b] = java.util.Arrays.copyOfRange(seqs[b], starts[from + b].length, seqs[b].length);
          }
        });
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
