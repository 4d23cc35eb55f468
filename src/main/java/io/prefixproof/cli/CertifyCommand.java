package io.prefixproof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prefixproof.constructions.Certifier;
import io.prefixproof.constructions.Constructions;
import io.prefixproof.constructions.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
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

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Settings s = options.settings();
    Ranges.Cost run = Ranges.construction(which, s.vocab(), s.length(), 1);
    Ranges.certifier(which, s.vocab(), s.length()).requireFits(Ranges.heap());
    Certifier.Verdict v = switch (which) {
      case "cap2" -> Certifier.cap2(s);
      case "cap3" -> Certifier.cap3(s);
      case "cap4" -> Certifier.cap4(s);
      case "cap5" -> Certifier.cap5(s);
      default -> throw new IllegalArgumentException("unknown construction '" + which + "'; available: cap2, cap3, cap4,"
          + " cap5");
    };
    String failing = null;
    String produced = null;
    if (v.failingTarget() != null && !run.fits(Ranges.heap())) {
      failing = "(not shown: " + run.what() + " is too large to build; see construct)";
      produced = "(not run)";
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
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("construction", which);
      m.put("vocab", s.vocab());
      m.put("length", which.equals("cap3") ? 2 : which.equals("cap5") ? 4 : s.length());
      m.put("temperature", options.temperature);
      m.put("scale", options.scale);
      m.put("correct_for_all", v.correctForAll());
      m.put("min_temperature", v.minTemperature());
      m.put("margin", v.margin());
      m.put("failing_target", failing);
      m.put("produced", produced);
      if (which.equals("cap5")) {
        m.put("largest_vocab_packed_in_doubles", io.prefixproof.constructions.Cap5.largestVocabPackedInDoubles());
      }
      if (which.equals("cap2")) {
        m.put("max_length_at_this_temperature", Certifier.maxLengthCap2(s, 1_000_000));
      }
      System.out.println(new ObjectMapper().writeValueAsString(m));
    } else {
      System.out.println(which + " V=" + s.vocab() + (which.equals("cap3") || which.equals("cap5") ? "" : (which.equals("cap4") ? " N0=" : " N=") + s.length()) + " T="
          + options.temperature + " scale=" + options.scale + ": " + (v.correctForAll() ? "correct for every target" : "NOT correct for every target"));
      System.out.println("margin " + v.margin() + " (decoder half-step 1/(2V) = " + 1.0 / (2 * s.vocab()) + ")");
      System.out.println("smallest correct temperature: "
          + (v.minTemperature() == null ? "none needed (every T)" : "any T > " + v.minTemperature()));
      if (which.equals("cap2")) {
        System.out.println("largest N at this T: " + Certifier.maxLengthCap2(s, 1_000_000));
      }
      if (failing != null) {
        System.out.println("failing target: \"" + failing + "\"\nproduced:       \"" + produced + "\"");
      }
    }
    return v.correctForAll() ? 0 : 1;
  }
}
