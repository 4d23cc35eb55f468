package io.prefixproof.claims;

import java.util.List;

/** A claim made of several checks that must all come out as expected (one ID, one report line). */
public record AllOf(String id, String statement, String section, List<Claim> parts) implements Claim {

  @Override
  public Expected expected() {
    return parts.get(0).expected();
  }

  @Override
  public int defaultTries() {
    return parts.get(0).defaultTries();
  }

  @Override
  public Result run(Settings s) {
    long t0 = System.currentTimeMillis();
    int tries = 0;
    StringBuilder witness = new StringBuilder();
    StringBuilder detail = new StringBuilder();
    Status status = null;
    Double maxAbsErr = null;
    java.util.Map<String, Integer> statistics = new java.util.TreeMap<>();
    for (int i = 0; i < parts.size(); i++) {
      Claim p = parts.get(i);
      Result r = p.run(new Settings(s.tries() == defaultTries() ? p.defaultTries() : s.tries(), s.seed(), s.store()));
      tries += r.tries();
      String prefix = parts.size() > 1 ? (p instanceof DoubleClaim ? "double " : "exact ") : "";
      r.statistics().forEach((k, v) -> statistics.merge(prefix + k, v, Integer::sum));
      if (!prefix.isEmpty()) {
        statistics.merge(prefix + "cases", r.tries(), Integer::sum);
      }
      if (r.maxAbsErr() != null) {
        maxAbsErr = maxAbsErr == null ? r.maxAbsErr() : Math.max(maxAbsErr, r.maxAbsErr());
      }
      if (r.witness() != null) {
        witness.append("[").append(p.statement()).append("]\n").append(r.witness()).append('\n');
      }
      String label = p instanceof DoubleClaim ? "double" : p.statement().equals(statement) ? "exact" : p.statement();
      detail.append(i == 0 ? "" : " | ").append(label).append(": ").append(r.detail());
      status = status == null || status == r.status() ? r.status() : Status.FAILED;
    }
    return new Result(id, status, expected(), tries, s.seed(), maxAbsErr, witness.length() == 0 ? null : witness.toString(),
        System.currentTimeMillis() - t0, detail.toString(), statistics);
  }
}
