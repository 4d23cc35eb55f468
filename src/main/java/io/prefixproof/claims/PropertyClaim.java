package io.prefixproof.claims;

import io.prefixproof.cases.Cases;
import io.prefixproof.property.Counterexample;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A claim checked by the property engine: a generator of cases and a check. For an expected-true claim
 * the check must hold on every case; for a conjecture expected false the engine must find a case where it
 * fails, shrink it, and the shrunk witness must pass {@code witnessCheck} (for example: minimal shape).
 *
 * @param <T> the case type
 */
public record PropertyClaim<T>(
    String id,
    String statement,
    String section,
    Expected expected,
    int defaultTries,
    Gen<T> gen,
    Property.Check<T> check,
    Function<T, String> printer,
    Predicate<T> witnessCheck)
    implements Claim {

  /** An expected-true claim. */
  public static <T> PropertyClaim<T> holds(String id, String statement, String section, int tries, Gen<T> gen,
      Property.Check<T> check) {
    return new PropertyClaim<>(id, statement, section, Expected.HOLDS, tries, gen, check, String::valueOf, t -> true);
  }

  /** A claim expected to have a counterexample (or an existence claim whose witness is searched). */
  public static <T> PropertyClaim<T> counterexample(String id, String statement, String section, int tries, Gen<T> gen,
      Property.Check<T> check, Predicate<T> witnessCheck) {
    return new PropertyClaim<>(id, statement, section, Expected.COUNTEREXAMPLE, tries, gen, check, String::valueOf,
        witnessCheck);
  }

  public Property<T> property(Settings s) {
    Property<T> p = Cases.property(id, gen).tries(s.tries()).seed(s.seed()).printer(printer);
    if (expected == Expected.COUNTEREXAMPLE) {
      // shrinking to the minimal witness is the search's purpose: five minutes for it, not the default one
      p.shrinkBudget(200_000, 300_000);
    }
    return s.store() == null ? p : p.store(s.store());
  }

  @Override
  public Result run(Settings s) {
    long t0 = System.currentTimeMillis();
    Property<T> p = property(s);
    io.prefixproof.property.Result<T> r = p.run(check);
    long ms = System.currentTimeMillis() - t0;
    if (!r.failed() && !r.complete()) {
      return new Result(id, Status.FAILED, expected, r.tries(), r.seed(), null, null, ms, r.stopped(), r.labels());
    }
    if (!r.failed()) {
      Status st = expected == Expected.HOLDS ? Status.HOLDS : Status.FAILED;
      String detail = expected == Expected.HOLDS ? "held on every case"
          : "no counterexample found in " + r.tries() + " cases";
      return new Result(id, st, expected, r.tries(), r.seed(), null, null, ms, detail, r.labels());
    }
    Counterexample<T> c = r.counterexample();
    String witness = printer.apply(c.value());
    if (expected == Expected.HOLDS) {
      return new Result(id, Status.FAILED, expected, r.tries(), r.seed(), null, witness, ms, c.failure()
          + (c.fullyShrunk() ? "" : "; shrinking stopped on " + c.shrinkStop() + ", the witness is the smallest case"
              + " found so far"), r.labels());
    }
    if (s.store() != null) {
      s.store().save(id, c.choices(), witness);
    }
    boolean minimal = witnessCheck.test(c.value());
    return new Result(id, minimal ? Status.COUNTEREXAMPLE : Status.FAILED, expected, r.tries(), r.seed(), null,
        witness, ms, minimal ? c.failure() + "; shrunk in " + c.shrinkSteps() + " steps"
            : "counterexample found but not shrunk to the minimal shape the note argues for", r.labels());
  }
}
