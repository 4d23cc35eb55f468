package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.ModularArith;
import io.prefixproof.algebra.RationalKernel;
import io.prefixproof.model.Model;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How {@link ModularCheck} decides what the residues' double enclosures leave open: which arithmetics run, in
 * which order, and that the verdict is {@code BigFraction}'s.
 */
class ModularCheckTest {
  /**
   * "3(1/3 + ε) > 1", ε = sign·eps, with the runs it took recorded as the decimal digits of each modular
   * arithmetic (0: doubles only) or −1 for {@code BigFraction}; {@code deadAt} is a prime that divides the
   * denominator of an input (or 0 for none).
   */
  static ModularCheck.Program above(BigFraction eps, long deadAt, List<Integer> runs) {
    return new ModularCheck.Program() {
      @Override
      public <T extends FieldElement<T>> boolean run(Arith<T> ar, Consumer<String> labels) {
        runs.add(ar instanceof ModularArith ? ((ModularArith) ar).digits() : -1);
        T third = ar.of(new BigFraction(1, 3));
        T x = third.add(ar.of(eps)).multiply(3);
        if (deadAt != 0) {
          T dead = ar.of(new BigFraction(BigInteger.valueOf(5), BigInteger.valueOf(deadAt)));
          x = x.add(dead).subtract(dead);
        }
        return ar.compare(x, ar.of(1)) > 0;
      }
    };
  }

  @ParameterizedTest(name = "ε = {0}, dead prime {1}")
  @CsvSource({
      // the doubles decide: one run
      "1/1000, 0, 0",
      "-1/1000, 0, 0",
      // 10^-30: the doubles cannot, 60 digits can
      "1/1000000000000000000000000000000, 0, 0 60",
      "-1/1000000000000000000000000000000, 0, 0 60",
      // 2^-2000 (about 10^-602): neither 60 nor 600 digits can; BigFraction decides
      "2000, 0, 0 60 600 -1",
      "-2000, 0, 0 60 600 -1",
      // ε = 0: every residue is 0, so x = 1 without a tighter enclosure
      "0/1, 0, 0",
      // the same at a prime where a divisor vanished: no tighter enclosure helps, BigFraction at once
      "0/1, 1000003, 0 -1",
  })
  void escalates(String eps, long deadAt, String expectedRuns) {
    BigFraction e = eps.endsWith("2000") ? new BigFraction(BigInteger.valueOf(eps.startsWith("-") ? -1 : 1),
        BigInteger.ONE.shiftLeft(2000)) : new BigFraction(new BigInteger(eps.split("/")[0]),
        new BigInteger(eps.split("/")[1]));
    Model<BigFraction> m = LoraVsPrefixTest.model(1);
    List<Integer> runs = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(5);
    boolean modular = ModularCheck.decide(m, above(e, deadAt, runs), deadAt == 0
        ? k -> ModularArith.random(RationalKernel.POLYNOMIAL, k, r)
        : k -> ModularArith.withPrimes(RationalKernel.POLYNOMIAL, deadAt, (1L << 61) - 1));
    boolean exact = above(e, deadAt, new ArrayList<>()).run(m.arith(), s -> {});
    assertEquals(e.getNumerator().signum() > 0, exact, "the program computes 3(1/3 + ε) > 1");
    assertEquals(exact, modular);
    assertEquals(expectedRuns, runs.stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElse(""));
  }
}
