package io.prefixproof.train;

import java.util.SplittableRandom;

/** Standard normal draws from a seeded generator (Box–Muller; one value per call, so the stream is simple). */
final class Gaussian {
  private Gaussian() {}

  /** One N(0, 1) draw. */
  static double next(SplittableRandom rnd) {
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
