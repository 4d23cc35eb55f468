package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.ModularArith;
import io.prefixproof.algebra.RationalKernel;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Source;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On the cases of every exact identity claim of the Section 4 family, the verdict decided modulo primes
 * ({@link ModularCheck}) equals the {@code BigFraction} verdict: on the claims' own cases (all hold), on the
 * same cases with a violation of size 2^-2000 planted in the prefixed run, and with a prime that divides
 * the cases' denominators.
 */
class ModularAgreementTest {

  /** The identities each claim checks (as in {@link Catalogue}); LIM-6 checks them at every layer. */
  static final Map<String, Set<Limitations.Check>> CHECKS = Map.of(
      "LIM-1", EnumSet.of(Limitations.Check.RESCALE),
      "LIM-1c", EnumSet.of(Limitations.Check.COROLLARIES),
      "LIM-2", EnumSet.of(Limitations.Check.OUTPUT),
      "LIM-3", EnumSet.of(Limitations.Check.OUTPUT),
      "LIM-4", EnumSet.of(Limitations.Check.MULTI_HEAD, Limitations.Check.OUTPUT),
      "LIM-5", EnumSet.allOf(Limitations.Check.class),
      "LIM-6", EnumSet.allOf(Limitations.Check.class));

  /** Cases per claim, each checked four times in BigFraction and twice modulo primes. */
  static final int CASES = 6;

  static final BigFraction EPS = new BigFraction(BigInteger.ONE, BigInteger.ONE.shiftLeft(2000));

  /** The exact generator of a catalogue claim: its first part (LIM-6: depth 2, where BigFraction is fast). */
  @SuppressWarnings("unchecked")
  static Gen<PrefixCase<BigFraction>> generator(String id) {
    Claim c = Catalogue.byId(id);
    while (c instanceof AllOf) {
      c = ((AllOf) c).parts().get(0);
    }
    return ((PropertyClaim<PrefixCase<BigFraction>>) c).gen();
  }

  /**
   * The claim's check on a run whose layer-0 head-0 entry (content query 0) is moved by 2^-2000 when
   * {@code plant} is set: the content weight of key 0 for the ratio statements, the head output for LIM-2/3,
   * the attention output for LIM-4.
   */
  static ModularCheck.Check check(Set<Limitations.Check> checks, boolean plant) {
    return new ModularCheck.Check() {
      @Override
      public <T extends FieldElement<T>> boolean run(Model<T> m, Prefix<T> prefix, Content<T> content,
          Consumer<String> labels) {
        Trace<T> t = Forward.run(m, prefix, content);
        if (plant) {
          t = planted(t, m.arith().of(EPS), checks);
        }
        int layers = checks.size() == Limitations.Check.values().length ? m.arch().layers() : 1;
        return Limitations.check(m, new Limitations.Pair<>(t, Limitations.reference(m, t)), 0, layers, checks);
      }
    };
  }

  static <T extends FieldElement<T>> Trace<T> planted(Trace<T> t, T eps, Set<Limitations.Check> checks) {
    Trace.Layer<T> l0 = t.layers().get(0);
    Trace.Head<T> h = l0.attention().heads().get(0);
    int row = t.streamPrefix();
    Mat<T> weights = h.weights();
    Mat<T> out = h.out();
    Mat<T> attention = l0.attention().out();
    if (checks.contains(Limitations.Check.RESCALE) || checks.contains(Limitations.Check.COROLLARIES)) {
      int key = t.keyPrefix();
      weights = weights.with(row, key, weights.get(row, key).add(eps));
    } else if (checks.contains(Limitations.Check.MULTI_HEAD)) {
      attention = attention.with(row, 0, attention.get(row, 0).add(eps));
    } else {
      out = out.with(row, 0, out.get(row, 0).add(eps));
    }
    List<Trace.Head<T>> heads = new ArrayList<>(l0.attention().heads());
    heads.set(0, new Trace.Head<>(h.queries(), h.keys(), h.values(), h.scores(), h.allowed(), weights, out));
    List<Trace.Layer<T>> layers = new ArrayList<>(t.layers());
    layers.set(0, new Trace.Layer<>(l0.input(), l0.normed(), new Trace.Attention<>(heads, attention),
        l0.afterAttention(), l0.mlpOut(), l0.output()));
    return new Trace<>(t.streamPrefix(), t.keyPrefix(), t.positions(), t.embeddings(), layers, t.hidden(),
        t.logits());
  }

  /** "holds", or the violated claim and place (the message up to its first colon). */
  static String verdict(Runnable r, boolean[] held) {
    try {
      r.run();
      return held[0] ? "holds" : "returned false";
    } catch (AssertionError e) {
      return e.getMessage().substring(0, e.getMessage().indexOf(':'));
    }
  }

  static String exactVerdict(PrefixCase<BigFraction> c, ModularCheck.Check check) {
    boolean[] held = new boolean[1];
    return verdict(() -> held[0] = check.run(c.model(), c.prefix(), c.contentInput(), s -> {}), held);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LIM-1", "LIM-1c", "LIM-2", "LIM-3", "LIM-4", "LIM-5", "LIM-6"})
  @DisplayName("modular and BigFraction verdicts agree: claim cases, 2^-2000 violations, a prime dividing denominators")
  void verdictsAgree(String id) {
    Gen<PrefixCase<BigFraction>> gen = generator(id);
    Set<Limitations.Check> checks = CHECKS.get(id);
    SplittableRandom r = new SplittableRandom(id.hashCode());
    RationalKernel kernel = RationalKernel.POLYNOMIAL;
    int planted = 0;
    int deadPrime = 0;
    for (int i = 0; i < CASES; i++) {
      PrefixCase<BigFraction> c = gen.generate(Source.random(r.split(), Integer.MAX_VALUE));
      for (boolean plant : new boolean[] {false, true}) {
        ModularCheck.Check check = check(checks, plant);
        String exact = exactVerdict(c, check);
        boolean[] held = new boolean[1];
        SplittableRandom primes = r.split();
        String modular = verdict(() -> held[0] = ModularCheck.decide(c, check,
            k -> ModularArith.random(kernel, k, primes)), held);
        assertEquals(exact, modular, (plant ? "planted " : "") + "case " + c);
        // 3 divides the denominators of the entries drawn with denominator 3: those residues vanish
        String withThree = verdict(() -> held[0] = ModularCheck.decide(c, check,
            k -> ModularArith.withPrimes(kernel, 3, (1L << 61) - 1)), held);
        assertEquals(exact, withThree, (plant ? "planted " : "") + "case modulo 3: " + c);
        planted += plant && !exact.equals("holds") ? 1 : 0;
        deadPrime += deadModulo3(c) ? 1 : 0;
      }
    }
    assertEquals(CASES, planted, "every planted 2^-2000 violation is a violation");
    assertTrue(deadPrime > 0, "no case had a denominator divisible by 3");
  }

  static boolean deadModulo3(PrefixCase<BigFraction> c) {
    return c.model().params().values().stream().anyMatch(m -> {
      for (int i = 0; i < m.rows(); i++) {
        for (int j = 0; j < m.cols(); j++) {
          if (m.get(i, j).getDenominator().mod(BigInteger.valueOf(3)).signum() == 0) {
            return true;
          }
        }
      }
      return false;
    });
  }
}
