package io.prefixproof.cli;

import io.prefixproof.constructions.Constructions;
import io.prefixproof.constructions.Settings;
import picocli.CommandLine.Option;

/** The options shared by {@code construct} and {@code certify}: V, N, T, scale convention, mask. */
final class ConstructionOptions {

  @Option(names = "--vocab", defaultValue = "94", description = "V (94: printable ASCII). Default ${DEFAULT-VALUE}.")
  int vocab;

  @Option(names = "--length", defaultValue = "20", description = "N, positions (cap2). Default ${DEFAULT-VALUE}.")
  int length;

  @Option(names = "--temperature", defaultValue = "50", description = "T. Default ${DEFAULT-VALUE}.")
  String temperature;

  @Option(names = "--scale", defaultValue = "notebook", description = "notebook (T/sqrt(n)) or fixed (T).")
  String scale;

  @Option(names = "--causal", description = "Use a causal mask (the notebook has none).")
  boolean causal;

  Settings settings() {
    return new Settings(vocab, length, Constructions.parseTemperature(temperature), Constructions.parseScale(scale),
        causal);
  }
}
