package io.prefixproof.constructions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two things the CAP-2..CAP-5 certifiers rest on, measured: they ignore the mask (the answer position is the last
 * one, which sees every position under both masks), and the brute-force checks they are compared with can fail (a
 * planted defect in one weight).
 */
class ConstructionChecksTest {

  static final Arith<Dfp> DFP = ConstructionsTest.DFP;

  static Settings causal(Settings s, double t) {
    return new Settings(s.vocab(), s.length(), new BigFraction(t), s.notebookScale(), true);
  }

  @Test
  @DisplayName("causal mask: brute force agrees with the (mask-free) certifiers just above and below their minimal T")
  void causalMaskAgrees() {
    Settings cap2 = ConstructionsTest.cap2(3, 3, 1);
    double t2 = Certifier.cap2(cap2).minTemperature();
    assertTrue(ConstructionsTest.allGenerate(causal(cap2, t2 * (1 + 1e-6))));
    assertFalse(ConstructionsTest.allGenerate(causal(cap2, t2 * (1 - 1e-6))));
    Settings cap4 = new Settings(2, 2, BigFraction.ONE, true, false);
    double t4 = Certifier.cap4(cap4).minTemperature();
    assertTrue(ConstructionsTest.allMapsAnswered(causal(cap4, t4 * (1 + 1e-6))));
    assertFalse(ConstructionsTest.allMapsAnswered(causal(cap4, t4 * (1 - 1e-6))));
    Settings cap5 = new Settings(2, 4, BigFraction.ONE, true, false);
    double t5 = Certifier.cap5(cap5).minTemperature();
    assertTrue(ConstructionsTest.allTablesAnswered(causal(cap5, t5 * (1 + 1e-6)), ConstructionsTest.everyTable(2)));
    assertFalse(ConstructionsTest.allTablesAnswered(causal(cap5, t5 * (1 - 1e-6)), ConstructionsTest.everyTable(2)));
    // CAP-3 at T = 0 and T = 100 under the causal mask: every map [3] -> [3]
    for (double t : new double[] {0, 100}) {
      Settings s = new Settings(3, 2, new BigFraction(t), true, true);
      Model<Dfp> m = Cap3.model(s, DFP);
      for (int[] map : ConstructionsTest.allTargets(3, 3)) {
        for (int u = 0; u < 3; u++) {
          assertEquals(map[u], Cap3.answer(m, Cap3.prompt(map, s, DFP), u));
        }
      }
    }
  }

  /** The model with one weight replaced. */
  static Model<Dfp> planted(Model<Dfp> m, String name, UnaryOperator<Dfp> change, int row, int col) {
    Map<String, Mat<Dfp>> p = new LinkedHashMap<>(m.params());
    Mat<Dfp> w = p.get(name);
    p.put(name, Mat.of(DFP.field(), w.rows(), w.cols(), (i, j) -> i == row && j == col ? change.apply(w.get(i, j))
        : w.get(i, j)));
    return new Model<>(m.arch(), DFP, p);
  }

  @Test
  @DisplayName("planted defects: one changed weight makes the CAP-2, CAP-3, CAP-4 and CAP-5 brute-force checks fail")
  void plantedDefects() {
    UnaryOperator<Dfp> zero = x -> DFP.zero();
    // CAP-2 (V = N = 3, T = 20): the "first" head no longer reads payload coordinate 1
    Settings s2 = ConstructionsTest.cap2(3, 3, 20);
    Model<Dfp> m2 = planted(Cap2.model(s2, DFP), Names.wv(0, 1), zero, 1, 1);
    boolean caught2 = false;
    for (int[] y : ConstructionsTest.allTargets(3, 3)) {
      caught2 |= !Arrays.equals(y, Cap2.generate(m2, Cap2.prompt(y, s2, DFP)));
    }
    assertTrue(ConstructionsTest.allGenerate(s2) && caught2);
    // CAP-3 (V = 3, T = 100): the "val" head no longer copies token 2
    Settings s3 = new Settings(3, 2, new BigFraction(100), true, false);
    Model<Dfp> m3 = planted(Cap3.model(s3, DFP), Names.wv(0, 0), zero, 2, 2);
    boolean caught3 = false;
    for (int[] map : ConstructionsTest.allTargets(3, 3)) {
      for (int u = 0; u < 3; u++) {
        caught3 |= map[u] != Cap3.answer(m3, Cap3.prompt(map, s3, DFP), u);
      }
    }
    assertTrue(caught3);
    // CAP-4 (V = 2, N0 = 2, T = 100): the decoder threshold of coordinate 0 moved from −1 to 0
    Settings s4 = new Settings(2, 2, new BigFraction(100), true, false);
    Model<Dfp> m4 = planted(Cap4.model(s4, DFP), Names.c1(0), zero, 0, 0);
    boolean caught4 = false;
    int[][] rows = ConstructionsTest.allTargets(2, 2);
    for (int[] choice : ConstructionsTest.allTargets(rows.length, 2)) {
      int[][] map = {rows[choice[0]], rows[choice[1]]};
      for (int u = 0; u < 2; u++) {
        caught4 |= !Arrays.equals(map[u], Cap4.answer(m4, Cap4.prompt(map, s4, DFP), u));
      }
    }
    assertTrue(ConstructionsTest.allMapsAnswered(s4) && caught4);
    // CAP-5 own (V = 2, T = 100): the pair AND of (1, 1) loses its bias
    Settings s5 = new Settings(2, 4, new BigFraction(100), true, false);
    Model<Dfp> m5 = planted(Cap5.model(s5, DFP), Names.c1(0), zero, 0, 3);
    boolean caught5 = false;
    for (int[][] f : ConstructionsTest.everyTable(2)) {
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          caught5 |= f[a][b] != Cap5.answer(m5, Cap5.prompt(f, s5, DFP), a, b);
        }
      }
    }
    assertTrue(ConstructionsTest.allTablesAnswered(s5, ConstructionsTest.everyTable(2)) && caught5);
  }
}
