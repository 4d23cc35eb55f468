package io.prefixproof.claims;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.property.Property;
import io.prefixproof.property.Stats;
import java.util.Set;

/**
 * The double-precision part of the limitation claims: random EJML cases, every layer checked by
 * {@link DoubleLimitations} with derived tolerances; reports the largest absolute error and the largest
 * error/tolerance ratio of the identities named in {@code measured}. {@code -Dprefixproof.large=true} (or {@code verify --large}) raises the shapes to
 * d ≤ 256 and 128 content tokens.
 */
public record DoubleClaim(String id, String statement, String section, int defaultTries, Set<String> measured)
    implements Claim {

  @Override
  public Expected expected() {
    return Expected.HOLDS;
  }

  /** The sizes in force: {@link DoubleCases#large()} when {@code prefixproof.large} is true. */
  public static DoubleCases.Sizes sizes() {
    return Boolean.getBoolean("prefixproof.large") ? DoubleCases.large() : DoubleCases.ci();
  }

  @Override
  public Result run(Settings s) {
    long t0 = System.currentTimeMillis();
    DoubleLimitations.Meter meter = new DoubleLimitations.Meter();
    io.prefixproof.property.Result<DoubleCases.Case> r = Property.of(id + " (double)", DoubleCases.cases(sizes()))
        .tries(s.tries()).seed(s.seed()).run(c -> {
          Stats.label("layers=" + c.model().arch().layers());
          Stats.label("temperature=" + c.temperature());
          DoubleLimitations.check(c.model(), c.run(), meter);
          return true;
        });
    long ms = System.currentTimeMillis() - t0;
    DoubleCases.Sizes z = sizes();
    String detail = String.format("max error/tolerance %.3g (layers<=%d, heads<=%d, d<=%d, n<=%d, p<=%d)",
        meter.maxRatio(measured), z.layers(), z.heads(), z.dModel(), z.content(), z.prefix());
    if (r.failed()) {
      return new Result(id, Status.FAILED, expected(), r.tries(), r.seed(), meter.maxAbsErr(measured),
          r.counterexample().value().toString(), ms, r.counterexample().failure(), r.labels());
    }
    return new Result(id, r.complete() ? Status.HOLDS : Status.FAILED, expected(), r.tries(), r.seed(),
        meter.maxAbsErr(measured), null, ms, r.complete() ? detail : r.stopped(), r.labels());
  }
}
