package io.prefixproof.train;

import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The E1 analogue (PAPER.md §6; CAP-1): on a trained model, the distinct greedy completions of a fixed length that
 * follow a single first position, when that position is each hard token in turn and when it is a soft token (a
 * free layer-1 input row, position embedding 0 added, in place of a token's embedding row). A hard token reaches at
 * most |V| completions (pigeonhole); soft tokens are not bound by it. The paper's count on LLaMA-7B: 32,000 hard
 * tokens give 24,426 distinct 10-token completions, 48,218 soft tokens give 46,812.
 */
public final class FirstToken {
  private FirstToken() {}

  /** The paper's soft tokens per hard token, 48,218 / 32,000. */
  public static final double PAPER_RATIO = 48_218.0 / 32_000;

  /**
   * What is counted and how the soft tokens are drawn.
   *
   * @param length tokens per greedy completion (the paper: 10)
   * @param softTokens soft tokens drawn per scale
   * @param unitScale whether to also draw soft tokens with entries N(0, 1), the companion code's prefix
   *     initialisation, besides the scale of the model's own embedding rows
   */
  public record Settings(int length, int softTokens, boolean unitScale) {}

  /** Distinct completions of one kind of first position. */
  public record Count(String first, double std, int tried, int distinct, int newOverHard) {}

  /**
   * The outcome: the hard tokens' count, and per soft-token draw its count; {@code ratioSoft} is the count of the
   * first {@code round(|V| · 48,218/32,000)} soft tokens at the embedding scale (the paper's proportion).
   */
  public record Result(int vocab, int length, Count hard, List<Count> soft, Count ratioSoft,
      Map<String, Double> seconds) {}

  /** Counts the completions on {@code w}; soft tokens are drawn from {@code seed}. */
  public static Result count(Weights w, Settings s, long seed) {
    long t0 = System.nanoTime();
    int vocab = w.shape().vocab();
    int[][] starts = new int[vocab][];
    for (int t = 0; t < vocab; t++) {
      starts[t] = new int[] {t};
    }
    Set<List<Integer>> hard = distinct(Trainer.generate(w, TrainPrefix.none(), starts, s.length()));
    Count hardCount = new Count("hard token", 0, vocab, hard.size(), 0);
    double embedStd = rms(w.get(Names.EMBED));
    List<Double> stds = s.unitScale() ? List.of(embedStd, 1.0) : List.of(embedStd);
    List<Count> soft = new java.util.ArrayList<>();
    Count ratio = null;
    int ratioCount = (int) Math.round(vocab * PAPER_RATIO);
    for (int k = 0; k < stds.size(); k++) {
      double std = stds.get(k);
      int[][] out = softCompletions(w, std, s.softTokens(), s.length(), seed + k);
      soft.add(count("soft token", std, out, hard));
      if (k == 0) {
        ratio = count("soft token", std, java.util.Arrays.copyOf(out, Math.min(ratioCount, out.length)), hard);
      }
    }
    return new Result(vocab, s.length(), hardCount, soft, ratio, Map.of("count", (System.nanoTime() - t0) / 1e9));
  }

  /**
   * The greedy completions after {@code n} soft tokens with entries N(0, std²), drawn in order from one generator
   * split off {@code seed}; each is a one-position soft prompt with no content after it.
   */
  static int[][] softCompletions(Weights w, double std, int n, int length, long seed) {
    Gpt g = w.shape();
    long[] seeds = new SplittableRandom(seed).longs(n).toArray();
    int[][] out = new int[n][];
    IntStream.range(0, n).parallel().forEach(i -> out[i] = Trainer.generate(w,
        TrainPrefix.random(g, Prefix.Kind.STREAM, 1, std, seeds[i]), new int[][] {new int[0]}, length)[0]);
    return out;
  }

  private static Count count(String first, double std, int[][] completions, Set<List<Integer>> hard) {
    Set<List<Integer>> d = distinct(completions);
    int fresh = (int) d.stream().filter(c -> !hard.contains(c)).count();
    return new Count(first, std, completions.length, d.size(), fresh);
  }

  private static Set<List<Integer>> distinct(int[][] completions) {
    Set<List<Integer>> s = new HashSet<>();
    for (int[] c : completions) {
      s.add(IntStream.of(c).boxed().toList());
    }
    return s;
  }

  /** Root mean square of the entries. */
  static double rms(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x * x;
    }
    return Math.sqrt(s / a.length);
  }

  /** The settings of each scale: the paper's 10-token completions; 48,218 soft tokens at paper scale. */
  public static Settings settings(Experiments.Scale scale) {
    return switch (scale) {
      case PAPER -> new Settings(10, 48_218, true);
      case SMALL -> new Settings(10, 5_000, true);
    };
  }
}
