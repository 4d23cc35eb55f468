package io.prefixproof.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.claims.Inspection;
import io.prefixproof.cli.Main;
import io.prefixproof.model.Architecture;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded all-MiniLM-L6-v2: read from its ONNX graph, tokenised, and checked head by head. */
class MiniLmTest {

  static MiniLm mini;

  @BeforeAll
  static void load() {
    mini = MiniLm.load();
  }

  @Test
  @DisplayName("the architecture is read from the graph: 6 layers, 12 heads of 32, ε = 1e-12, post-norm, erf GELU")
  void architectureFromGraph() {
    Architecture a = mini.model().arch();
    assertEquals(6, a.layers());
    assertEquals(12, a.heads());
    assertEquals(32, a.dHead());
    assertEquals(384, a.dModel());
    assertEquals(1536, a.mlpHidden());
    assertEquals(1e-12, a.normEps().doubleValue(), 1e-18);
    assertEquals(1 / Math.sqrt(32), a.scale() instanceof io.prefixproof.model.ScoreScale.Fixed f
        ? f.sigma().doubleValue() : 0, 1e-7);
    assertTrue(a.postNorm());
    assertEquals(Architecture.Activation.GELU_ERF, a.activation());
    assertEquals(Architecture.Mask.BIDIRECTIONAL, a.mask());
  }

  @Test
  @DisplayName("WordPiece gives BERT's uncased ids: [CLS] hello , world ! [SEP]; accents stripped; ## pieces")
  void tokenizer() {
    assertArrayEquals(new int[] {101, 7592, 1010, 2088, 999, 102}, mini.tokenizer().encode("Hello, world!"));
    assertArrayEquals(mini.tokenizer().encode("cafe"), mini.tokenizer().encode("Café"));
    int[] ids = mini.tokenizer().encode("prefixes");
    assertEquals("prefix", mini.tokenizer().token(ids[1]));
    assertEquals("##es", mini.tokenizer().token(ids[2]));
  }

  @Test
  @DisplayName("LIM-1..4 hold on all 72 heads for a real sentence, bidirectional and with a causal mask")
  void limitationsOnEveryHead() {
    int[] ids = mini.tokenizer().encode("Prefixes can steer a model, but not how it attends.");
    for (Architecture.Mask mask : Architecture.Mask.values()) {
      var m = mini.model().withArchitecture(mini.model().arch().toBuilder().mask(mask).build());
      List<Inspection.Row> rows = Inspection.run(m, mini.embed(ids), 2, 1);
      assertEquals(4 * (72 * 2 + 6), rows.size());
      assertTrue(rows.stream().allMatch(Inspection.Row::holds),
          () -> rows.stream().filter(r -> !r.holds()).findFirst().orElseThrow().toString());
      double worst = rows.stream().mapToDouble(Inspection.Row::maxAbsErr).max().orElseThrow();
      System.out.printf("MiniLM %s: largest error %.3g over %d rows%n", mask, worst, rows.size());
    }
  }

  @Test
  @DisplayName("depth conjectures on the real model: a prompt moves layer-2+ attention, MLP shifts leave the plane")
  void depthMeasured() {
    int[] ids = mini.tokenizer().encode("The cat sat on the mat.");
    List<io.prefixproof.claims.Depth.Row> rows = io.prefixproof.claims.Depth.measure(mini.model(), mini.embed(ids), 2, 1);
    double conj1 = rows.stream().filter(r -> r.claim().equals("CONJ-1")).mapToDouble(r -> r.value()).max().orElseThrow();
    double conj5 = rows.stream().filter(r -> r.claim().equals("CONJ-5")).mapToDouble(r -> r.value()).max().orElseThrow();
    System.out.printf("MiniLM depth: CONJ-1 %.3g, CONJ-5 %.3g%n", conj1, conj5);
    assertTrue(conj1 > 1e-3 && conj5 > 0.1, "CONJ-1 " + conj1 + ", CONJ-5 " + conj5);
  }

  @Test
  @DisplayName("the CONJ-5 measurement is 0 where the conjecture's premise holds: no MLP, no norm, one layer")
  void depthMeasureIsZeroWithoutMlp() {
    var plain = io.prefixproof.cases.DoubleCases.build(1, 2, 8, 4, 2, io.prefixproof.model.Prefix.Kind.RESIDUAL,
        Architecture.Mask.CAUSAL, Architecture.NormKind.NONE, true, false, 1, false, 3);
    var rows = io.prefixproof.claims.Depth.measure(plain.model(), plain.content(), 2, 1);
    assertTrue(rows.stream().allMatch(r -> r.value() < 1e-9), rows.toString());
    var mlp = io.prefixproof.cases.DoubleCases.build(1, 2, 8, 4, 2, io.prefixproof.model.Prefix.Kind.RESIDUAL,
        Architecture.Mask.CAUSAL, Architecture.NormKind.NONE, true, true, 1, false, 3);
    assertTrue(io.prefixproof.claims.Depth.measure(mlp.model(), mlp.content(), 2, 1).get(0).value() > 1e-3);
  }

  @Test
  @DisplayName("inspect on the default model exits 0 and writes the JSON rows")
  void inspectCommand(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("minilm.json");
    assertEquals(0, Main.execute("inspect", "--text", "The cat sat on the mat.", "--json", json.toString()));
    String s = Files.readString(json);
    assertTrue(s.contains("\"layer\" : 5") && s.contains("\"head\" : 11") && s.contains("\"claim\" : \"LIM-4\""), s);
  }

  @Test
  @DisplayName("a file that is not an ONNX model is rejected with a message")
  void badOnnx() {
    String e = assertThrows(IllegalArgumentException.class,
        () -> Onnx.read(new ByteArrayInputStream(new byte[] {8, 1}), "x.onnx")).getMessage();
    assertTrue(e.contains("x.onnx: no graph"), e);
    e = assertThrows(IllegalArgumentException.class,
        () -> Onnx.read(new ByteArrayInputStream(new byte[] {0x3a, 0x10, 1}), "y.onnx")).getMessage();
    assertTrue(e.contains("y.onnx: not a readable ONNX model"), e);
  }
}
