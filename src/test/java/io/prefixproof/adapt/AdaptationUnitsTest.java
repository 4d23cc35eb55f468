package io.prefixproof.adapt;

import static io.prefixproof.model.TestModels.constant;
import static io.prefixproof.model.TestModels.f;
import static io.prefixproof.model.TestModels.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.TestModels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Each adaptation on non-square shapes (d = 2, k = 3, k_v = 2, two layers and two heads), where rows·cols
 * and rows/cols differ and a rank-2 LoRA tells α/r from α; expected values worked by hand in the comments.
 */
class AdaptationUnitsTest {

  /** d = 2, 2 layers, 2 heads, k = 3, k_v = 2, vocabulary 3 with E = [[1,2],[3,4],[5,6]]. */
  static final Architecture ARCH = Architecture.builder(2).layers(2).heads(2).dHead(3).dValue(2).vocab(3).build();

  static final Model<BigFraction> MODEL = TestModels.exact(ARCH,
      name -> name.equals(Names.EMBED) ? m(1, new int[] {1, 2}, new int[] {3, 4}, new int[] {5, 6}) : null);

  static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  @DisplayName("rank-2 LoRA with α = 3 adds (3/2)·B A to a 3x2 weight and has r·in + out·r = 10 parameters")
  void loraRankTwo() {
    Mat<BigFraction> a = m(1, new int[] {1, 0}, new int[] {0, 2});
    Mat<BigFraction> b = m(1, new int[] {1, 1}, new int[] {0, 1}, new int[] {2, 0});
    Lora<BigFraction> lora = new Lora<>(Names.wq(1, 1), a, b, new BigFraction(3));
    // B A = [[1, 2], [0, 2], [2, 0]]; (3/2)·B A = [[3/2, 3], [0, 3], [3, 0]]; plus the all-ones W
    assertEquals(m(2, new int[] {5, 8}, new int[] {2, 8}, new int[] {8, 2}), lora.apply(MODEL).param(Names.wq(1, 1)));
    assertEquals(MODEL.param(Names.wq(0, 0)), lora.apply(MODEL).param(Names.wq(0, 0)));
    assertEquals(2, lora.rank());
    assertEquals(10, lora.freeParameters());
  }

  @Test
  @DisplayName("LoRA shapes that cannot form B A of the weight's shape are rejected with the shapes named")
  void loraShapes() {
    Mat<BigFraction> a22 = constant(2, 2, BigFraction.ONE);
    assertMessage("LoRA on L0.h0.Wq: A is 2x2 and B is 3x1, ranks differ",
        () -> new Lora<>(Names.wq(0, 0), a22, constant(3, 1, BigFraction.ONE), BigFraction.ONE));
    assertMessage("LoRA on L0.h0.Wq: rank must be at least 1",
        () -> new Lora<>(Names.wq(0, 0), constant(0, 2, BigFraction.ONE), constant(3, 0, BigFraction.ONE),
            BigFraction.ONE));
    assertMessage("LoRA rank 3 exceeds min(rows, cols) = 2 of L0.h0.Wq 3x2",
        () -> new Lora<>(Names.wq(0, 0), constant(3, 2, BigFraction.ONE), constant(3, 3, BigFraction.ONE),
            BigFraction.ONE).apply(MODEL));
    assertMessage("LoRA on L0.h0.Wq 3x2: B A is 3x3",
        () -> new Lora<>(Names.wq(0, 0), constant(2, 3, BigFraction.ONE), constant(3, 2, BigFraction.ONE),
            BigFraction.ONE).apply(MODEL));
    assertMessage("LoRA on L0.h0.Wq 3x2: B A is 2x2",
        () -> new Lora<>(Names.wq(0, 0), a22, constant(2, 2, BigFraction.ONE), BigFraction.ONE).apply(MODEL));
  }

  @Test
  @DisplayName("full fine-tuning adds each delta to its weight and counts 3·2 + 2·2 = 10 parameters")
  void fullFineTune() {
    Map<String, Mat<BigFraction>> deltas = new LinkedHashMap<>();
    deltas.put(Names.wq(0, 1), m(1, new int[] {1, 0}, new int[] {0, 1}, new int[] {1, 1}));
    deltas.put(Names.wv(1, 0), m(1, new int[] {-1, 3}, new int[] {0, 0}));
    FullFineTune<BigFraction> ft = new FullFineTune<>(deltas);
    Model<BigFraction> tuned = ft.apply(MODEL);
    assertEquals(m(1, new int[] {2, 1}, new int[] {1, 2}, new int[] {2, 2}), tuned.param(Names.wq(0, 1)));
    assertEquals(m(1, new int[] {0, 4}, new int[] {1, 1}), tuned.param(Names.wv(1, 0)));
    assertEquals(10, ft.freeParameters());
    assertMessage("fine-tune delta for L0.h0.Wq has shape 3x1, weight is 3x2",
        () -> new FullFineTune<>(Map.of(Names.wq(0, 0), constant(3, 1, BigFraction.ONE))).apply(MODEL));
    assertMessage("fine-tune delta for L0.h0.Wq has shape 2x2, weight is 3x2",
        () -> new FullFineTune<>(Map.of(Names.wq(0, 0), constant(2, 2, BigFraction.ONE))).apply(MODEL));
  }

  @Test
  @DisplayName("a key/value prefix of p = 3 has 2 layers · 2 heads · (3·3 + 3·2) = 60 parameters and is checked by prefix()")
  void keyValuePrefix() {
    List<Mat<BigFraction>> keys = List.of(constant(3, 3, f(1, 2)), constant(3, 3, f(1, 3)));
    List<Mat<BigFraction>> values = List.of(constant(3, 2, f(1, 5)), constant(3, 2, f(1, 7)));
    KeyValuePrefix<BigFraction> kv = new KeyValuePrefix<>(List.of(keys, keys), List.of(values, values));
    assertEquals(60, kv.freeParameters());
    Prefix<BigFraction> p = kv.prefix(MODEL);
    assertEquals(Prefix.Kind.KEY_VALUE, p.kind());
    assertEquals(3, p.length());
    assertEquals(f(1, 7), p.values().get(1).get(1).get(2, 1));
    KeyValuePrefix<BigFraction> oneHead = new KeyValuePrefix<>(List.of(keys.subList(0, 1), keys.subList(0, 1)),
        List.of(values.subList(0, 1), values.subList(0, 1)));
    assertMessage("key/value prefix layer 0 has 1 key heads and 1 value heads, model has 2",
        () -> oneHead.prefix(MODEL));
  }

  @Test
  @DisplayName("a residual prefix of p = 3 rows of width 2 over 2 layers has 12 parameters and is checked by prefix()")
  void residualPrefix() {
    ResidualPrefix<BigFraction> rp = new ResidualPrefix<>(List.of(constant(3, 2, f(1, 2)), constant(3, 2, f(2, 3))));
    assertEquals(12, rp.freeParameters());
    assertEquals(f(2, 3), rp.prefix(MODEL).layerRows().get(1).get(2, 1));
    assertMessage("residual prefix has 1 layers, model has 2",
        () -> new ResidualPrefix<>(List.of(constant(3, 2, f(1, 2)))).prefix(MODEL));
  }

  @Test
  @DisplayName("a soft prompt of 3 rows of width 2 has 6 parameters; a hard prompt has none and embeds its tokens")
  void prompts() {
    SoftPrompt<BigFraction> soft = new SoftPrompt<>(constant(3, 2, f(1, 2)));
    assertEquals(6, soft.freeParameters());
    assertEquals(constant(3, 2, f(1, 2)), soft.prefix(MODEL).streamRows());
    assertMessage("soft prompt has shape 3x3, expected p x 2",
        () -> new SoftPrompt<>(constant(3, 3, f(1, 2))).prefix(MODEL));
    int[] tokens = {2, 0};
    HardPrompt<BigFraction> hard = new HardPrompt<>(tokens);
    tokens[0] = 1;
    assertEquals(0, hard.freeParameters());
    assertEquals("hard prompt [2, 0]", hard.toString());
    assertEquals(m(1, new int[] {5, 6}, new int[] {1, 2}), hard.prefix(MODEL).streamRows());
  }
}
