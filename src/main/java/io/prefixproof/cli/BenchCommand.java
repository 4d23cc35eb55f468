package io.prefixproof.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.prefixproof.bench.Baselines;
import io.prefixproof.bench.ShrinkBench;
import io.prefixproof.bench.ShrinkProblems;
import io.prefixproof.bench.Workloads;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prefixproof bench}: benchmarks that print numbers. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark workload and print its numbers (and write them as JSON with --json FILE).")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--workload", required = true, paramLabel = "W", description = "W1, W2, W3, W4, gen, train or shrink.")
  String workload;

  @Option(names = "--size", paramLabel = "S", description = "Size name (W1: small|medium|large; W2: tiny|small|"
      + "medium; W3, W4: default; train: e3-small|e3-paper|e4-paper|e5-paper). Default: every size of the workload.")
  String size;

  @Option(names = "--seconds", defaultValue = "5", paramLabel = "X", description = "Seconds per run (W1-W4), in (0, 3600].")
  double seconds;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "K", description = "Worker threads (W1-W3), 1 to 256.")
  int threads;

  @Option(names = "--seeds", defaultValue = "20", paramLabel = "N", description = "Seeds per problem (shrink), 1 to 10000.")
  int seeds;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the runs as JSON (schema prefixproof/bench/1,"
      + " prefixproof/bench-shrink/1 for shrink, prefixproof/bench-compare/2 with --compare) to FILE; - writes it to stdout and the text to stderr.")
  Path json;

  @Option(names = "--compare", description = "W1-W4, train: also run the Python baseline (src/bench/python; train:"
      + " PyTorch), alternating, " + Baselines.RUNS + " runs each per size, and print both medians and their ratio.")
  boolean compare;

  @Option(names = "--python", defaultValue = "python3", paramLabel = "EXE", description = "Python for --compare.")
  String python;

  @Override
  public Integer call() {
    JsonEnvelope.requireWritable("--json", json);
    PrintStream out = JsonEnvelope.text(json);
    ArrayNode runs = JsonEnvelope.MAPPER.createArrayNode();
    if (compare) {
      Baselines.script(workload);
    }
    if (!workload.equals("shrink")) {
      Ranges.requirePositive("--seconds", seconds, Ranges.SECONDS_MAX);
      Ranges.require("--threads", threads, 1, Ranges.THREADS_MAX);
      java.util.List<String> sizes = Workloads.SIZES.get(workload);
      if (sizes == null) {
        throw new IllegalArgumentException("unknown workload '" + workload + "'; available: W1, W2, W3, W4, gen, train, shrink");
      }
      if (size != null && !sizes.contains(size)) {
        throw new IllegalArgumentException("workload " + workload + " has no size '" + size + "'; sizes: " + sizes);
      }
      java.util.List<String> chosen = size == null ? sizes : java.util.List.of(size);
      if (compare) {
        for (String s : chosen) {
          com.fasterxml.jackson.databind.node.ObjectNode c = Baselines.compare(workload, s, seconds, threads, python);
          runs.add(c);
          out.println(String.format("%s %-7s PrefixProof %.4g checks/s, %s %.4g checks/s: %.3gx (medians of %d runs)",
              workload, s, c.get("java_checks_per_s").asDouble(), c.get("baseline").asText(),
              c.get("baseline_checks_per_s").asDouble(), c.get("ratio").asDouble(), c.get("runs").asInt()));
        }
        write("bench-compare", 2, runs);
        return 0;
      }
      try (Progress progress = Progress.start("bench " + workload, chosen.size(), "sizes")) {
        for (String s : chosen) {
          progress.now(s + ", " + seconds + " s");
          Workloads.Run r = Workloads.run(workload, s, seconds, threads);
          runs.add(r.json());
          progress.above(out).println(String.format("%s %-7s %8d checks in %6.2f s = %10.2f checks/s%s%s",
              r.workload(), r.size(), r.checks(), r.seconds(), r.checks() / r.seconds(),
              Double.isNaN(r.maxAbsErr()) ? "" : String.format("  max abs err %.3g", r.maxAbsErr()),
              r.note() == null ? "" : "  " + r.note()));
          progress.step();
        }
      }
      write("bench", 1, runs);
      return 0;
    }
    Ranges.require("--seeds", seeds, 1, Ranges.SEEDS_MAX);
    java.util.List<ShrinkProblems.Problem<?>> problems = ShrinkProblems.all();
    try (Progress progress = Progress.start("bench shrink", problems.size(), "problems")) {
      for (ShrinkProblems.Problem<?> p : problems) {
        progress.now(p.name());
        ShrinkBench.Tally t = ShrinkBench.run(p, seeds);
        runs.add(t.json());
        progress.above(out).println(String.format("%-30s found %2d/%d  median %5d ms  %s", t.problem(), t.found(), t.runs(),
            t.medianMillis(), t.results().entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + "x)")
                .collect(java.util.stream.Collectors.joining(", "))));
        progress.step();
      }
    }
    write("bench-shrink", 1, runs);
    return 0;
  }

  /** Writes the runs when --json was given; the seed is null: workloads fix theirs (1000 + thread; shrink 1..N). */
  private void write(String kind, int version, ArrayNode runs) {
    if (json != null) {
      JsonEnvelope.write(json, JsonEnvelope.of(kind, version, null, null, runs));
    }
  }
}
