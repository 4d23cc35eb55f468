package io.prefixproof.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a shrinking benchmark problem from several seeds and tallies the shrunk results. */
public final class ShrinkBench {
  private ShrinkBench() {}

  /** The tally of one problem: runs, found, canonical shrunk value → count, median time, shrink runs. */
  public record Tally(String problem, int runs, int found, Map<String, Integer> results, long medianMillis,
      long medianShrinkCalls) {

    /** The tally as JSON, one element of {@code bench --workload shrink --json}'s data. */
    public ObjectNode json() {
      ObjectNode m = JsonNodeFactory.instance.objectNode();
      m.put("problem", problem);
      m.put("runs", runs);
      m.put("found", found);
      results.forEach(m.putObject("results")::put);
      m.put("median_ms", medianMillis);
      m.put("median_shrink_calls", medianShrinkCalls);
      return m;
    }
  }

  /** Runs {@code problem} once per seed {@code 1..seeds}. */
  public static <T> Tally run(ShrinkProblems.Problem<T> problem, int seeds) {
    Map<String, Integer> results = new LinkedHashMap<>();
    List<Long> times = new ArrayList<>();
    List<Long> calls = new ArrayList<>();
    int found = 0;
    for (int seed = 1; seed <= seeds; seed++) {
      long t0 = System.nanoTime();
      Result<T> r = Property.of(problem.name(), problem.gen()).tries(problem.tries()).seed(seed)
          .shrinkBudget(100_000, 30_000).run(problem.check());
      times.add((System.nanoTime() - t0) / 1_000_000);
      if (r.failed()) {
        found++;
        calls.add((long) r.counterexample().shrinkCalls());
        results.merge(problem.printer().apply(r.counterexample().value()), 1, Integer::sum);
      }
    }
    return new Tally(problem.name(), seeds, found, results, median(times), calls.isEmpty() ? 0 : median(calls));
  }

  static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
