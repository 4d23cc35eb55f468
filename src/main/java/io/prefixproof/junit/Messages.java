package io.prefixproof.junit;

import io.prefixproof.property.Counterexample;
import io.prefixproof.property.Result;
import io.prefixproof.property.Stats;
import java.nio.file.Path;

/** Failure messages of {@link Claim} tests: the statement, the shrunk case, the budget, how to replay. */
final class Messages {
  private Messages() {}

  /** How a check failed, in one line. */
  static String failure(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** A claim falsified by a fresh search: shrunk case, statement, budget note, replay option, saved file. */
  static String falsified(Claim claim, Result<?> r, Path saved) {
    Counterexample<?> c = r.counterexample();
    StringBuilder sb = header(claim, c.value(), c.failure());
    sb.append("found after ").append(r.tries()).append(" cases, shrunk in ").append(c.shrinkSteps())
        .append(" steps (").append(c.shrinkCalls()).append(" runs, ").append(r.millis()).append(" ms)\n");
    if (!c.fullyShrunk()) {
      sb.append("shrinking stopped on its budget (").append(claim.shrinkRuns()).append(" runs, ")
          .append(claim.shrinkSeconds()).append(" s) before a fixed point: the case may not be minimal; raise it with")
          .append(" @Claim(shrinkRuns = ..., shrinkSeconds = ...)\n");
    }
    sb.append("replay: -Dprefixproof.seed.").append(claim.id()).append('=').append(r.seed()).append('\n');
    sb.append("saved to ").append(saved).append(" (replayed first on the next run; delete it to search afresh)\n");
    if (!r.labels().isEmpty()) {
      sb.append("statistics:\n").append(Stats.format(r.labels(), r.tries(), Result.MAX_LABELS));
    }
    return sb.toString();
  }

  /** A saved counterexample that still fails. */
  static String replayed(Claim claim, Object value, String failure, String where) {
    return header(claim, value, failure).append(where).append('\n').toString();
  }

  private static StringBuilder header(Claim claim, Object value, String failure) {
    StringBuilder sb = new StringBuilder();
    sb.append("claim ").append(claim.id()).append(" is false");
    if (!claim.statement().isEmpty()) {
      sb.append(": ").append(claim.statement());
    }
    sb.append("\nfailed: ").append(Counterexample.excerpt(failure, Counterexample.MAX_FAILURE_CHARS))
        .append("\ncounterexample:\n  ");
    String text = String.valueOf(value);
    if (text.length() > ClaimExtension.MAX_CASE_CHARS) {
      text = text.substring(0, ClaimExtension.MAX_CASE_CHARS) + "\n... (" + (text.length()
          - ClaimExtension.MAX_CASE_CHARS) + " more characters in the saved file)";
    }
    return sb.append(text.replace("\n", "\n  ")).append('\n');
  }
}
