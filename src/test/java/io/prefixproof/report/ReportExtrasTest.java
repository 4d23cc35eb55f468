package io.prefixproof.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.cli.Main;
import io.prefixproof.report.Charts.Figure;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYZDataset;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

class ReportExtrasTest {

  static Path resource(String name) {
    try {
      return Path.of(ReportExtrasTest.class.getResource("/report/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The drawn cell values of a heatmap or grid figure: z at (row y, column x); NaN where no cell is drawn. */
  static double[][] drawn(Figure f) {
    XYZDataset d = (XYZDataset) ((XYPlot) f.chart().getPlot()).getDataset();
    int rows = 0;
    int cols = 0;
    for (int k = 0; k < d.getItemCount(0); k++) {
      rows = Math.max(rows, (int) d.getYValue(0, k) + 1);
      cols = Math.max(cols, (int) d.getXValue(0, k) + 1);
    }
    double[][] v = new double[rows][cols];
    for (double[] r : v) {
      java.util.Arrays.fill(r, Double.NaN);
    }
    for (int k = 0; k < d.getItemCount(0); k++) {
      v[(int) d.getYValue(0, k)][(int) d.getXValue(0, k)] = d.getZValue(0, k);
    }
    return v;
  }

  /** The fixture's prefix-tuned map without its one prefix column, each row divided by its sum, by hand. */
  static final double[][] PREFIX_TUNED_RENORMALISED = {{1, 0, 0}, {0.5, 0.5, 0}, {0.5, 0.25, 0.25}};

  @Nested
  @DisplayName("report --experiments and --bench on hand-written fixtures")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Fixtures {
    @TempDir
    static Path dir;

    @BeforeAll
    void write() {
      assertEquals(0, Main.execute("report", "--out", dir.toString(), "--claim", "LIM-1", "--tries", "5",
          "--experiments", resource("experiment-e3.json").toString(), "--bench", resource("bench.jsonl").toString()));
    }

    @Test
    @DisplayName("the site is whole: every page, figure and local link in place, no file: links")
    void whole() throws IOException {
      assertEquals(List.of(), SiteCheck.problems(dir, List.of("LIM-1"), Map.of("LIM-1", 3)));
    }

    @Test
    @DisplayName("the experiment page has the accuracy table of the file and four maps, linked from the index")
    void experimentPage() throws IOException {
      Document index = Jsoup.parse(dir.resolve("index.html").toFile(), "UTF-8");
      assertEquals(1, index.select("a[href=experiments/E3.html]").size());
      Document page = Jsoup.parse(dir.resolve("experiments/E3.html").toFile(), "UTF-8");
      assertEquals("Experiment E3", page.select("body > h1").text());
      assertEquals(List.of("task", "pretrained", "finetuned", "prefix_tuned"),
          page.select("table.accuracy tr").get(0).select("th").eachText());
      assertEquals(List.of("ascending", "0.94", "0.11", "0.9"), page.select("table.accuracy tr").get(1).children()
          .eachText());
      assertEquals(List.of("descending", "0.02", "0.88", "0.03"), page.select("table.accuracy tr").get(2).children()
          .eachText());
      assertEquals(4, page.select("img").size());
      assertTrue(page.text().contains("Input: 3 1 2"), page.text());
      // the renormalised prefix-tuned map differs from the pretrained one by 0.25 in row 2 (hand-computed)
      assertTrue(page.text().contains("largest |renormalised − pretrained (layer 0, head 1)| = 0.250"), page.text());
    }

    @Test
    @DisplayName("the benchmark table has both runs of the file, labelled with the machine and date it records")
    void benchTable() throws IOException {
      Document index = Jsoup.parse(dir.resolve("index.html").toFile(), "UTF-8");
      Element table = index.selectFirst("table.bench");
      assertEquals(List.of("workload", "size", "checks", "seconds", "checks_per_s", "max_abs_err", "note"),
          table.select("tr").get(0).select("th").eachText());
      assertEquals(List.of("W1", "small", "1200", "1.0", "1200.0", "2.2E-16", ""), table.select("tr").get(1)
          .select("td").stream().map(Element::text).toList());
      assertEquals(List.of("W2", "tiny", "40", "2.0", "20.0", "", "exact"), table.select("tr").get(2).select("td")
          .stream().map(Element::text).toList());
      String label = index.selectFirst("table.bench-label").text();
      assertTrue(label.contains("machine test machine, 2 cores") && label.contains("date 2026-11-28T10:00:00Z")
          && label.contains("source bench --json file bench.jsonl"), label);
    }

    @Test
    @DisplayName("source links are relative and name the line that holds the ID")
    void relativeSourceLinks() throws IOException {
      Path page = dir.resolve("claims/LIM-1.html");
      List<Element> links = Jsoup.parse(page.toFile(), "UTF-8").select("ul.sources a");
      assertFalse(links.isEmpty());
      for (Element a : links) {
        String href = a.attr("href");
        assertFalse(href.startsWith("file:") || href.startsWith("/"), href);
        Path target = page.getParent().resolve(href).normalize();
        int line = Integer.parseInt(a.parent().ownText().replaceAll("\\D+", " ").trim().split(" ")[0]);
        assertTrue(Files.readAllLines(target).get(line - 1).contains("\"LIM-1\""), href + " line " + line);
      }
    }
  }

  @Test
  @DisplayName("--source-base links every source to base + path + #L + the line, found independently; --bench-run"
      + " measures W1-W3 here")
  void sourceBaseAndBenchRun(@TempDir Path dir) throws IOException {
    assertEquals(0, Main.execute("report", "--out", dir.toString(), "--claim", "LIM-1", "--tries", "2",
        "--source-base", "https://example.org/prefixproof/blob/abc123/", "--bench-run", "0.1"));
    Document index = Jsoup.parse(dir.resolve("index.html").toFile(), "UTF-8");
    assertEquals(List.of("W1", "W2", "W3"), index.select("table.bench tr td:eq(0)").eachText());
    String label = index.selectFirst("table.bench-label").text();
    assertTrue(label.contains("machine " + Site.machine()) && label.contains("bench run by this report (0.1 s per"
        + " workload, 1 thread)"), label);
    String catalogue = "src/main/java/io/prefixproof/claims/Catalogue.java";
    List<String> lines = Files.readAllLines(Path.of(catalogue));
    int line = 1;
    while (!lines.get(line - 1).contains("\"LIM-1\"")) {
      line++;
    }
    Document page = Jsoup.parse(dir.resolve("claims/LIM-1.html").toFile(), "UTF-8");
    assertEquals(1, page.select("a[href=https://example.org/prefixproof/blob/abc123/" + catalogue + "#L" + line + "]")
        .size(), page.select("ul.sources").outerHtml());
    assertEquals(List.of(), SiteCheck.problems(dir, List.of("LIM-1"), Map.of()));
  }

  @Test
  @DisplayName("renormalising the fixture's prefix-tuned map gives the hand-computed map, and so does the figure")
  void renormalisedByHand() {
    double[][] w = {{0.5, 0.5, 0, 0}, {0.2, 0.4, 0.4, 0}, {0.5, 0.25, 0.125, 0.125}};
    double[][] r = AttentionFigures.renormalised(w, 1);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(PREFIX_TUNED_RENORMALISED[i], r[i], 0.0);
    }
    // planted defect: keeping the prefix column is caught
    assertFalse(java.util.Arrays.equals(PREFIX_TUNED_RENORMALISED[1], AttentionFigures.renormalised(w, 0)[1]));
    List<Figure> figures = Experiments.read(resource("experiment-e3.json")).figures();
    Figure renorm = figures.stream().filter(f -> f.file().endsWith("-renormalised.svg")).findFirst().orElseThrow();
    double[][] shown = drawn(renorm);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(PREFIX_TUNED_RENORMALISED[i], shown[i], 0.0);
    }
    assertEquals(List.of("experiment-e3-pretrained-layer-0-head-1.svg", "experiment-e3-finetuned-layer-0-head-1.svg",
        "experiment-e3-prefix-tuned-layer-0-head-1.svg", "experiment-e3-prefix-tuned-layer-0-head-1-renormalised.svg"),
        figures.stream().map(Figure::file).toList());
  }

  @Test
  @DisplayName("an experiment without its envelope reads the same; bad experiments name the file and field")
  void badExperiments(@TempDir Path dir) throws IOException {
    String enveloped = Files.readString(resource("experiment-e3.json"));
    String bare = enveloped.substring(enveloped.indexOf("\"data\": ") + 8, enveloped.lastIndexOf('}'));
    Path f = Files.writeString(dir.resolve("bare.json"), bare);
    assertEquals(Experiments.read(resource("experiment-e3.json")).body().replace("experiment-e3.json", "bare.json"),
        Experiments.read(f).body());
    Map<String, String> bad = Map.of(
        "\"prefix_positions\": 1", "attention_maps.prefix_tuned.prefix_positions must be a non-negative integer, got"
            + " null",
        "[0.5, 0.25, 0.125, 0.125]", "attention_maps.prefix_tuned.matrix: row 2 has 3 entries, row 0 has 4",
        "[1, 0, 0], [0.5, 0.5, 0]", "attention_maps.pretrained.matrix: entry [0][0] = 1.5 is not an attention weight"
            + " in [0, 1]",
        "\"ascending\": 0.94", "\"pretrained\".\"ascending\" must be a non-negative number, got \"high\"",
        "\"experiment\": \"E3\"", "\"experiment\" must be 1 to 64 letters, digits, '_', '.' or '-', got '../E3'",
        "\"input\": [3, 1, 2]", "attention_maps.pretrained.matrix is 3 × 3, expected 2 × 2 (queries × the input's"
            + " keys)");
    Map<String, String> planted = Map.of(
        "\"prefix_positions\": 1", "\"prefix_positions\": null",
        "[0.5, 0.25, 0.125, 0.125]", "[0.5, 0.25, 0.125]",
        "[1, 0, 0], [0.5, 0.5, 0]", "[1.5, 0, 0], [0.5, 0.5, 0]",
        "\"ascending\": 0.94", "\"ascending\": \"high\"",
        "\"experiment\": \"E3\"", "\"experiment\": \"../E3\"",
        "\"input\": [3, 1, 2]", "\"input\": [3, 1]");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Path file = Files.writeString(dir.resolve("e.json"), bare.replace(e.getKey(), planted.get(e.getKey())));
      String message = assertThrows(IllegalArgumentException.class, () -> Experiments.read(file)).getMessage();
      assertEquals(file + ": " + e.getValue(), message);
    }
    Path none = Files.writeString(dir.resolve("none.json"), "{\"data\": {\"experiment\": \"E9\"}}");
    assertEquals(none + ": neither accuracies (pretrained, finetuned, prefix_tuned) nor attention_maps",
        assertThrows(IllegalArgumentException.class, () -> Experiments.read(none)).getMessage());
  }

  @Test
  @DisplayName("bench files: lines or an array, bare or enveloped; a bad line is named; no record says so")
  void benchFiles(@TempDir Path dir) throws IOException {
    Path array = Files.writeString(dir.resolve("a.json"), "[{\"workload\": \"W3\", \"checks_per_s\": 5}]");
    BenchTable t = BenchTable.read(array);
    assertEquals(List.of("workload", "checks_per_s"), t.columns());
    assertEquals(List.of(List.of("W3", "5")), t.rows());
    assertEquals("not recorded in a.json", t.machine());
    assertTrue(t.date().startsWith("not recorded in a.json (file modified "), t.date());
    Path broken = Files.writeString(dir.resolve("b.jsonl"), "{\"workload\": \"W1\"}\n{\"workload\": W2}\n");
    String m = assertThrows(IllegalArgumentException.class, () -> BenchTable.read(broken)).getMessage();
    assertTrue(m.startsWith("--bench " + broken + " line 2 is not valid JSON at line 1"), m);
    Path empty = Files.writeString(dir.resolve("c.jsonl"), "\n");
    assertEquals("--bench " + empty + " holds no benchmark runs",
        assertThrows(IllegalArgumentException.class, () -> BenchTable.read(empty)).getMessage());
    Path scalar = Files.writeString(dir.resolve("d.jsonl"), "3\n");
    assertEquals("--bench " + scalar + ": run 1 is not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> BenchTable.read(scalar)).getMessage());
  }

  @Test
  @DisplayName("a map whose leading key is the padding position the model was trained with is not called a prefix")
  void paddingIsNotCalledThePrefix() {
    double[][] w = {{0.5, 0.5, 0}, {0.2, 0.4, 0.4}};
    List<Figure> padded = AttentionFigures.sideBySide("f", "c", List.of(new AttentionFigures.Map("pretrained", w, 1,
        true)), 0);
    assertTrue(padded.get(0).caption().contains("the first key is the padding position the model was trained with"),
        padded.get(0).caption());
    assertTrue(padded.get(1).caption().contains("padding columns removed"), padded.get(1).caption());
    assertEquals("key (padding keys left of the rule)", ((XYPlot) padded.get(0).chart().getPlot()).getDomainAxis()
        .getLabel());
    // the prefix-tuned map keeps the word: the check tells the two apart
    List<Figure> prefixed = AttentionFigures.sideBySide("f", "c", List.of(new AttentionFigures.Map("prefix-tuned", w,
        1)), 0);
    assertTrue(prefixed.get(0).caption().contains("the first key is the prefix"), prefixed.get(0).caption());
    assertFalse(padded.stream().anyMatch(f -> f.caption().contains("prefix")));
  }
}
