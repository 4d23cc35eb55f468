package io.prefixproof.model;

import io.prefixproof.algebra.Arith;
import java.math.BigInteger;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * The factor σ in {@code s_ij = σ·⟨q_i, k_j⟩}. The limitation claims assume σ does not depend on how
 * many positions are attended ({@link Fixed}); the companion notebook's {@code T/√n} with n the sequence
 * length and the per-query {@code T/√|M(i)|} are the named alternatives (CONJ-4).
 */
public sealed interface ScoreScale {

  /** σ for query {@code i} given the sequence length and the number of keys it attends. */
  <T extends FieldElement<T>> T sigma(Arith<T> arith, int sequenceLength, int attended);

  /** A constant σ. */
  record Fixed(BigFraction sigma) implements ScoreScale {
    @Override
    public <T extends FieldElement<T>> T sigma(Arith<T> arith, int sequenceLength, int attended) {
      return arith.of(sigma);
    }

    @Override
    public String toString() {
      return sigma.getDenominator().equals(BigInteger.ONE)
          ? sigma.getNumerator().toString()
          : sigma.getNumerator() + "/" + sigma.getDenominator();
    }
  }

  /** σ = T/√n with n the number of positions in the sequence (the companion notebook's convention). */
  record PerSequence(BigFraction temperature) implements ScoreScale {
    @Override
    public <T extends FieldElement<T>> T sigma(Arith<T> arith, int sequenceLength, int attended) {
      return arith.of(temperature).divide(sqrtCount(arith, sequenceLength));
    }

    @Override
    public String toString() {
      return temperature + "/sqrt(n)";
    }
  }

  /** σ_i = T/√|M(i)|, the number of keys query i attends (CONJ-4). */
  record PerAttended(BigFraction temperature) implements ScoreScale {
    @Override
    public <T extends FieldElement<T>> T sigma(Arith<T> arith, int sequenceLength, int attended) {
      return arith.of(temperature).divide(sqrtCount(arith, attended));
    }

    @Override
    public String toString() {
      return temperature + "/sqrt(attended)";
    }
  }

  static ScoreScale fixed(BigFraction sigma) {
    return new Fixed(sigma);
  }

  /** √count: exact for perfect squares in every mode, otherwise the mode's square root. */
  private static <T extends FieldElement<T>> T sqrtCount(Arith<T> arith, int count) {
    int r = (int) Math.round(Math.sqrt(count));
    if (r * r == count) {
      return arith.of(r);
    }
    if (arith.isExact()) {
      throw new ArithmeticException(
          "exact mode cannot scale by 1/sqrt(" + count + "): " + count + " is not a perfect square");
    }
    return arith.sqrtOf(count);
  }
}
