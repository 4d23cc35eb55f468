package io.prefixproof.train;

/**
 * One training sequence: the content tokens fed to the model and, per token, the token it must predict next
 * (−1 where no loss is taken, minGPT's {@code ignore_index}).
 *
 * @param tokens content tokens
 * @param targets next-token targets, −1 to skip
 */
public record Sequence(int[] tokens, int[] targets) {

  public Sequence {
    if (tokens.length != targets.length) {
      throw new IllegalArgumentException(tokens.length + " tokens but " + targets.length + " targets");
    }
    tokens = tokens.clone();
    targets = targets.clone();
  }

  /** Number of positions that carry a loss. */
  public int counted() {
    int n = 0;
    for (int t : targets) {
      n += t >= 0 ? 1 : 0;
    }
    return n;
  }
}
