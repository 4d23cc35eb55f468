package io.prefixproof.property;

import java.util.Map;

/**
 * The outcome of running a property: how many cases passed, were rejected, and the shrunk counterexample
 * if one was found.
 *
 * @param <T> the generated type
 */
public record Result<T>(
    String name,
    long seed,
    int tries,
    int rejected,
    Map<String, Integer> labels,
    Counterexample<T> counterexample,
    long millis) {

  public boolean failed() {
    return counterexample != null;
  }

  /** A readable report: the shrunk and original counterexample, the seed and how to replay. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("property ").append(name).append(failed() ? " FALSIFIED" : " held")
        .append(" after ").append(tries).append(" cases (").append(rejected).append(" rejected, ")
        .append(millis).append(" ms), seed ").append(seed).append('\n');
    if (failed()) {
      sb.append(counterexample.describe());
      sb.append("replay: -Dprefixproof.seed=").append(seed).append('\n');
    }
    if (!labels.isEmpty()) {
      sb.append("statistics:\n").append(Stats.format(labels, tries));
    }
    return sb.toString();
  }
}
