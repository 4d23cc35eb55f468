package io.prefixproof.cli;

import io.prefixproof.claims.Claim;
import io.prefixproof.claims.UserClaims;
import io.prefixproof.property.Store;
import io.prefixproof.report.Report;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prefixproof verify}: runs the claim catalogue and prints one line per claim. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check every claim of the catalogue (or those named) and print a table; exit 0 when all"
        + " come out as expected.")
final class VerifyCommand implements Callable<Integer> {

  @Option(names = "--claim", paramLabel = "ID", description = "Claim IDs to run (default: all). Repeatable.")
  List<String> claims = new ArrayList<>();

  @Option(names = "--tries", paramLabel = "N", description = "Cases per claim, 1 to 1000000 (default: each claim's CI"
      + " budget).")
  Integer tries;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  Path json;

  @Option(names = "--save", paramLabel = "DIR", description = "Save shrunk counterexamples to DIR.")
  Path save;

  @Option(names = "--stats", description = "Print the labelled case counts (shapes, masks, prefix kinds) and the"
      + " share of trivial cases per claim.")
  boolean stats;

  @Option(names = "--large", description = "Double-precision checks on d <= 256 and 128 tokens (default d <= 64, 32).")
  boolean large;

  @Option(names = "--claims-from", paramLabel = "JAR", description = "Also run the claims of the"
      + " io.prefixproof.claims.ClaimProvider services in JAR. Repeatable.")
  List<Path> claimJars = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (tries != null) {
      Ranges.require("--tries", tries, 1, Ranges.TRIES_MAX);
    }
    if (json != null) {
      Ranges.requireWritableFile("--json", json);
    }
    if (save != null) {
      Ranges.requireWritableFolder("--save", save);
    }
    if (large) {
      System.setProperty("prefixproof.large", "true");
    }
    List<Claim> known = UserClaims.all(claimJars);
    List<Claim> selected = claims.isEmpty() ? known : claims.stream().map(id -> UserClaims.byId(known, id)).toList();
    Store store = save == null ? null : new Store(save);
    List<Claim.Result> results = new ArrayList<>();
    System.out.println(Report.header());
    for (Claim c : selected) {
      Claim.Result r = c.run(new Claim.Settings(tries == null ? c.defaultTries() : tries, seed, store));
      results.add(r);
      System.out.println(Report.line(r));
      if (stats) {
        System.out.print(Report.statistics(r));
      }
    }
    System.out.println();
    for (Claim.Result r : results) {
      if (r.witness() != null) {
        System.out.println(r.id() + " witness:\n" + Report.indent(r.witness()));
      }
    }
    if (json != null) {
      Report.writeJson(json, results);
      System.out.println("wrote " + json);
    }
    long bad = results.stream().filter(r -> !r.asExpected()).count();
    System.out.println(results.size() - bad + " as expected, " + bad + " not");
    return bad == 0 ? 0 : 1;
  }
}
