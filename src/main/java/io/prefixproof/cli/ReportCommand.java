package io.prefixproof.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prefixproof report --out DIR}: {@code verify --html DIR} under its own name, with verify's options. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Run the claim catalogue (or the claims named) and write a static HTML report (claim table, one"
        + " page per claim with its note, witness and figures) to DIR; exit codes as verify.")
final class ReportCommand extends VerifyCommand {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory of the report.")
  Path out;

  @Override
  public Integer call() throws Exception {
    html = out;
    return super.call();
  }
}
