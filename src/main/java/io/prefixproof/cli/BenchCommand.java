package io.prefixproof.cli;

import io.prefixproof.bench.ShrinkBench;
import io.prefixproof.bench.ShrinkProblems;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prefixproof bench}: benchmarks that print numbers. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark workload and print its numbers (one JSON line per run with --json).")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--workload", required = true, paramLabel = "W", description = "Workload: shrink.")
  String workload;

  @Option(names = "--seeds", defaultValue = "20", paramLabel = "N", description = "Seeds per problem (shrink).")
  int seeds;

  @Option(names = "--json", description = "One JSON line per run.")
  boolean json;

  @Override
  public Integer call() {
    if (!workload.equals("shrink")) {
      throw new IllegalArgumentException("unknown workload '" + workload + "'; available: shrink");
    }
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
    }
    for (ShrinkProblems.Problem<?> p : ShrinkProblems.all()) {
      ShrinkBench.Tally t = ShrinkBench.run(p, seeds);
      if (json) {
        System.out.println(t.json());
      } else {
        System.out.printf("%-30s found %2d/%d  median %5d ms  %s%n", t.problem(), t.found(), t.runs(),
            t.medianMillis(), t.results());
      }
    }
    return 0;
  }
}
