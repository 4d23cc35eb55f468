package io.prefixproof.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Mat;
import io.prefixproof.claims.Catalogue;
import io.prefixproof.claims.Claim;
import io.prefixproof.cli.Main;
import io.prefixproof.report.Charts.Figure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

class SiteTest {

  /** The claims whose figures the report run below draws, and how many each must show. */
  static final Map<String, Integer> FIGURES = Map.of("LIM-1", 3, "LIM-2", 1, "LIM-3", 1, "CONJ-1", 6, "CAP-2", 2);

  @Nested
  @DisplayName("report --out on the claims with figures")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Figures {
    @TempDir
    static Path dir;

    @BeforeAll
    void write() {
      assertEquals(0, Main.execute("report", "--out", dir.toString(), "--claim", "LIM-1", "--claim", "LIM-2",
          "--claim", "LIM-3", "--claim", "CONJ-1", "--tries", "30"));
    }

    @Test
    @DisplayName("every page, note and figure is in place and local")
    void whole() throws IOException {
      assertEquals(List.of(), SiteCheck.problems(dir, FIGURES.keySet(), FIGURES));
    }

    @Test
    @DisplayName("the CONJ-1 witness maps are equal at layer 1 and differ at layer 2; LIM-1's are equal")
    void captionsStateTheExactComparison() throws IOException {
      String conj1 = Files.readString(dir.resolve("claims/CONJ-1.html"));
      assertTrue(conj1.contains("layer 1, head 1; exact: largest |renormalised − without prefix| = 0, the maps are"
          + " equal"), conj1);
      assertTrue(conj1.matches("(?s).*layer 2, head 1; exact: largest \\|renormalised − without prefix\\| = \\d+ / \\d+,"
          + " the maps differ.*"), conj1);
      assertFalse(Files.readString(dir.resolve("claims/LIM-1.html")).contains("the maps differ"));
    }

    @Test
    @DisplayName("planted defects are reported: a missing figure, a missing page, a network reference")
    void plantedDefects() throws IOException {
      Path copy = Files.createTempDirectory(dir.getParent(), "planted");
      try (var files = Files.walk(dir)) {
        for (Path f : files.toList()) {
          Path to = copy.resolve(dir.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else {
            Files.copy(f, to);
          }
        }
      }
      Files.delete(copy.resolve("figures/lim-2-pull.svg"));
      Files.delete(copy.resolve("claims/LIM-3.html"));
      Path conj1 = copy.resolve("claims/CONJ-1.html");
      Files.writeString(conj1, Files.readString(conj1).replace("</body>", "<img src=\"https://example.org/x.svg\"></body>"));
      Path lim1 = copy.resolve("claims/LIM-1.html");
      Files.writeString(lim1, Files.readString(lim1).replaceFirst("<ul class=\"sources\">\n<li><a href=\"[^\"]*\"",
          "<ul class=\"sources\">\n<li><a href=\"file:///work/src/Catalogue.java\"").replace("</body>",
          "<a href=\"../claims/NOPE.html\">x</a></body>"));
      List<String> problems = SiteCheck.problems(copy, FIGURES.keySet(), FIGURES);
      assertTrue(problems.contains("claims/LIM-2.html: figure ../figures/lim-2-pull.svg missing"), problems::toString);
      assertTrue(problems.contains("no page for LIM-3"), problems::toString);
      assertTrue(problems.contains("claims/CONJ-1.html: loads https://example.org/x.svg from the network"),
          problems::toString);
      assertTrue(problems.contains("claims/CONJ-1.html: figure https://example.org/x.svg missing"), problems::toString);
      assertTrue(problems.contains("index.html: link claims/LIM-3.html leads nowhere"), problems::toString);
      assertTrue(problems.contains("claims/LIM-1.html: absolute file link file:///work/src/Catalogue.java"),
          problems::toString);
      assertTrue(problems.contains("claims/LIM-1.html: link ../claims/NOPE.html leads nowhere"), problems::toString);
      assertEquals(7, problems.size(), problems::toString);
    }
  }

  @Test
  @DisplayName("every catalogue claim gets a page with its packaged note rendered, and a planted missing page is caught")
  void everyClaimHasAPage(@TempDir Path dir) throws IOException {
    List<Site.Entry> entries = Catalogue.all().stream().map(c -> new Site.Entry(c, new Claim.Result(c.id(),
        Claim.Status.HOLDS, c.expected(), 1, 1, null, null, 0, "synthetic result", Map.of()), List.of())).toList();
    Site.write(dir, Site.metadata("test", 1, 1, 0), entries, List.of(), List.of(), null,
        new Site.Sources(Path.of("."), null));
    List<String> ids = Catalogue.all().stream().map(Claim::id).toList();
    assertEquals(List.of(), SiteCheck.problems(dir, ids, Map.of()));
    Files.delete(dir.resolve("claims/" + ids.get(0) + ".html"));
    assertEquals(List.of("index.html: link claims/" + ids.get(0) + ".html leads nowhere", "no page for " + ids.get(0)),
        SiteCheck.problems(dir, ids, Map.of()));
  }

  @Test
  @DisplayName("bad input exits 2 before any claim runs: no --out, an --out that is a file")
  void badInput(@TempDir Path dir) throws IOException {
    assertEquals(2, Main.execute("report"));
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertEquals(2, Main.execute("report", "--out", file.toString(), "--claim", "LIM-1"));
    assertEquals(2, Main.execute("verify", "--html", file.toString(), "--claim", "LIM-1"));
  }

  @Test
  @DisplayName("renormalising divides each row by its own sum (hand-computed)")
  void renormalised() {
    Mat<BigFraction> w = Mat.ofInts(8, new int[][] {{1, 3}, {2, 2}});
    assertEquals(Mat.ofInts(4, new int[][] {{1, 3}, {2, 2}}), ClaimFigures.renormalised(w));
  }

  /**
   * The CAP-2 curve against a second implementation in double of the bound the note derives: the smallest
   * correct T at N is max over n = 2..N of √n ln((n − 1)(4V − 3)). Relative tolerance 1e-12: the double
   * formula has a few rounding steps of 2^-53 each, the certifier's 60-digit value is rounded once.
   */
  @Test
  @DisplayName("CAP-2 smallest correct T curve matches √n ln((n-1)(4V-3)), and a wrong V is caught")
  void cap2TemperatureCurve() {
    Figure t = ClaimFigures.cap2().get(1);
    XYDataset d = ((XYPlot) t.chart().getPlot()).getDataset();
    assertEquals(39, d.getItemCount(0));
    assertTrue(matches(d, 94), "curve differs from the formula at V = 94");
    assertFalse(matches(d, 93), "a wrong vocabulary must not match");
    assertEquals(20.0, d.getXValue(1, 0));
    assertEquals(50.0, d.getYValue(1, 0));
  }

  static boolean matches(XYDataset d, int vocab) {
    double best = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < d.getItemCount(0); i++) {
      int n = (int) d.getXValue(0, i);
      best = Math.max(best, Math.sqrt(n) * Math.log((n - 1.0) * (4.0 * vocab - 3)));
      if (Math.abs(d.getYValue(0, i) - best) > 1e-12 * best) {
        return false;
      }
    }
    return true;
  }
}
