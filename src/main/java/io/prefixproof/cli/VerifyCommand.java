package io.prefixproof.cli;

import io.prefixproof.claims.Claim;
import io.prefixproof.claims.UserClaims;
import io.prefixproof.property.Store;
import io.prefixproof.report.BenchTable;
import io.prefixproof.report.ClaimFigures;
import io.prefixproof.report.Report;
import io.prefixproof.report.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prefixproof verify}: runs the claim catalogue and prints one line per claim. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check every claim of the catalogue (or those named) and print a table; exit 0 when all"
        + " come out as expected.")
class VerifyCommand implements Callable<Integer> {

  @Option(names = "--claim", paramLabel = "ID", description = "Claim IDs to run (default: all). Repeatable.")
  List<String> claims = new ArrayList<>();

  @Option(names = "--tries", paramLabel = "N", description = "Cases per claim, 1 to 1000000 (default: each claim's CI"
      + " budget).")
  Integer tries;

  @Option(names = "--deadline", paramLabel = "SECONDS", description = "Wall-clock bound of each property run, its"
      + " cases and shrinking together, 1 to 86400 (default: 600); a run that reaches it ends as not as expected,"
      + " with the smallest failing case found so far.")
  Long deadline;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON (schema"
      + " prefixproof/verify/1) to FILE; - writes it to stdout and the table to stderr.")
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

  @Option(names = "--html", paramLabel = "DIR", description = "Also write the HTML report (claim pages, figures,"
      + " notes) to DIR.")
  Path html;

  @Option(names = "--sources", paramLabel = "DIR", defaultValue = ".", description = "Project root whose src/ the"
      + " HTML report links to (default: the current directory).")
  Path sources;

  @Option(names = "--source-base", paramLabel = "URL", description = "Link the HTML report's source files to URL"
      + " + path (an http(s) URL ending with '/', e.g. a repository's blob/COMMIT/ address); default: paths relative"
      + " to the page, for a report beside the sources.")
  String sourceBase;

  /** Pages of trained experiments the HTML report shows (set by {@code report}). */
  List<Site.Extra> experimentPages = List.of();

  /** The benchmark table of the HTML report, computed after the claims ran; none by default. */
  BenchTable benchTable() {
    return null;
  }

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (tries != null) {
      Ranges.require("--tries", tries, 1, Ranges.TRIES_MAX);
    }
    if (deadline != null) {
      Ranges.require("--deadline", deadline, 1, Ranges.DEADLINE_MAX);
    }
    JsonEnvelope.requireWritable("--json", json);
    if (save != null) {
      Ranges.requireWritableFolder("--save", save);
    }
    links = new Site.Sources(sources, sourceBase);
    if (html != null) {
      Ranges.requireWritableFolder("--html", html);
    }
    if (large) {
      System.setProperty("prefixproof.large", "true");
    }
    String previousDeadline = System.getProperty(DEADLINE_PROPERTY);
    if (deadline != null) {
      System.setProperty(DEADLINE_PROPERTY, Long.toString(deadline));
    }
    try {
      return run();
    } finally {
      if (previousDeadline == null) {
        System.clearProperty(DEADLINE_PROPERTY);
      } else {
        System.setProperty(DEADLINE_PROPERTY, previousDeadline);
      }
    }
  }

  /** The engine's override of every property run's deadline, which --deadline sets for this run. */
  static final String DEADLINE_PROPERTY = "prefixproof.deadline";

  /** Where the HTML report's source links lead (checked before any claim runs). */
  private Site.Sources links;

  private int run() throws Exception {
    List<Claim> known = UserClaims.all(claimJars);
    List<Claim> selected = claims.isEmpty() ? known : claims.stream().map(id -> UserClaims.byId(known, id)).toList();
    // the report keeps the shrunk witnesses as replayable choice files, and its figures replay them
    Store store = save != null ? new Store(save) : html != null ? new Store(html.resolve("counterexamples")) : null;
    List<Claim.Result> results = new ArrayList<>();
    List<Site.Entry> entries = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    java.io.PrintStream out = JsonEnvelope.text(json);
    out.println(Report.header());
    try (Progress progress = Progress.start("verify", selected.size(), "claims")) {
      java.io.PrintStream table = progress.above(out);
      for (Claim c : selected) {
        progress.now(c.id());
        Claim.Settings settings = new Claim.Settings(tries == null ? c.defaultTries() : tries, seed, store);
        Claim.Result r = c.run(settings);
        results.add(r);
        if (html != null) {
          entries.add(new Site.Entry(c, r, ClaimFigures.of(c, settings)));
        }
        table.println(Report.line(r));
        if (stats) {
          table.print(Report.statistics(r));
        }
        progress.step();
      }
    }
    out.println();
    for (Claim.Result r : results) {
      if (r.witness() != null) {
        out.println(r.id() + " witness:\n" + Report.indent(r.witness()));
      }
    }
    if (json != null) {
      JsonEnvelope.write(json, JsonEnvelope.of("verify", 1, seed, null, Report.json(results)));
    }
    if (html != null) {
      Site.write(html, Site.metadata(spec.root().version()[0], seed, tries, System.currentTimeMillis() - t0), entries,
          ClaimFigures.constructions(), experimentPages, benchTable(), links);
      out.println("wrote " + html.resolve("index.html"));
    }
    long bad = results.stream().filter(r -> !r.asExpected()).count();
    out.println(results.size() - bad + " as expected, " + bad + " not");
    return bad == 0 ? 0 : 1;
  }
}
