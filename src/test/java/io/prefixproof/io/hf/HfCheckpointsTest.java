package io.prefixproof.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.RopeScaling;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.dfp.Dfp;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped tiny checkpoints (src/test/resources/hf, made by src/golden/hf_tiny.py: random weights in
 * Hugging Face layout and a float64 torch forward pass written from each family's definition) read by the
 * converters and compared logit by logit under {@link ReferenceLogits#tolerance}; and the wrong imports a
 * converter could make, each caught by the same comparison.
 */
class HfCheckpointsTest {

  static final Path DIR = Path.of("src/test/resources/hf");

  static ReferenceLogits reference(String family, FastModel m) {
    return ReferenceLogits.read(DIR.resolve(family).resolve("reference.json"), m.arch().vocab());
  }

  static DMatrixRMaj logits(FastModel m, int[] tokens) {
    return m.run(Prefix.Kind.NONE, 0, m.embed(tokens), null, null, null, null).logits();
  }

  static ReferenceLogits.Comparison compare(String family, FastModel m) {
    ReferenceLogits ref = reference(family, m);
    return ref.compare(logits(m, ref.tokens()), ref.tolerance(m.arch()));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gpt2", "llama", "llama3", "mistral", "qwen2", "llama-dynamic"})
  @DisplayName("each tiny checkpoint's logits match the independent torch forward pass within the error model")
  void matchesReference(String family) {
    FastModel m = HfModel.load(DIR.resolve(family));
    ReferenceLogits.Comparison c = compare(family, m);
    System.out.printf("%s (%s): %s (ratio %.3g)%n", family, m.arch().summary(), c, c.maxDiff() / c.tolerance());
    assertTrue(c.within(), c.toString());
    // the tolerance still catches a difference a little larger than itself
    ReferenceLogits ref = reference(family, m);
    DMatrixRMaj planted = logits(m, ref.tokens());
    planted.add(ref.tokens().length - 1, 3, 1.1 * c.tolerance());
    assertFalse(ref.compare(planted, c.tolerance()).within(), "a difference of 1.1 tolerance was not caught");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama", "qwen2", "llama-dynamic"})
  @DisplayName("the generic core in Dfp (SwiGLU, RoPE, RMSNorm) on the imported weights also matches the torch logits")
  void genericCoreMatchesReference(String family) {
    FastModel fast = HfModel.load(DIR.resolve(family));
    Arith<Dfp> dfp = Arith.dfp(30);
    Map<String, Mat<Dfp>> p = new LinkedHashMap<>();
    for (String name : Model.shapes(fast.arch()).keySet()) {
      DMatrixRMaj w = fast.param(name);
      p.put(name, Mat.of(dfp.field(), w.numRows, w.numCols, (i, j) -> dfp.ofDouble(w.get(i, j))));
    }
    ReferenceLogits ref = reference(family, fast);
    Mat<Dfp> logits = Forward.run(new Model<>(fast.arch(), dfp, p), Prefix.<Dfp>none(),
        Content.<Dfp>tokens(ref.tokens())).logits();
    ReferenceLogits.Comparison c = ref.compare(new DMatrixRMaj(logits.toDoubles(dfp)), ref.tolerance(fast.arch()));
    System.out.printf("%s, Dfp core: %s%n", family, c);
    assertTrue(c.within(), c.toString());
  }

  @Test
  @DisplayName("the converters build the architecture each config describes")
  void architectures() {
    Architecture gpt2 = HfModel.load(DIR.resolve("gpt2")).arch();
    assertEquals(Architecture.PositionKind.LEARNED, gpt2.positions());
    assertEquals(Architecture.NormKind.LAYER, gpt2.norm());
    assertEquals(Architecture.Activation.GELU, gpt2.activation());
    assertEquals(32, gpt2.maxContext());
    FastModel llama = HfModel.load(DIR.resolve("llama"));
    assertEquals(Architecture.Activation.SWIGLU, llama.arch().activation());
    assertEquals(Architecture.PositionKind.ROPE, llama.arch().positions());
    // grouped-query attention: heads 0, 1 read key/value head 0 and heads 2, 3 head 1, as one shared matrix
    assertSame(llama.param(Names.wk(0, 0)), llama.param(Names.wk(0, 1)));
    assertSame(llama.param(Names.wv(1, 2)), llama.param(Names.wv(1, 3)));
    assertNotSame(llama.param(Names.wk(0, 1)), llama.param(Names.wk(0, 2)));
    assertEquals(16, HfModel.load(DIR.resolve("mistral")).arch().maxContext(), "context capped at the sliding window");
    assertTrue(HfModel.load(DIR.resolve("qwen2")).arch().attnBiases());
  }

  @Test
  @DisplayName("dynamic NTK read with its trained frequencies (base left unscaled past the trained length) is caught")
  void dynamicNtkIgnoredIsCaught() {
    FastModel m = HfModel.load(DIR.resolve("llama-dynamic"));
    assertEquals(RopeScaling.Kind.DYNAMIC_NTK, m.arch().ropeScaling().kind());
    Map<String, DMatrixRMaj> p = new LinkedHashMap<>();
    Model.shapes(m.arch()).keySet().forEach(n -> p.put(n, m.param(n)));
    double[] trained = m.arch().ropeScaling().frequencies(m.arch().dHead(), 1);
    DMatrixRMaj cos = new DMatrixRMaj(1, trained.length);
    DMatrixRMaj sin = new DMatrixRMaj(1, trained.length);
    for (int i = 0; i < trained.length; i++) {
      cos.set(0, i, Math.cos(trained[i]));
      sin.set(0, i, Math.sin(trained[i]));
    }
    p.put(Names.ROPE_COS, cos);
    p.put(Names.ROPE_SIN, sin);
    Architecture fixed = m.arch().toBuilder().ropeScaling(RopeScaling.none()).build();
    assertCaught("llama-dynamic", new FastModel(fixed, p), "dynamic NTK ignored");
  }

  /** The model with some weights replaced as a wrong import would have produced them. */
  static FastModel wrong(FastModel m, Map<String, UnaryOperator<DMatrixRMaj>> changes) {
    Map<String, DMatrixRMaj> p = new LinkedHashMap<>();
    for (String name : Model.shapes(m.arch()).keySet()) {
      p.put(name, changes.getOrDefault(name, x -> x).apply(m.param(name)));
    }
    return new FastModel(m.arch(), p);
  }

  static void assertCaught(String family, FastModel wrongModel, String what) {
    ReferenceLogits.Comparison c = compare(family, wrongModel);
    System.out.printf("%s, %s: %s%n", family, what, c);
    assertFalse(c.within(), what + " was not caught: " + c);
  }

  static DMatrixRMaj transposed(DMatrixRMaj m) {
    return CommonOps_DDRM.transpose(m, null);
  }

  /** Rows 2i and 2i + 1 exchanged: what pairing dimension m + k/2 before m instead of after gives. */
  static DMatrixRMaj halvesSwapped(DMatrixRMaj m) {
    DMatrixRMaj out = m.copy();
    boolean row = m.numRows > 1;
    int n = row ? m.numRows : m.numCols;
    for (int i = 0; i + 1 < n; i += 2) {
      if (row) {
        CommonOps_DDRM.extract(m, i, i + 1, 0, m.numCols, out, i + 1, 0);
        CommonOps_DDRM.extract(m, i + 1, i + 2, 0, m.numCols, out, i, 0);
      } else {
        out.set(0, i, m.get(0, i + 1));
        out.set(0, i + 1, m.get(0, i));
      }
    }
    return out;
  }

  @Test
  @DisplayName("an untransposed square weight is caught by the logits (GPT-2 Conv1D c_proj, LLaMA o_proj)")
  void untransposedSquareWeight() {
    FastModel gpt2 = HfModel.load(DIR.resolve("gpt2"));
    assertEquals(gpt2.param(Names.wo(0)).numRows, gpt2.param(Names.wo(0)).numCols);
    assertCaught("gpt2", wrong(gpt2, Map.of(Names.wo(0), HfCheckpointsTest::transposed)), "c_proj left as x W");
    FastModel llama = HfModel.load(DIR.resolve("llama"));
    assertEquals(llama.param(Names.wo(1)).numRows, llama.param(Names.wo(1)).numCols);
    assertCaught("llama", wrong(llama, Map.of(Names.wo(1), HfCheckpointsTest::transposed)), "o_proj transposed");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama", "llama3", "mistral", "qwen2"})
  @DisplayName("swapped rotate-half halves are caught by the logits")
  void swappedRotateHalf(String family) {
    FastModel m = HfModel.load(DIR.resolve(family));
    Map<String, UnaryOperator<DMatrixRMaj>> changes = new LinkedHashMap<>();
    for (int l = 0; l < m.arch().layers(); l++) {
      for (int h = 0; h < m.arch().heads(); h++) {
        changes.put(Names.wq(l, h), HfCheckpointsTest::halvesSwapped);
        changes.put(Names.wk(l, h), HfCheckpointsTest::halvesSwapped);
        if (m.arch().attnBiases()) {
          changes.put(Names.bq(l, h), HfCheckpointsTest::halvesSwapped);
          changes.put(Names.bk(l, h), HfCheckpointsTest::halvesSwapped);
        }
      }
    }
    assertCaught(family, wrong(m, changes), "rotate-half halves swapped");
  }

  @Test
  @DisplayName("a query head mapped to the wrong key/value head is caught by the logits")
  void wrongKeyValueHead() {
    FastModel llama = HfModel.load(DIR.resolve("llama"));
    // head 1 belongs to group 0; a wrong index (h mod H_kv instead of h / (H / H_kv)) gives it group 1
    assertCaught("llama", wrong(llama, Map.of(Names.wk(0, 1), x -> llama.param(Names.wk(0, 2)),
        Names.wv(0, 1), x -> llama.param(Names.wv(0, 2)))), "head 1 reading key/value head 1");
  }

  @Test
  @DisplayName("a tensor read through many small mapped windows equals the one-window read")
  void windowsAgree() {
    Checkpoint c = Checkpoint.open(DIR.resolve("llama"));
    for (String name : c.names()) {
      assertArrayEquals(c.read(name), c.read(name, 8), name);
    }
    assertEquals("BF16", c.dtype("lm_head.weight"));
  }
}
