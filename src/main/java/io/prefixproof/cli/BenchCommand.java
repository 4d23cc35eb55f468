package io.prefixproof.cli;

import io.prefixproof.bench.Baselines;
import io.prefixproof.bench.ShrinkBench;
import io.prefixproof.bench.ShrinkProblems;
import io.prefixproof.bench.Workloads;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prefixproof bench}: benchmarks that print numbers. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark workload and print its numbers (one JSON line per run with --json).")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--workload", required = true, paramLabel = "W", description = "W1, W2, W3, W4, gen or shrink.")
  String workload;

  @Option(names = "--size", paramLabel = "S", description = "Size name (W1: small|medium|large; W2: tiny|small|"
      + "medium; W3, W4: default). Default: every size of the workload.")
  String size;

  @Option(names = "--seconds", defaultValue = "5", paramLabel = "X", description = "Seconds per run (W1-W4), in (0, 3600].")
  double seconds;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "K", description = "Worker threads (W1-W3), 1 to 256.")
  int threads;

  @Option(names = "--seeds", defaultValue = "20", paramLabel = "N", description = "Seeds per problem (shrink), 1 to 10000.")
  int seeds;

  @Option(names = "--json", description = "One JSON line per run.")
  boolean json;

  @Option(names = "--compare", description = "W3, W4: also run the Python baseline (src/bench/python), alternating, "
      + Baselines.RUNS + " runs each, and print both medians and their ratio.")
  boolean compare;

  @Option(names = "--python", defaultValue = "python3", paramLabel = "EXE", description = "Python for --compare.")
  String python;

  @Override
  public Integer call() {
    if (compare) {
      Baselines.script(workload);
    }
    if (!workload.equals("shrink")) {
      Ranges.requirePositive("--seconds", seconds, Ranges.SECONDS_MAX);
      Ranges.require("--threads", threads, 1, Ranges.THREADS_MAX);
      java.util.List<String> sizes = Workloads.SIZES.get(workload);
      if (sizes == null) {
        throw new IllegalArgumentException("unknown workload '" + workload + "'; available: W1, W2, W3, W4, gen, shrink");
      }
      if (size != null && !sizes.contains(size)) {
        throw new IllegalArgumentException("workload " + workload + " has no size '" + size + "'; sizes: " + sizes);
      }
      if (compare) {
        printComparison(Baselines.compare(workload, seconds, threads, python));
        return 0;
      }
      for (String s : size == null ? sizes : java.util.List.of(size)) {
        Workloads.Run r = Workloads.run(workload, s, seconds, threads);
        System.out.println(json ? r.json() : String.format("%s %-7s %8d checks in %6.2f s = %10.2f checks/s%s%s",
            r.workload(), r.size(), r.checks(), r.seconds(), r.checks() / r.seconds(),
            Double.isNaN(r.maxAbsErr()) ? "" : String.format("  max abs err %.3g", r.maxAbsErr()),
            r.note() == null ? "" : "  " + r.note()));
      }
      return 0;
    }
    Ranges.require("--seeds", seeds, 1, Ranges.SEEDS_MAX);
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

  private void printComparison(com.fasterxml.jackson.databind.node.ObjectNode c) {
    System.out.println(json ? c.toString() : String.format("%s  PrefixProof %.4g checks/s, %s %.4g checks/s: %.3gx"
        + " (medians of %d runs)", workload, c.get("java_checks_per_s").asDouble(), c.get("baseline").asText(),
        c.get("baseline_checks_per_s").asDouble(), c.get("ratio").asDouble(), c.get("runs").asInt()));
  }
}
