package io.prefixproof.model;

import static io.prefixproof.model.TestModels.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prefixproof.algebra.Arith;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** σ of each score scale from its definition: a constant, T/√n over the sequence, T/√|M(i)| per query. */
class ScoreScaleTest {

  @Test
  @DisplayName("fixed σ ignores both counts")
  void fixed() {
    ScoreScale s = ScoreScale.fixed(f(3, 4));
    assertEquals(f(3, 4), s.sigma(Arith.exact(), 9, 4));
    assertEquals(0.75, s.sigma(Arith.decimal64(), 2, 3).doubleValue());
    assertEquals("3/4", s.toString());
    assertEquals("3", ScoreScale.fixed(new BigFraction(3)).toString());
  }

  @Test
  @DisplayName("per sequence: T/√n reads the sequence length; exact for perfect squares, the mode's root otherwise")
  void perSequence() {
    ScoreScale s = new ScoreScale.PerSequence(new BigFraction(6));
    assertEquals(new BigFraction(2), s.sigma(Arith.exact(), 9, 4));
    assertEquals(f(3, 2), s.sigma(Arith.exact(), 16, 1));
    assertEquals(6 / Math.sqrt(2), s.sigma(Arith.decimal64(), 2, 1).doubleValue());
    assertEquals(6 / Math.sqrt(15), s.sigma(Arith.decimal64(), 15, 1).doubleValue());
    assertEquals("6/sqrt(n)", s.toString());
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> s.sigma(Arith.exact(), 2, 1));
    assertEquals("exact mode cannot scale by 1/sqrt(2): 2 is not a perfect square", e.getMessage());
  }

  @Test
  @DisplayName("per attended key: T/√|M(i)| reads the query's count, not the sequence length")
  void perAttended() {
    ScoreScale s = new ScoreScale.PerAttended(new BigFraction(6));
    assertEquals(new BigFraction(3), s.sigma(Arith.exact(), 9, 4));
    assertEquals(new BigFraction(6), s.sigma(Arith.exact(), 2, 1));
    assertEquals(6 / Math.sqrt(3), s.sigma(Arith.decimal64(), 4, 3).doubleValue());
    assertEquals("6/sqrt(attended)", s.toString());
    assertThrows(ArithmeticException.class, () -> s.sigma(Arith.exact(), 4, 8));
  }
}
