package io.prefixproof.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.constructions.Cap5Paper;
import io.prefixproof.constructions.Cap5Tables;
import io.prefixproof.constructions.Certifier;
import io.prefixproof.constructions.Constructions;
import io.prefixproof.constructions.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prefixproof certify cap2|cap3}: decide correctness for every target at once. */
@Command(name = "certify", mixinStandardHelpOptions = true,
    description = "Decide whether a construction generates every target exactly; print the margin, the smallest"
        + " correct temperature and, when it fails, a failing target and what the model produces for it.",
    footer = {"%nSizes: the certifier's work is estimated before it starts (cap2: two 60-digit exps per position;"
        + " cap4: V x N0 checks in about 70 bisection steps) and refused above 600 s (exit code 2); a failing"
        + " target whose model is too large to build is named but not run."})
final class CertifyCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CAP", description = "cap2, cap3, cap4 (N0 = --length) or cap5")
  String which;

  @Mixin
  ConstructionOptions options;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the verdict as JSON (schema"
      + " prefixproof/certify/1) to FILE; - writes it to stdout and the text to stderr.")
  Path json;

  @Option(names = "--construction", description = "cap5: own (default, every step in weights), paper (one packed"
      + " table token, the unpacking as weights) or notebook (the companion notebook's float64 procedure: measured on"
      + " --random-tables, not certified).")
  String construction;

  @Option(names = "--random-tables", defaultValue = "0", description = "cap5: also answer this many random tables at"
      + " every pair (numpy's RandomState(--seed).randint(V, size=(K, V, V))) and count the right ones; paper runs in"
      + " Dfp, seconds per table. Default ${DEFAULT-VALUE}.")
  int randomTables;

  @Option(names = "--seed", defaultValue = "0", description = "cap5: seed of --random-tables, 0..2^31-1. Default"
      + " ${DEFAULT-VALUE}.")
  int seed;

  @Override
  public Integer call() throws Exception {
    Settings s = options.settings();
    JsonEnvelope.requireWritable("--json", json);
    Ranges.Cost run = Ranges.construction(which, s.vocab(), s.length(), 1);
    Ranges.certifier(which, s.vocab(), s.length()).requireFits(Ranges.heap());
    Cap5Tables.Construction c = cap5Construction();
    Certifier.Verdict v = switch (which) {
      case "cap2" -> Certifier.cap2(s);
      case "cap3" -> Certifier.cap3(s);
      case "cap4" -> Certifier.cap4(s);
      case "cap5" -> c == Cap5Tables.Construction.OWN ? Certifier.cap5(s)
          : c == Cap5Tables.Construction.PAPER ? Cap5Paper.certify(s) : null;
      default -> throw new IllegalArgumentException("unknown construction '" + which + "'; available: cap2, cap3, cap4,"
          + " cap5");
    };
    Cap5Tables.Measurement measured = randomTables > 0 ? Cap5Tables.measure(c, s, randomTables, seed) : null;
    if (v == null) {
      return printNotebook(s, measured);
    }
    String failing = null;
    String produced = null;
    if (v.failingTarget() != null && !run.fits(Ranges.heap())) {
      failing = "(not shown: " + run.what() + " is too large to build; see construct)";
      produced = "(not run)";
    } else if (v.failingTarget() != null && c == Cap5Tables.Construction.PAPER) {
      int[][] table = Cap5Paper.failingTable(s);
      int[] pair = v.failingTarget();
      var dfp = io.prefixproof.algebra.Arith.dfp(40);
      failing = "table with row 0 = " + java.util.Arrays.toString(table[0]) + " and 0 elsewhere, input (" + pair[0] + ", "
          + pair[1] + ")";
      produced = String.valueOf(Cap5Paper.answer(Cap5Paper.model(s, dfp), Cap5Paper.prompt(table, s, dfp), pair[0],
          pair[1]));
    } else if (v.failingTarget() != null && which.equals("cap2")) {
      failing = Constructions.show(v.failingTarget(), s.vocab());
      produced = Constructions.runCap2(s, "dfp", v.failingTarget());
    } else if (v.failingTarget() != null && which.equals("cap5")) {
      int[][] table = new int[s.vocab()][s.vocab()];
      table[0][1] = s.vocab() - 1;
      failing = "table with f(0, 1) = " + (s.vocab() - 1) + " and 0 elsewhere, input (0, 1)";
      produced = Constructions.runCap5(s, "dfp", table, new int[] {0, 1});
    } else if (v.failingTarget() != null) {
      int[][] map = Certifier.cap4FailingMap(s);
      int user = v.failingTarget()[0];
      failing = "user " + Constructions.show(new int[] {user}, s.vocab()) + " -> " + Constructions.show(map[user], s.vocab())
          + " (every other answer " + Constructions.show(map[user == 0 ? 1 : 0], s.vocab()) + ")";
      produced = Constructions.runCap4(s, "dfp", map, new int[] {user});
    }
    PrintStream out = JsonEnvelope.text(json);
    out.println(which + " V=" + s.vocab() + (which.equals("cap3") || which.equals("cap5") ? "" : (which.equals("cap4")
        ? " N0=" : " N=") + s.length()) + " T=" + options.temperature + " scale=" + options.scale + ": "
        + (v.correctForAll() ? "correct for every target" : "NOT correct for every target"));
    out.println("margin " + v.margin() + " (decoder half-step 1/(2V) = " + 1.0 / (2 * s.vocab()) + ")");
    out.println("smallest correct temperature: "
        + (v.minTemperature() == null ? "none needed (every T)" : "any T > " + v.minTemperature()));
    Integer maxLength = which.equals("cap2") ? Certifier.maxLengthCap2(s, 1_000_000) : null;
    if (maxLength != null) {
      out.println("largest N at this T: " + maxLength);
    }
    if (failing != null) {
      out.println("failing target: \"" + failing + "\"\nproduced:       \"" + produced + "\"");
    }
    printMeasurement(out, measured);
    if (json != null) {
      ObjectNode m = data(s, c);
      m.put("correct_for_all", v.correctForAll());
      m.put("min_temperature", v.minTemperature());
      m.put("margin", v.margin());
      m.put("failing_target", failing);
      m.put("produced", produced);
      m.put("max_length_at_this_temperature", maxLength);
      putMeasurement(m, measured);
      write(m, measured);
    }
    return v.correctForAll() && (measured == null || measured.tablesCorrect() == measured.tables()) ? 0 : 1;
  }

  /** The CAP-5 construction named by --construction (own when absent); the cap5-only options are checked here. */
  private Cap5Tables.Construction cap5Construction() {
    if (!which.equals("cap5") && (construction != null || randomTables != 0 || seed != 0)) {
      throw new IllegalArgumentException("--construction, --random-tables and --seed apply to cap5 only");
    }
    Cap5Tables.Construction c = Cap5Tables.Construction.parse(construction == null ? "own" : construction);
    // the packed construction runs in 60-digit Dfp at seconds per pair, so its tables are few
    Ranges.require("--random-tables", randomTables, 0, c == Cap5Tables.Construction.PAPER ? 3 : 100_000);
    Ranges.require("--seed", seed, 0, Integer.MAX_VALUE);
    if (c == Cap5Tables.Construction.NOTEBOOK && randomTables == 0) {
      throw new IllegalArgumentException("--construction notebook is measured, not certified: give --random-tables K"
          + " (K >= 1)");
    }
    return c;
  }

  /** The notebook's procedure has no certificate: the measurement is the result (exit 1 when a table fails). */
  private int printNotebook(Settings s, Cap5Tables.Measurement measured) {
    PrintStream out = JsonEnvelope.text(json);
    out.println("cap5 notebook (float64) V=" + s.vocab() + " T=" + options.temperature + " seed=" + seed + ":");
    printMeasurement(out, measured);
    if (json != null) {
      ObjectNode m = data(s, Cap5Tables.Construction.NOTEBOOK);
      // measured, not certified: the certificate's fields do not apply
      for (String f : new String[] {"correct_for_all", "min_temperature", "margin", "failing_target", "produced",
          "max_length_at_this_temperature"}) {
        m.putNull(f);
      }
      putMeasurement(m, measured);
      write(m, measured);
    }
    return measured.tablesCorrect() == measured.tables() ? 0 : 1;
  }

  /** The fields of prefixproof/certify/1 that describe the run (docs/json-schemas.md). */
  private ObjectNode data(Settings s, Cap5Tables.Construction c) {
    ObjectNode m = JsonEnvelope.MAPPER.createObjectNode();
    m.put("construction", which);
    m.put("cap5_construction", which.equals("cap5") ? c.name().toLowerCase() : null);
    m.put("vocab", s.vocab());
    m.put("length", which.equals("cap3") ? 2 : which.equals("cap5") ? 4 : s.length());
    m.put("temperature", options.temperature);
    m.put("scale", options.scale);
    m.put("causal", s.causal());
    return m;
  }

  /** Writes the certify envelope; its seed is the seed of --random-tables, when tables were drawn. */
  private void write(ObjectNode m, Cap5Tables.Measurement measured) {
    JsonEnvelope.write(json, JsonEnvelope.of("certify", 1, measured == null ? null : (long) seed, null, m));
  }

  /** The --random-tables fields: null when no tables were drawn. */
  private static void putMeasurement(ObjectNode m, Cap5Tables.Measurement measured) {
    Cap5Tables.TableResult f = measured == null ? null : measured.firstFailing();
    m.put("tables", measured == null ? null : measured.tables());
    m.put("tables_correct", measured == null ? null : measured.tablesCorrect());
    m.put("pairs_wrong", measured == null ? null : measured.pairsWrong());
    m.set("failing_table", f == null ? null : JsonEnvelope.MAPPER.valueToTree(f.table()));
    m.set("failing_pairs", f == null ? null : JsonEnvelope.MAPPER.valueToTree(f.wrong().stream().map(w -> new int[] {
        w[0], w[1], w[2], f.table()[w[0]][w[1]]}).toList()));
  }

  private static void printMeasurement(PrintStream out, Cap5Tables.Measurement measured) {
    if (measured == null) {
      return;
    }
    out.println("random tables: " + measured.tablesCorrect() + " of " + measured.tables()
        + " answered right at every pair; wrong pairs " + measured.pairsWrong());
    Cap5Tables.TableResult f = measured.firstFailing();
    if (f != null) {
      out.println("first failing table (rows): " + java.util.Arrays.deepToString(f.table()));
      for (int[] w : f.wrong()) {
        out.println("  (" + w[0] + ", " + w[1] + ") -> " + w[2] + ", expected " + f.table()[w[0]][w[1]]);
      }
    }
  }
}
