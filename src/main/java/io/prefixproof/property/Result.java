package io.prefixproof.property;

import java.util.Map;
import java.util.function.Function;

/**
 * The outcome of running a property: how many cases passed, were rejected, the shrunk counterexample if
 * one was found and how to rerun it ({@code replay}: the seed option, or the saved file it came from), and,
 * when the run's deadline ended it before its cases were done, why ({@code stopped}).
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
    String stopped,
    String replay) {

  public boolean failed() {
    return counterexample != null;
  }

  /** False when the deadline ended the run before every case ran and no case had failed. */
  public boolean complete() {
    return stopped == null;
  }

  /**
   * A readable report, under 4 KB: the shrunk counterexample and its failure, how to replay it, and the
   * statistics; the original case and the raw choices only with {@code -Dprefixproof.verbose=true}.
   */
  public String describe() {
    return describe(String::valueOf);
  }

  /** As {@link #describe()}, the counterexample printed by {@code printer}. */
  public String describe(Function<? super T, String> printer) {
    StringBuilder sb = new StringBuilder();
    sb.append("property ").append(name).append(failed() ? " FALSIFIED" : complete() ? " held" : " INCOMPLETE")
        .append(" after ").append(tries).append(" cases (").append(rejected).append(" rejected, ")
        .append(millis).append(" ms)");
    if (!failed()) {
      sb.append(", seed ").append(seed);
    }
    sb.append('\n');
    if (!complete()) {
      sb.append(stopped).append('\n');
    }
    if (failed()) {
      sb.append(counterexample.describe(printer, Boolean.getBoolean("prefixproof.verbose")));
      sb.append("replay: ").append(replay).append('\n');
    }
    if (!labels.isEmpty()) {
      sb.append("statistics:\n").append(Stats.format(labels, tries, MAX_LABELS));
    }
    return sb.toString();
  }

  /** Most statistics lines in a failure message. */
  public static final int MAX_LABELS = 10;
}
