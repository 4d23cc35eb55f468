package io.prefixproof.cli;

import io.prefixproof.constructions.Constructions;
import io.prefixproof.constructions.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prefixproof construct cap2|cap3}: build a Section 3 construction and run it on a target. */
@Command(name = "construct", mixinStandardHelpOptions = true,
    description = "Build a Section 3 construction for a target and print what the model generates.",
    footer = {"%nSizes: the run's memory and time are estimated before it starts (Ranges.construction: weight"
        + " entries times positions summed over the steps, at 5 us per 40-digit multiply-add); a run estimated"
        + " above half the heap or 600 s is refused with exit code 2."})
final class ConstructCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CAP", description = "cap2 (any string from one virtual token), cap3 (any"
      + " map [V] -> [V]), cap4 (any map [V] -> [V]^N0 from N0 = --length virtual tokens) or cap5 (any table"
      + " [V]x[V] -> [V], two layers)")
  String which;

  @Mixin
  ConstructionOptions options;

  @Option(names = "--arith", defaultValue = "dfp", description = "dfp (40 digits, true exp), double, or exact"
      + " (rational kernel, fixed scale only).")
  String arith;

  @Option(names = "--target-text", paramLabel = "TEXT", description = "cap2: the target text (V = 94).")
  String text;

  @Option(names = "--target-tokens", split = ",", paramLabel = "IDS", description = "cap2: the target as token"
      + " indices.")
  int[] tokens;

  @Option(names = "--map", description = "cap3: 'swapcase' (V = 94) or comma-separated images of 0..V-1;"
      + " cap4: 'demo' (V = 94) or the N0-token answers of 0..V-1 separated by '|'; cap5: 'sum' or V rows of V"
      + " entries separated by '|'.")
  String map;

  @Option(names = "--input", description = "cap3, cap4: user tokens to answer; cap5: pairs a,b,a,b (text for V = 94,"
      + " else indices).")
  String input;

  @Override
  public Integer call() {
    Settings s = options.settings();
    // one input first: the maps parsed below are smaller than the model, so this bounds them too
    Ranges.construction(which, s.vocab(), s.length(), 1).requireFits(Ranges.heap());
    String a = Constructions.parseArith(arith);
    int[] users = which.equals("cap2") ? null : Constructions.cap3Input(s, input);
    if (users != null) {
      Ranges.construction(which, s.vocab(), s.length(), Math.max(1, which.equals("cap5") ? users.length / 2
          : users.length)).requireFits(Ranges.heap());
    }
    String out = switch (which) {
      case "cap2" -> Constructions.runCap2(s, a, Constructions.cap2Target(s, text, tokens));
      case "cap3" -> Constructions.runCap3(s, a, Constructions.cap3Map(s, map), users);
      case "cap4" -> Constructions.runCap4(s, a, Constructions.cap4Map(s, map), users);
      default -> Constructions.runCap5(s, a, Constructions.cap5Table(s, map), users);
    };
    System.out.println(out);
    return 0;
  }
}
