package io.prefixproof.cli;

import io.prefixproof.constructions.Constructions;
import io.prefixproof.constructions.Settings;
import picocli.CommandLine.Option;

/** The options shared by {@code construct} and {@code certify}: V, N, T, scale convention, mask. */
final class ConstructionOptions {

  @Option(names = "--vocab", defaultValue = "94", description = "V (94: printable ASCII), 1 to 1000000. Default"
      + " ${DEFAULT-VALUE}.")
  int vocab;

  @Option(names = "--length", defaultValue = "20", description = "N, positions (cap2; N0 for cap4), 1 to 100000."
      + " Default ${DEFAULT-VALUE}.")
  int length;

  @Option(names = "--temperature", defaultValue = "50", description = "T, a decimal in [0, 1000000]. Default"
      + " ${DEFAULT-VALUE}.")
  String temperature;

  @Option(names = "--scale", defaultValue = "notebook", description = "notebook (T/sqrt(n)) or fixed (T).")
  String scale;

  @Option(names = "--causal", description = "Use a causal mask (the notebook has none).")
  boolean causal;

  /** The settings, each value checked against its documented range ({@link Ranges}). */
  Settings settings() {
    Ranges.require("--vocab", vocab, 1, Ranges.VOCAB_MAX);
    Ranges.require("--length", length, 1, Ranges.LENGTH_MAX);
    return new Settings(vocab, length, Ranges.temperature(Constructions.parseTemperature(temperature), temperature),
        Constructions.parseScale(scale), causal);
  }
}
