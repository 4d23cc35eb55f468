package io.prefixproof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prefixproof.constructions.Certifier;
import io.prefixproof.constructions.Constructions;
import io.prefixproof.constructions.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prefixproof certify cap2|cap3}: decide correctness for every target at once. */
@Command(name = "certify", mixinStandardHelpOptions = true,
    description = "Decide whether a construction generates every target exactly; print the margin, the smallest"
        + " correct temperature and, when it fails, a failing target and what the model produces for it.")
final class CertifyCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CAP", description = "cap2 or cap3")
  String which;

  @Option(names = "--vocab", defaultValue = "94", description = "V. Default ${DEFAULT-VALUE}.")
  int vocab;

  @Option(names = "--length", defaultValue = "20", description = "N (cap2). Default ${DEFAULT-VALUE}.")
  int length;

  @Option(names = "--temperature", defaultValue = "50", description = "T. Default ${DEFAULT-VALUE}.")
  String temperature;

  @Option(names = "--scale", defaultValue = "notebook", description = "notebook (T/sqrt(n)) or fixed (T).")
  String scale;

  @Option(names = "--causal", description = "Use a causal mask.")
  boolean causal;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Settings s = new Settings(vocab, length, Constructions.parseTemperature(temperature),
        Constructions.parseScale(scale), causal);
    Certifier.Verdict v = switch (which) {
      case "cap2" -> Certifier.cap2(s);
      case "cap3" -> Certifier.cap3(s);
      default -> throw new IllegalArgumentException("unknown construction '" + which + "'; available: cap2, cap3");
    };
    String failing = v.failingTarget() == null ? null : Constructions.show(v.failingTarget(), vocab);
    String produced = v.failingTarget() == null ? null : Constructions.runCap2(s, "dfp", v.failingTarget());
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("construction", which);
      m.put("vocab", vocab);
      m.put("length", which.equals("cap2") ? length : 2);
      m.put("temperature", temperature);
      m.put("scale", scale);
      m.put("correct_for_all", v.correctForAll());
      m.put("min_temperature", v.minTemperature());
      m.put("margin", v.margin());
      m.put("failing_target", failing);
      m.put("produced", produced);
      if (which.equals("cap2")) {
        m.put("max_length_at_this_temperature", Certifier.maxLengthCap2(s, 1_000_000));
      }
      System.out.println(new ObjectMapper().writeValueAsString(m));
    } else {
      System.out.println(which + " V=" + vocab + (which.equals("cap2") ? " N=" + length : "") + " T=" + temperature
          + " scale=" + scale + ": " + (v.correctForAll() ? "correct for every target" : "NOT correct for every target"));
      System.out.println("margin " + v.margin() + " (decoder half-step 1/(2V) = " + 1.0 / (2 * vocab) + ")");
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
