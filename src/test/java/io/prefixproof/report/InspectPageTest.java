package io.prefixproof.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.claims.Depth;
import io.prefixproof.claims.Inspection;
import io.prefixproof.cli.Main;
import io.prefixproof.io.ModelConfig;
import io.prefixproof.io.ModelFixtures;
import io.prefixproof.model.Architecture;
import io.prefixproof.report.Charts.Figure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectPageTest {

  static final Architecture TWO_BY_TWO = Architecture.builder(8).layers(2).heads(2).build();

  @Test
  @DisplayName("the LIM grid holds the largest err/tol of the LIM rows per layer and head, by hand; LIM-4 and CONJ-3"
      + " rows stay out")
  void limGridByHand() {
    List<Inspection.Row> rows = List.of(
        new Inspection.Row("a", 0, 0, "LIM-1", 1e-16, 0.2, true),
        new Inspection.Row("b", 0, 0, "LIM-3", 3e-16, 0.7, true),
        new Inspection.Row("a", 1, 1, "LIM-1", 2e-16, 0.1, true),
        new Inspection.Row("a", 0, -1, "LIM-4", 9e-15, 5.0, false),
        new Inspection.Row("a", 1, 0, "CONJ-3", 1e-15, 9.0, false));
    Figure f = InspectFigures.limGrid("t", rows, TWO_BY_TWO);
    double[][] shown = ReportExtrasTest.drawn(f);
    assertArrayEquals(new double[] {0.7, Double.NaN}, shown[0], 0.0);
    assertArrayEquals(new double[] {Double.NaN, 0.1}, shown[1], 0.0);
    assertTrue(f.caption().contains("the largest absolute error is 3.00e-16 (LIM-3, b, layer 0, head 0)"), f.caption());
  }

  /**
   * inspect --html on a two-layer user model, then a report into the same folder. Oracles: the CONJ-1 grid
   * against the rows of the JSON inspect writes; the prompt map's drawn renormalised-minus-plain difference
   * at the head against Depth's CONJ-1 value there (a second computation: Depth divides by 1 − prefix share,
   * the figure by the content row sum; each is a sum of at most 10 weights and one division, so they agree
   * within 64 ulp of 1 = 1.4e-14); the key/value prefix map against LIM-1 (renormalised equals plain up to
   * the same 64 ulp, while the map before renormalising differs by far more) on the same layer input.
   */
  @Test
  @DisplayName("inspect --html writes the model page (grids and maps), and a report written after links it")
  void inspectPage(@TempDir Path dir) throws IOException {
    Path cfg = ModelFixtures.write(dir, ModelFixtures.ARCH, "model.safetensors", ModelFixtures.weights());
    Path site = dir.resolve("site");
    java.nio.file.Files.createDirectories(site);
    assertEquals(0, Main.execute("inspect", "--model", cfg.toString(), "--random-content", "4", "--html",
        site.toString(), "--html-head", "1,1"));
    Document page = Jsoup.parse(site.resolve("models/config.html").toFile(), "UTF-8");
    assertEquals(8, page.select("img").size());
    assertEquals(0, Main.execute("report", "--out", site.toString(), "--claim", "LIM-1", "--tries", "2"));
    assertEquals(List.of(), SiteCheck.problems(site, List.of("LIM-1"), Map.of()));
    assertEquals(1, Jsoup.parse(site.resolve("index.html").toFile(), "UTF-8").select("a[href=models/config.html]")
        .size());

    var model = ModelConfig.load(cfg);
    DMatrixRMaj content = io.prefixproof.cases.DoubleCases.gaussian(new java.util.SplittableRandom(1), 4, 8, 0, 1);
    List<Depth.Row> depth = Depth.measure(model, content, 2, 1);
    double tol = 64 * Math.ulp(1.0);
    InspectFigures.Run run = new InspectFigures.Run("config", "d", model, content, 2, 1);
    List<Figure> maps = InspectFigures.maps("t", run, 1, 1);
    double[][] sameInput = ReportExtrasTest.drawn(maps.get(0));
    double[][] plain = ReportExtrasTest.drawn(maps.get(3));
    double conj1 = depth.stream().filter(d -> d.claim().equals("CONJ-1") && d.layer() == 1 && d.head() == 1)
        .findFirst().orElseThrow().value();
    assertTrue(conj1 > 1e-3, "CONJ-1 is false here: " + conj1);
    double prompt = largest(ReportExtrasTest.drawn(maps.get(5)), plain);
    assertTrue(Math.abs(prompt - conj1) <= tol, prompt + " vs " + conj1);
    assertTrue(Math.abs(prompt + 2 * tol - conj1) > tol, "a planted error of 2 tol is caught");
    assertTrue(largest(ReportExtrasTest.drawn(maps.get(2)), sameInput) <= tol, "LIM-1: renormalised = plain");
    double[][] kept = ReportExtrasTest.drawn(maps.get(1));
    double[][] keptContent = new double[kept.length][];
    for (int i = 0; i < kept.length; i++) {
      keptContent[i] = java.util.Arrays.copyOfRange(kept[i], 2, kept[i].length);
    }
    assertTrue(largest(keptContent, sameInput) > 1e3 * tol, "planted: the map without renormalising differs");

    Figure grid = InspectFigures.conj1Grid("t", depth, model.arch());
    double[][] shown = ReportExtrasTest.drawn(grid);
    for (Depth.Row d : depth) {
      if (d.claim().equals("CONJ-1")) {
        assertEquals(d.value(), shown[d.layer()][d.head()], 0.0);
      }
    }
  }

  /** Largest |a − b| over the cells both have (causal maps leave the upper triangle at 0 in both). */
  static double largest(double[][] a, double[][] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return worst;
  }
}
