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

  /** Sequences decoded together in one pass (rows of one stacked matrix). */
  static final int DECODE_CHUNK = 32;

  /**
   * The share of {@code n} test examples (drawn with {@code seed}) whose whole output the model produces by
   * greedy decoding after the input (ties to the lowest token, as {@link io.prefixproof.model.Forward#argmax}).
   */
  public static double accuracy(Weights w, TrainPrefix prefix, Data data, int padding, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Data.Example> examples = data.draw(rnd, n);
    int[][] outputs = generate(w, prefix, examples.stream().map(Data.Example::input).toArray(int[][]::new),
        padding);
    int right = 0;
    for (int i = 0; i < n; i++) {
      right += java.util.Arrays.equals(outputs[i], examples.get(i).output()) ? 1 : 0;
    }
    return (double) right / n;
  }

  /** The model's greedy output of {@link Data#LENGTH} tokens after {@code input}. */
  public static int[] generate(Weights w, TrainPrefix prefix, int[] input, int padding) {
    return generate(w, prefix, new int[][] {input}, padding)[0];
  }

  /**
   * The greedy outputs of {@link Data#LENGTH} tokens after each input, decoded {@link #DECODE_CHUNK} sequences at a
   * time on the common pool: every sequence's rows are computed on their own, so the outputs are those of one
   * sequence at a time whatever the chunking and scheduling.
   */
  public static int[][] generate(Weights w, TrainPrefix prefix, int[][] inputs, int padding) {
    int pad = Data.remainingPadding(padding, prefix.length());
    int[][] out = new int[inputs.length][];
    int chunks = (inputs.length + DECODE_CHUNK - 1) / DECODE_CHUNK;
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      int from = c * DECODE_CHUNK;
      int to = Math.min(inputs.length, from + DECODE_CHUNK);
      int[][] seqs = new int[to - from][pad + 2 * Data.LENGTH];
      for (int i = from; i < to; i++) {
        System.arraycopy(inputs[i], 0, seqs[i - from], pad, Data.LENGTH);
      }
      int vocab = w.shape().vocab();
      for (int k = 0; k < Data.LENGTH; k++) {
        int len = pad + Data.LENGTH + k;
        int[][] cur = new int[seqs.length][];
        for (int i = 0; i < seqs.length; i++) {
          cur[i] = java.util.Arrays.copyOf(seqs[i], len);
        }
        Pass pass = new Pass(w, prefix, cur, 0, null);
        double[] logits = pass.logits();
        for (int i = 0; i < seqs.length; i++) {
          int row = (i + 1) * pass.rows() - 1;
          int best = 0;
          for (int j = 1; j < vocab; j++) {
            if (logits[row * vocab + j] > logits[row * vocab + best]) {
              best = j;
            }
          }
          seqs[i][len] = best;
        }
      }
      for (int i = from; i < to; i++) {
        out[i] = java.util.Arrays.copyOfRange(seqs[i - from], pad + Data.LENGTH, pad + 2 * Data.LENGTH);
      }
    });
    return out;
  }
}
