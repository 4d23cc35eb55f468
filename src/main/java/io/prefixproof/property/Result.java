package io.prefixproof.property;

import java.util.Map;
import java.util.function.Function;

/**
 * The outcome of running a property: how many cases passed, were rejected, the shrunk counterexample if
 * one was found, and, when the run's deadline ended it before its cases were done, why ({@code stopped}).
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
    long millis,
    String stopped) {

  public boolean failed() {
    return counterexample != null;
  }

  /** False when the deadline ended the run before every case ran and no case had failed. */
  public boolean complete() {
    return stopped == null;
  }

  /** A readable report: the shrunk and original counterexample, the seed and how to replay. */
  public String describe() {
    return describe(String::valueOf);
  }

  /** As {@link #describe()}, the counterexample printed by {@code printer}. */
  public String describe(Function<? super T, String> printer) {
    StringBuilder sb = new StringBuilder();
    sb.append("property ").append(name).append(failed() ? " FALSIFIED" : complete() ? " held" : " INCOMPLETE")
        .append(" after ").append(tries).append(" cases (").append(rejected).append(" rejected, ")
        .append(millis).append(" ms), seed ").append(seed).append('\n');
    if (!complete()) {
      sb.append(stopped).append('\n');
    }
    if (failed()) {
      sb.append(counterexample.describe(printer));
      sb.append("replay: -Dprefixproof.seed=").append(seed).append('\n');
    }
    if (!labels.isEmpty()) {
      sb.append("statistics:\n").append(Stats.format(labels, tries));
    }
    return sb.toString();
  }
}
