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
    description = "Build a Section 3 construction for a target and print what the model generates.")
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

  @Option(names = "--text", description = "cap2: the target text (V = 94).")
  String text;

  @Option(names = "--tokens", split = ",", description = "cap2: the target as token indices.")
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
    String out = switch (which) {
      case "cap2" -> Constructions.runCap2(s, Constructions.parseArith(arith),
          Constructions.cap2Target(s, text, tokens));
      case "cap3" -> Constructions.runCap3(s, Constructions.parseArith(arith), Constructions.cap3Map(s, map),
          Constructions.cap3Input(s, input));
      case "cap4" -> Constructions.runCap4(s, Constructions.parseArith(arith), Constructions.cap4Map(s, map),
          Constructions.cap3Input(s, input));
      case "cap5" -> Constructions.runCap5(s, Constructions.parseArith(arith), Constructions.cap5Table(s, map),
          Constructions.cap3Input(s, input));
      default -> throw new IllegalArgumentException("unknown construction '" + which + "'; available: cap2, cap3, cap4,"
          + " cap5");
    };
    System.out.println(out);
    return 0;
  }
}
