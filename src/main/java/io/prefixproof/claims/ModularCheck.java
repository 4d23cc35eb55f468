package io.prefixproof.claims;

import io.prefixproof.algebra.ExactArith;
import io.prefixproof.algebra.ModularArith;
import io.prefixproof.algebra.RationalKernel;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.model.Content;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.property.Stats;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Exact identity checks decided by multi-modular arithmetic ({@link ModularArith}): the case's rational
 * weights are taken modulo {@link #PRIMES} primes drawn afresh for each case and the check runs on those
 * residues. When every "equal" it decided has a height bound below {@link #CERTIFY_BITS}, the check runs again
 * with enough primes that their product exceeds every bound, and then every decision is certified. A
 * decision the residues cannot make ({@link ModularArith.Undecided}: a sign too close to 0 for the
 * enclosure, or a divisor that vanished modulo a prime) reruns the whole check in {@code BigFraction}.
 * Each case is labelled with what decided it.
 */
public final class ModularCheck {
  private ModularCheck() {}

  /** Primes of the first run: with height bounds below 2^40 bits, four keep a wrong "equal" below 2^-60. */
  public static final int PRIMES = 4;

  /** Height bounds up to this many bits are certified by a second run with more primes (at most 69). */
  public static final double CERTIFY_BITS = 4096;

  /** Label of a case whose every decision is certified. */
  public static final String CERTIFIED = "modular, certified";

  /** Label of a case decided modulo random primes with a stated error of at most 2^-60. */
  public static final String PROBABLE = "modular, error <= 2^-60";

  /** Label of a case decided modulo random primes whose computed error bound exceeds 2^-60. */
  public static final String UNBOUNDED = "modular, error bound above 2^-60";

  /** Label of a case the residues could not decide, decided in BigFraction. */
  public static final String FALLBACK = "BigFraction (modular undecided)";

  private static final SplittableRandom PRIME_SOURCE = new SplittableRandom();

  /**
   * A check written once for any exact arithmetic; it reports its case labels to {@code labels}, so that only
   * the run that decides the case labels it.
   */
  public interface Check {
    <T extends FieldElement<T>> boolean run(Model<T> m, Prefix<T> prefix, Content<T> content,
        Consumer<String> labels);
  }

  /** Decides {@code check} on case {@code c} modulo fresh random primes, in BigFraction when undecided. */
  public static boolean decide(PrefixCase<BigFraction> c, Check check) {
    SplittableRandom r;
    synchronized (PRIME_SOURCE) {
      r = PRIME_SOURCE.split();
    }
    RationalKernel kernel = kernelOf(c.model());
    return decide(c, check, k -> ModularArith.random(kernel, k, r));
  }

  /** {@link #decide(PrefixCase, Check)} with the arithmetic of {@code k} primes given by {@code primes}. */
  static boolean decide(PrefixCase<BigFraction> c, Check check, IntFunction<ModularArith> primes) {
    List<String> labels = new ArrayList<>();
    try {
      ModularArith first = primes.apply(PRIMES);
      boolean verdict = run(c, check, first, labels);
      ModularArith.Tally t = first.tally();
      if (t.probabilistic() > 0 && t.maxBits() < CERTIFY_BITS) {
        labels.clear();
        ModularArith second = primes.apply((int) (t.maxBits() / 61) + 2);
        verdict = run(c, check, second, labels);
        t = second.tally();
      }
      labels.add(t.probabilistic() == 0 ? CERTIFIED : t.log2Error() <= -60 ? PROBABLE : UNBOUNDED);
      labels.forEach(Stats::label);
      return verdict;
    } catch (ModularArith.Undecided u) {
      Stats.label(FALLBACK);
      return check.run(c.model(), c.prefix(), c.contentInput(), Stats::label);
    }
  }

  /** Runs {@code check} on case {@code c} taken modulo the primes of {@code ar}. */
  static boolean run(PrefixCase<BigFraction> c, Check check, ModularArith ar, List<String> labels) {
    return check.run(c.model().convert(ar, ar::of), Catalogue.convertPrefix(c.prefix(), ar),
        Content.vectors(c.content().convert(ar, ar::of)), labels::add);
  }

  /** The rational kernel of an exact model, for the modular arithmetic that must compute the same function. */
  static RationalKernel kernelOf(Model<BigFraction> m) {
    if (!(m.arith() instanceof ExactArith)) {
      throw new IllegalArgumentException("modular checks need an exact model, got " + m.arith().name());
    }
    return ((ExactArith) m.arith()).kernelKind();
  }

  /** LIM-1..4 at every layer (LIM-6), the case labelled trivial or not as in the BigFraction check. */
  static <T extends FieldElement<T>> boolean everyLayer(Model<T> m, Prefix<T> prefix, Content<T> content,
      Consumer<String> labels) {
    Limitations.Pair<T> pair = Limitations.run(m, prefix, content);
    Set<Limitations.Check> all = EnumSet.allOf(Limitations.Check.class);
    boolean held = Limitations.check(m, pair, 0, m.arch().layers(), all);
    labels.accept(Catalogue.limitationCaseLabel(content.length(), pair, m.arch().layers(), all));
    return held;
  }
}
