package io.prefixproof.claims;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.ExactArith;
import io.prefixproof.algebra.Mat;
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
 * decision the residues cannot make ({@link ModularArith.Undecided}) reruns the whole check: a sign or floor
 * too close to 0 or to an integer for the double enclosure reruns it with decimal enclosures of {@link
 * #DIGITS} significant digits, then of ten times as many ({@link ModularArith#widened}); a divisor that
 * vanished modulo a prime, or a sign that even those leave open, reruns it in {@code BigFraction}. Each case
 * is labelled with what decided it.
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

  /** Significant digits of the decimal enclosures of the first rerun of an undecided sign or floor. */
  public static final int DIGITS = 60;

  /** Label of a case whose double enclosures left a sign or floor open, decided with decimal ones. */
  public static final String WIDENED = "modular, decimal enclosures";

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

  /**
   * A check of one case written once for any exact arithmetic: it takes its case's rationals into {@code ar}
   * ({@link #model}, {@link #prefix}, {@link #rows}) and runs the claim's own code there, reporting its case
   * labels to {@code labels}.
   */
  public interface Program {
    <T extends FieldElement<T>> boolean run(Arith<T> ar, Consumer<String> labels);
  }

  /** Decides {@code check} on case {@code c} modulo fresh random primes, in BigFraction when undecided. */
  public static boolean decide(PrefixCase<BigFraction> c, Check check) {
    return decide(c.model(), program(c, check));
  }

  /**
   * Decides {@code program}, whose case has the exact model {@code m}, modulo fresh random primes, in
   * BigFraction (the arithmetic of {@code m}) when undecided.
   */
  public static boolean decide(Model<BigFraction> m, Program program) {
    SplittableRandom r;
    synchronized (PRIME_SOURCE) {
      r = PRIME_SOURCE.split();
    }
    RationalKernel kernel = kernelOf(m);
    return decide(m, program, k -> ModularArith.random(kernel, k, r));
  }

  /** {@link #decide(PrefixCase, Check)} with the arithmetic of {@code k} primes given by {@code primes}. */
  static boolean decide(PrefixCase<BigFraction> c, Check check, IntFunction<ModularArith> primes) {
    return decide(c.model(), program(c, check), primes);
  }

  /** {@link #decide(Model, Program)} with the arithmetic of {@code k} primes given by {@code primes}. */
  static boolean decide(Model<BigFraction> m, Program program, IntFunction<ModularArith> primes) {
    for (int digits : new int[] {0, DIGITS, 10 * DIGITS}) {
      try {
        return decide(program, digits == 0 ? primes : k -> primes.apply(k).widened(digits));
      } catch (ModularArith.Undecided u) {
        if (!u.enclosure()) {
          break;
        }
      }
    }
    Stats.label(FALLBACK);
    return program.run(m.arith(), Stats::label);
  }

  /** {@code program} decided modulo primes, its labels reported only once it is decided. */
  private static boolean decide(Program program, IntFunction<ModularArith> primes) {
    List<String> labels = new ArrayList<>();
    ModularArith first = primes.apply(PRIMES);
    boolean verdict = program.run(first, labels::add);
    ModularArith.Tally t = first.tally();
    if (t.probabilistic() > 0 && t.maxBits() < CERTIFY_BITS) {
      labels.clear();
      ModularArith second = primes.apply((int) (t.maxBits() / 61) + 2);
      verdict = program.run(second, labels::add);
      t = second.tally();
    }
    if (first.digits() > 0) {
      labels.add(WIDENED + " (" + first.digits() + " digits)");
    }
    labels.add(t.probabilistic() == 0 ? CERTIFIED : t.log2Error() <= -60 ? PROBABLE : UNBOUNDED);
    labels.forEach(Stats::label);
    return verdict;
  }

  /** {@code check} on case {@code c}, the case taken into the arithmetic it runs in. */
  static Program program(PrefixCase<BigFraction> c, Check check) {
    return new Program() {
      @Override
      public <T extends FieldElement<T>> boolean run(Arith<T> ar, Consumer<String> labels) {
        return check.run(model(c.model(), ar), prefix(c.prefix(), ar), Content.vectors(rows(c.content(), ar)), labels);
      }
    };
  }

  /** The exact model {@code m} in arithmetic {@code ar} (the same object when {@code ar} is its own). */
  @SuppressWarnings("unchecked")
  static <T extends FieldElement<T>> Model<T> model(Model<BigFraction> m, Arith<T> ar) {
    return ar == m.arith() ? (Model<T>) m : m.convert(ar, ar::of);
  }

  /** The exact prefix {@code p} in arithmetic {@code ar}. */
  static <T extends FieldElement<T>> Prefix<T> prefix(Prefix<BigFraction> p, Arith<T> ar) {
    return Catalogue.convertPrefix(p, ar);
  }

  /** The exact rows {@code x} in arithmetic {@code ar}. */
  static <T extends FieldElement<T>> Mat<T> rows(Mat<BigFraction> x, Arith<T> ar) {
    return x.convert(ar.field(), ar::of);
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
