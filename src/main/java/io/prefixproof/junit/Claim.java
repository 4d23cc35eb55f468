package io.prefixproof.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A claim written as a JUnit 5 test: the method's one parameter is a generated case (by default an exact
 * {@link io.prefixproof.cases.PrefixCase}: model, prefix and content), its body states the claim with
 * assertions, and {@link io.prefixproof.property.Property#assume} discards a case. The test is reported
 * under the claim's ID. A failure shows the shrunk case, the failed statement and a replay option; the
 * shrunk case is saved (folder {@code -Dprefixproof.failures}, default {@code target/prefixproof-failures})
 * and replayed first, without shrinking, on the next run.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@TestTemplate
@ExtendWith(ClaimExtension.class)
public @interface Claim {

  /** What the test expects of the claim. */
  enum Expect {
    /** Every case satisfies the statement. */
    HOLDS,
    /** The statement is false: a counterexample must be found, and its shrunk form passes {@link #witness}. */
    COUNTEREXAMPLE
  }

  /** The claim's stable ID, used as the test's name. */
  String id();

  /** The statement in words, shown in failure messages. */
  String statement() default "";

  /** Valid cases to try (overridden by {@code -Dprefixproof.tries}). */
  int tries() default 100;

  /**
   * A fixed seed; {@link Long#MIN_VALUE} (the default) draws a random one. {@code -Dprefixproof.seed.<id>=S}
   * overrides it for this claim alone.
   */
  long seed() default Long.MIN_VALUE;

  /**
   * The name of a method of the test class without parameters returning the {@code Gen} of cases; empty
   * (the default) means {@code Cases.exact(CaseOptions.exactDefaults(), Arith.exact(), false)}.
   */
  String cases() default "";

  /** HOLDS (the default) or COUNTEREXAMPLE. */
  Expect expect() default Expect.HOLDS;

  /**
   * For {@link Expect#COUNTEREXAMPLE}: the name of a method of the test class taking the shrunk case and
   * asserting what the witness must look like (for example its minimal shape); empty: no check.
   */
  String witness() default "";

  /** Most candidate runs spent shrinking one failure, every shrink pass together. */
  int shrinkRuns() default 200_000;

  /** Most seconds spent shrinking one failure. */
  int shrinkSeconds() default 60;
}
