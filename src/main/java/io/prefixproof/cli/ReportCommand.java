package io.prefixproof.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.prefixproof.bench.Workloads;
import io.prefixproof.io.ModelConfig;
import io.prefixproof.report.BenchTable;
import io.prefixproof.report.Experiments;
import io.prefixproof.report.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prefixproof report --out DIR}: {@code verify --html DIR} under its own name, with verify's options. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Run the claim catalogue (or the claims named) and write a static HTML report (claim table, one"
        + " page per claim with its note, witness and figures) to DIR; exit codes as verify.")
final class ReportCommand extends VerifyCommand {

  /**
   * The quick benchmarks {@code --bench-run} measures: the smallest size of W1-W3. W4 is left out: one W4 check
   * is a whole counterexample search and shrink, and took 37 s alone on a loaded machine.
   */
  static final List<String[]> QUICK = List.of(new String[] {"W1", "small"}, new String[] {"W2", "tiny"},
      new String[] {"W3", "default"});

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory of the report.")
  Path out;

  @Option(names = "--experiments", arity = "1..*", paramLabel = "FILE", description = "JSON files of trained"
      + " experiments (reproduce E… --json): one page each with the accuracy table and the attention maps.")
  List<Path> experiments = new ArrayList<>();

  @Option(names = "--bench", paramLabel = "FILE", description = "A bench --json file: its runs as the index's"
      + " benchmark table.")
  Path bench;

  @Option(names = "--bench-run", paramLabel = "SECONDS", description = "Run the quick benchmarks (W1 small, W2 tiny,"
      + " W3) for SECONDS each, in (0, 60], on this machine and show them as the benchmark table.")
  Double benchRun;

  @Override
  public Integer call() throws Exception {
    html = out;
    if (bench != null && benchRun != null) {
      throw new IllegalArgumentException("give --bench FILE or --bench-run SECONDS, not both");
    }
    if (benchRun != null) {
      Ranges.requirePositive("--bench-run", benchRun, 60);
    }
    List<Site.Extra> pages = new ArrayList<>();
    Set<String> paths = new HashSet<>();
    for (Path f : experiments) {
      Site.Extra x = Experiments.read(f);
      if (!paths.add(x.path())) {
        throw new IllegalArgumentException("--experiments: two files are experiment " + x.path() + "; give each"
            + " experiment once");
      }
      pages.add(x);
    }
    experimentPages = pages;
    benchFile = bench == null ? null : BenchTable.read(bench);
    return super.call();
  }

  /** The table read from --bench (read before the claims run, so that a bad file stops the run first). */
  private BenchTable benchFile;

  @Override
  BenchTable benchTable() {
    if (benchRun == null) {
      return benchFile;
    }
    List<JsonNode> runs = new ArrayList<>();
    for (String[] w : QUICK) {
      runs.add(Workloads.run(w[0], w[1], benchRun, 1).json());
    }
    return BenchTable.of(runs, "bench run by this report (" + benchRun + " s per workload, 1 thread)", Site.machine(),
        java.time.Instant.now().toString(), "--bench-run");
  }
}
