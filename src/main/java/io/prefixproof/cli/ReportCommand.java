package io.prefixproof.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prefixproof report --out DIR}: {@code verify --html DIR} under its own name. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Run the claim catalogue and write a static HTML report (claim table, one page per claim with"
        + " its note, witness and figures) to DIR; exit codes as verify.")
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory of the report.")
  Path out;

  @Option(names = "--claim", paramLabel = "ID", description = "Claim IDs to run (default: all). Repeatable.")
  List<String> claims = new ArrayList<>();

  @Option(names = "--tries", paramLabel = "N", description = "Cases per claim (default: each claim's CI budget).")
  Integer tries;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--sources", paramLabel = "DIR", defaultValue = ".", description = "Project root whose src/ the"
      + " claim pages link to (default: the current directory).")
  Path sources;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    VerifyCommand v = new VerifyCommand();
    v.html = out;
    v.claims = claims;
    v.tries = tries;
    v.seed = seed;
    v.sources = sources;
    v.spec = spec;
    return v.call();
  }
}
