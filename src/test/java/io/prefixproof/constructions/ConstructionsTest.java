package io.prefixproof.constructions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.adapt.HardPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConstructionsTest {

  static final Arith<Dfp> DFP = Arith.dfp(40);

  static Settings cap2(int v, int n, double t) {
    return new Settings(v, n, new BigFraction(t), true, false);
  }

  /** Every target in [V]^N, in order. */
  static int[][] allTargets(int v, int n) {
    int total = (int) Math.pow(v, n);
    int[][] out = new int[total][n];
    for (int code = 0; code < total; code++) {
      for (int i = 0, x = code; i < n; i++, x /= v) {
        out[code][i] = x % v;
      }
    }
    return out;
  }

  /** Brute force: does the Dfp model generate every target exactly? */
  static boolean allGenerate(Settings s) {
    Model<Dfp> m = Cap2.model(s, DFP);
    for (int[] y : allTargets(s.vocab(), s.length())) {
      if (!Arrays.equals(y, Cap2.generate(m, Cap2.prompt(y, s, DFP)))) {
        return false;
      }
    }
    return true;
  }

  @ParameterizedTest(name = "V={0} N={1}")
  @CsvSource({"2, 2", "3, 3", "4, 4", "4, 2", "2, 4"})
  @DisplayName("CAP-2: the certifier's minimal T agrees with brute force just below and just above it")
  void certifierAgreesWithBruteForce(int v, int n) {
    double tMin = Certifier.cap2(cap2(v, n, 1)).minTemperature();
    Settings above = cap2(v, n, tMin * (1 + 1e-6));
    Settings below = cap2(v, n, tMin * (1 - 1e-6));
    assertTrue(Certifier.cap2(above).correctForAll());
    assertFalse(Certifier.cap2(below).correctForAll());
    assertTrue(allGenerate(above), "some target fails just above the certified minimum");
    assertFalse(allGenerate(below), "every target works just below the certified minimum");
    // the certifier's failing target really fails
    int[] failing = Certifier.cap2(below).failingTarget();
    assertFalse(Arrays.equals(failing, Cap2.generate(Cap2.model(below, DFP), Cap2.prompt(failing, below, DFP))));
  }

  @Test
  @DisplayName("CAP-2: the verdict agrees with brute force on random settings (property)")
  void randomSettingsAgree() {
    Gen<double[]> settings = Gen.integers(2, 4).flatMap(v -> Gen.integers(2, 3)
        .flatMap(n -> Gen.doubles(0, 30).map(t -> new double[] {v, n, t})));
    Property.of("certifier = brute force", settings).seed(5).tries(30).printer(Arrays::toString).check(x -> {
      Settings s = cap2((int) x[0], (int) x[1], x[2]);
      return Certifier.cap2(s).correctForAll() == allGenerate(s);
    });
  }

  @Test
  @DisplayName("CAP-2 published setting (V=94, N=20, T=50): certified for every target; the demo string")
  void publishedCap2() {
    Settings s = cap2(94, 20, 50);
    Certifier.Verdict v = Certifier.cap2(s);
    assertTrue(v.correctForAll());
    assertTrue(v.minTemperature() < 50 && v.minTemperature() > 39, "T_min " + v.minTemperature());
    int[] target = Decoder.encode("I love transformers!", 94);
    assertArrayEquals(target, Cap2.generate(Cap2.model(s, DFP), Cap2.prompt(target, s, DFP)));
    assertEquals("I love transformers!", Constructions.runCap2(s, "double", target));
    // the worst target: '}' (c = 93) everywhere
    int[] worst = new int[20];
    Arrays.fill(worst, 93);
    assertArrayEquals(worst, Cap2.generate(Cap2.model(s, DFP), Cap2.prompt(worst, s, DFP)));
  }

  @Test
  @DisplayName("CAP-2 in exact arithmetic: with κ(s) = 1 + s + s²/2 the condition is κ(T) > (N−1)(4V−3)")
  void exactCap2() {
    // V = 3, N = 3: (N-1)(4V-3) = 18; κ(5) = 18.5 > 18 works, κ(4) = 13 does not
    Settings ok = new Settings(3, 3, new BigFraction(5), false, false);
    Settings bad = new Settings(3, 3, new BigFraction(4), false, false);
    Model<BigFraction> mOk = Cap2.model(ok, Arith.exact());
    Model<BigFraction> mBad = Cap2.model(bad, Arith.exact());
    boolean badFailed = false;
    for (int[] y : allTargets(3, 3)) {
      assertArrayEquals(y, Cap2.generate(mOk, Cap2.prompt(y, ok, Arith.exact())), Arrays.toString(y));
      badFailed |= !Arrays.equals(y, Cap2.generate(mBad, Cap2.prompt(y, bad, Arith.exact())));
    }
    assertTrue(badFailed, "below the exact threshold some target must fail");
  }

  @Test
  @DisplayName("CAP-1 against CAP-2: hard tokens give 1 generation, virtual tokens all V^N")
  void hardVersusVirtual() {
    Settings s = cap2(3, 3, 20);
    Model<Dfp> m = Cap2.model(s, DFP);
    Set<String> hard = new HashSet<>();
    for (int t = 0; t < 3; t++) {
      hard.add(Arrays.toString(Forward.generate(m, new HardPrompt<Dfp>(new int[] {t}).prefix(m), new int[0], 3)));
    }
    Set<String> virtual = new HashSet<>();
    for (int[] y : allTargets(3, 3)) {
      virtual.add(Arrays.toString(Cap2.generate(m, Cap2.prompt(y, s, DFP))));
    }
    assertEquals(1, hard.size(), "the token embedding is 0: every hard token looks the same");
    assertEquals(27, virtual.size());
  }

  /** Brute force: does the Dfp CAP-4 model answer every user with its row, for every map [V] → [V]^N0? */
  static boolean allMapsAnswered(Settings s) {
    Model<Dfp> m = Cap4.model(s, DFP);
    int v = s.vocab();
    int[][] rows = allTargets(v, s.length());
    for (int[] choice : allTargets(rows.length, v)) {
      int[][] map = new int[v][];
      for (int k = 0; k < v; k++) {
        map[k] = rows[choice[k]];
      }
      var prompt = Cap4.prompt(map, s, DFP);
      for (int u = 0; u < v; u++) {
        if (!Arrays.equals(map[u], Cap4.answer(m, prompt, u))) {
          return false;
        }
      }
    }
    return true;
  }

  @ParameterizedTest(name = "V={0} N0={1}")
  @CsvSource({"2, 2", "3, 2"})
  @DisplayName("CAP-4: the certifier's minimal T agrees with brute force over all maps just below and above it")
  void cap4AgreesWithBruteForce(int v, int n0) {
    Settings probe = new Settings(v, n0, BigFraction.ONE, true, false);
    double tMin = Certifier.cap4(probe).minTemperature();
    Settings above = new Settings(v, n0, new BigFraction(tMin * (1 + 1e-6)), true, false);
    Settings below = new Settings(v, n0, new BigFraction(tMin * (1 - 1e-6)), true, false);
    assertTrue(Certifier.cap4(above).correctForAll());
    assertFalse(Certifier.cap4(below).correctForAll());
    assertTrue(allMapsAnswered(above), "some map fails just above the certified minimum");
    assertFalse(allMapsAnswered(below), "every map works just below the certified minimum");
    int[][] failing = Certifier.cap4FailingMap(below);
    int user = Certifier.cap4(below).failingTarget()[0];
    assertFalse(Arrays.equals(failing[user], Cap4.answer(Cap4.model(below, DFP), Cap4.prompt(failing, below, DFP), user)));
  }

  @Test
  @DisplayName("CAP-4 published setting (V=94, N0=10, T=100): certified for every map; b -> blueberrie, B -> bear")
  void publishedCap4() {
    Settings s = new Settings(94, 10, new BigFraction(100), true, false);
    Certifier.Verdict v = Certifier.cap4(s);
    assertTrue(v.correctForAll());
    assertTrue(v.minTemperature() > 39 && v.minTemperature() < 40, "T_min " + v.minTemperature());
    assertEquals("blueberrie\nbear      ", Constructions.runCap4(s, "double", Constructions.cap4Map(s, "demo"),
        Decoder.encode("bB", 94)));
    assertNull(Certifier.cap4(new Settings(5, 1, new BigFraction(3), true, false)).minTemperature(),
        "one virtual token needs no temperature (as CAP-3)");
  }

  /** Brute force over every table [V]x[V] -> [V] (V ≤ 2) or the given tables: all answers right? */
  static boolean allTablesAnswered(Settings s, Iterable<int[][]> tables) {
    Model<Dfp> m = Cap5.model(s, DFP);
    int v = s.vocab();
    for (int[][] f : tables) {
      var prompt = Cap5.prompt(f, s, DFP);
      for (int a = 0; a < v; a++) {
        for (int b = 0; b < v; b++) {
          if (Cap5.answer(m, prompt, a, b) != f[a][b]) {
            return false;
          }
        }
      }
    }
    return true;
  }

  static java.util.List<int[][]> everyTable(int v) {
    java.util.List<int[][]> out = new java.util.ArrayList<>();
    for (int[] flat : allTargets(v, v * v)) {
      int[][] f = new int[v][v];
      for (int i = 0; i < v * v; i++) {
        f[i / v][i % v] = flat[i];
      }
      out.add(f);
    }
    return out;
  }

  @ParameterizedTest(name = "V={0}")
  @CsvSource({"2", "3"})
  @DisplayName("CAP-5: κ(T/2) > 12V − 9 decides every table; brute force agrees just below and above")
  void cap5AgreesWithBruteForce(int v) {
    double tMin = Certifier.cap5(new Settings(v, 4, BigFraction.ONE, true, false)).minTemperature();
    Settings above = new Settings(v, 4, new BigFraction(tMin * (1 + 1e-6)), true, false);
    Settings below = new Settings(v, 4, new BigFraction(tMin * (1 - 1e-6)), true, false);
    assertTrue(Certifier.cap5(above).correctForAll());
    assertFalse(Certifier.cap5(below).correctForAll());
    // V = 2: all 16 tables; V = 3: the 8 tables whose first row takes the extreme values {0, V − 1}
    java.util.List<int[][]> tables = v == 2 ? everyTable(2) : new java.util.ArrayList<>();
    if (v == 3) {
      for (int[] bits : allTargets(2, 3)) {
        int[][] f = new int[3][3];
        for (int j = 0; j < 3; j++) {
          f[0][j] = bits[j] * 2;
        }
        tables.add(f);
      }
    }
    assertTrue(allTablesAnswered(above, tables), "some table fails just above the certified minimum");
    assertFalse(allTablesAnswered(below, tables), "every table works just below the certified minimum");
  }

  @Test
  @DisplayName("CAP-5: random tables for V = 3..5 answered exactly where certified (property engine)")
  void cap5RandomTables() {
    Gen<int[][]> tables = Gen.integers(3, 5).flatMap(v -> Gen.listsOf(Gen.listsOf(Gen.integers(0, v - 1), v), v)
        .map(rows -> rows.stream().map(r -> r.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new)));
    Property.of("CAP-5 tables", tables).seed(9).tries(20).printer(Arrays::deepToString).check(f -> {
      Settings s = new Settings(f.length, 4, new BigFraction(2 * Math.log(12 * f.length) + 1), true, false);
      return Certifier.cap5(s).correctForAll() && allTablesAnswered(s, java.util.Collections.singletonList(f));
    });
  }

  @Test
  @DisplayName("CAP-5 published setting (V=10, T=1000): every table; a+b mod 10 in Dfp, double and exact")
  void publishedCap5() {
    Settings s = new Settings(10, 4, new BigFraction(1000), true, false);
    assertTrue(Certifier.cap5(s).correctForAll());
    int[][] sum = Constructions.cap5Table(s, "sum");
    int[] all = new int[200];
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      all[2 * i] = i / 10;
      all[2 * i + 1] = i % 10;
      expected.append(i == 0 ? "" : " ").append((i / 10 + i % 10) % 10);
    }
    assertEquals(expected.toString(), Constructions.runCap5(s, "double", sum, all));
    int[] pairs = {3, 4, 9, 9, 0, 7};
    assertEquals("7 8 7", Constructions.runCap5(s, "dfp", sum, pairs));
    // exact rationals: σ = T/√4 = T/2 is rational, the kernel is 1 + s + s²/2
    assertEquals("7 8 7", Constructions.runCap5(new Settings(10, 4, new BigFraction(40), true, false), "exact",
        sum, pairs));
  }

  @Test
  @DisplayName("bad targets, maps and tables are rejected with a message naming the entry")
  void badInput() {
    Settings s = new Settings(3, 2, new BigFraction(10), true, false);
    String e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Cap4.prompt(new int[][] {{0, 1}, {2}, {0, 0}}, s, DFP)).getMessage();
    assertTrue(e.contains("map row 1 has 1 tokens, expected 2"), e);
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Cap5.prompt(new int[][] {{0, 1, 2}, {0, 3, 0}, {0, 0, 0}}, s, DFP)).getMessage();
    assertTrue(e.contains("table row 1 has token 3 outside [0, 3)"), e);
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Cap2.prompt(new int[] {0, 5}, s, DFP)).getMessage();
    assertTrue(e.contains("target token 5 outside the vocabulary [0, 3)"), e);
    assertEquals(2, io.prefixproof.cli.Main.execute("certify", "cap9"));
    assertEquals(2, io.prefixproof.cli.Main.execute("certify", "cap2", "--scale", "log"));
    assertEquals(2, io.prefixproof.cli.Main.execute("construct", "cap2", "--target-text", "é"));
  }

  @Test
  @DisplayName("CAP-3: every map [3] -> [3] is realised for every user token, at T = 100 and at T = 0")
  void cap3AllMaps() {
    for (double t : new double[] {100, 0}) {
      Settings s = new Settings(3, 2, new BigFraction(t), true, false);
      assertTrue(Certifier.cap3(s).correctForAll());
      Model<Dfp> m = Cap3.model(s, DFP);
      for (int[] map : allTargets(3, 3)) {
        for (int u = 0; u < 3; u++) {
          assertEquals(map[u], Cap3.answer(m, Cap3.prompt(map, s, DFP), u), Arrays.toString(map) + " at " + u);
        }
      }
    }
  }

  @Test
  @DisplayName("CAP-3 published demo (V=94, T=100): swap case, f -> F, exactly in rational arithmetic too")
  void publishedCap3() {
    Settings s = new Settings(94, 2, new BigFraction(100), true, false);
    int[] swap = Constructions.cap3Map(s, "swapcase");
    assertEquals("F", Constructions.runCap3(s, "dfp", swap, Decoder.encode("f", 94)));
    Settings fixed = new Settings(94, 2, new BigFraction(100), false, false);
    assertEquals("Hello, World}", Constructions.runCap3(fixed, "exact", swap, Decoder.encode("hELLO, wORLD}", 94)));
    assertNotNull(Certifier.cap3(s));
  }
}
