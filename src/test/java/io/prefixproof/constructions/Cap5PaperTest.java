package io.prefixproof.constructions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CAP-5 as published: one packed table token, two attention layers, the unpacking as weights. */
class Cap5PaperTest {

  static final Arith<Dfp> DFP = Arith.dfp(40);

  static Settings settings(int v, double t, boolean causal) {
    return new Settings(v, 4, new BigFraction(t), true, causal);
  }

  /** Wrong pairs {a, b, answer} of table f. */
  static <T extends FieldElement<T>> List<int[]> wrongPairs(Model<T> m, SoftPrompt<T> prompt, int[][] f) {
    return Cap5Tables.TableResult.of(f, (a, b) -> Cap5Paper.answer(m, prompt, a, b)).wrong();
  }

  static boolean everyTable(Settings s) {
    Model<Dfp> m = Cap5Paper.model(s, DFP);
    for (int[][] f : ConstructionsTest.everyTable(s.vocab())) {
      if (!wrongPairs(m, Cap5Paper.prompt(f, s, DFP), f).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  @ParameterizedTest(name = "causal={0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("V = 2: all 16 tables right just above the certified T, some wrong below the ramp band; both masks")
  void certifierAgreesWithBruteForce(boolean causal) {
    double tMin = Cap5Paper.certify(settings(2, 100, causal)).minTemperature();
    Settings above = settings(2, tMin * (1 + 1e-6), causal);
    Settings below = settings(2, tMin * (1 - 1e-2), causal);
    assertTrue(Cap5Paper.certify(above).correctForAll());
    Certifier.Verdict v = Cap5Paper.certify(below);
    assertFalse(v.correctForAll());
    assertTrue(everyTable(above), "some table fails just above the certified minimum");
    assertFalse(everyTable(below), "every table works below the band");
    // the certifier's failing table fails at its pair
    int[][] f = Cap5Paper.failingTable(below);
    int[] pair = v.failingTarget();
    assertTrue(Cap5Paper.answer(Cap5Paper.model(below, DFP), Cap5Paper.prompt(f, below, DFP), pair[0], pair[1])
        != f[pair[0]][pair[1]]);
    // inside the ramp band the certifier refuses to decide
    double band = Math.log((2 * 4 - 1) * (causal ? 1 : 2) / 0.5 - (causal ? 2 : 3)) * 2;
    assertThrows(ArithmeticException.class, () -> Cap5Paper.certify(settings(2, band, causal)));
  }

  @Test
  @DisplayName("published V = 10, T = 1000: certified; the notebook's table and (a + b) mod 10 answered in Dfp")
  void published() {
    Settings s = settings(10, 1000, false);
    Certifier.Verdict v = Cap5Paper.certify(s);
    assertTrue(v.correctForAll());
    assertTrue(v.minTemperature() > 50 && v.minTemperature() < 60, "T_min " + v.minTemperature());
    Model<Dfp> m = Cap5Paper.model(s, DFP);
    int[][] notebook = Cap5Notebook.randomTables(10, 1, 0)[0];
    int[][] sum = Constructions.cap5Table(s, "sum");
    SoftPrompt<Dfp> pn = Cap5Paper.prompt(notebook, s, DFP);
    SoftPrompt<Dfp> ps = Cap5Paper.prompt(sum, s, DFP);
    int[][] pairs = {{0, 9}, {9, 0}, {9, 9}, {3, 4}, {7, 7}};
    for (int[] p : pairs) {
      assertEquals(notebook[p[0]][p[1]], Cap5Paper.answer(m, pn, p[0], p[1]));
      assertEquals(sum[p[0]][p[1]], Cap5Paper.answer(m, ps, p[0], p[1]));
    }
  }

  @Test
  @DisplayName("exact rationals (κ(s) = 1 + s + s²/2, V = 3): κ(19.5) = 210.6 answers, κ(19.3) = 206.5 does not")
  void exact() {
    // V = 3: the unpacking is exact iff K ≥ 106/(1/2 − 2⁻¹⁰) − 3 = 209.4, provably fails for K ≤ 106/(1/2 + 2⁻¹⁰) − 3
    // = 208.6 (row 0 all 2 answers (0, 2) with 1); the decoder condition holds well below (hand-computed)
    Settings ok = new Settings(3, 4, new BigFraction(39), true, false);
    Settings bad = new Settings(3, 4, new BigFraction(386, 10), true, false);
    int[][] allTwo = {{2, 2, 2}, {0, 0, 0}, {0, 0, 0}};
    int[][] sum = Constructions.cap5Table(ok, "sum");
    int[][] single = {{0, 2, 0}, {0, 0, 0}, {0, 0, 0}};
    Model<BigFraction> mOk = Cap5Paper.model(ok, Arith.exact());
    for (int[][] f : List.of(allTwo, sum, single)) {
      assertEquals(List.of(), wrongPairs(mOk, Cap5Paper.prompt(f, ok, Arith.exact()), f));
    }
    assertEquals(1, Cap5Paper.answer(Cap5Paper.model(bad, Arith.exact()), Cap5Paper.prompt(allTwo, bad, Arith.exact()),
        0, 2));
  }

  @Test
  @DisplayName("random tables: own at V = 10, T = 1000 in doubles (20 tables); paper in Dfp at V = 2 (8 tables)")
  void randomTables() {
    Cap5Tables.Measurement own = Cap5Tables.measure(Cap5Tables.Construction.OWN, settings(10, 1000, false), 20, 0);
    assertEquals(20, own.tablesCorrect());
    assertEquals(0, own.pairsWrong());
    Settings two = settings(2, 100, false);
    assertEquals(8, Cap5Tables.measure(Cap5Tables.Construction.PAPER, two, 8, 0).tablesCorrect());
    // below the certified range the same measurement reports the failing tables and their wrong pairs
    Cap5Tables.Measurement low = Cap5Tables.measure(Cap5Tables.Construction.PAPER, settings(2, 3, false), 8, 0);
    assertTrue(low.tablesCorrect() < 8 && low.pairsWrong() > 0 && !low.firstFailing().correct());
  }

  @Test
  @DisplayName("planted defect: one unpacking threshold moved by a digit breaks some table, and the runs see it")
  void plantedDefect() {
    Settings s = settings(2, 100, false);
    Model<Dfp> m = Cap5Paper.model(s, DFP);
    Map<String, Mat<Dfp>> params = new LinkedHashMap<>(m.params());
    // block 1 (digit 0): shift the bias of the threshold t = 1 pair by M·δ = 2⁹, i.e. one grid step of y
    Mat<Dfp> c1 = params.get(Names.c1(1));
    params.put(Names.c1(1), Mat.of(DFP.field(), 1, c1.cols(), (i, u) -> u >= 2 ? c1.get(i, u).subtract(DFP.of(512))
        : c1.get(i, u)));
    Model<Dfp> broken = new Model<>(m.arch(), DFP, params);
    boolean caught = false;
    for (int[][] f : ConstructionsTest.everyTable(2)) {
      assertEquals(List.of(), wrongPairs(m, Cap5Paper.prompt(f, s, DFP), f));
      caught |= !wrongPairs(broken, Cap5Paper.prompt(f, s, DFP), f).isEmpty();
    }
    assertTrue(caught);
    assertNotNull(Cap5Paper.certify(s));
  }
}
