package io.prefixproof.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.property.Property;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Reverse-mode gradients against central finite differences on random small models (property engine). */
class GradientsTest {

  static final double STEP = 1e-4;

  /** The analytic gradient of {@code t} on the case's batch, and the entry-wise comparison. */
  static List<GradientCheck.Entry> compare(TrainCases.Case c, Tuning t) {
    Map<String, double[]> grads = t.zeroGradients();
    double loss = t.lossAndGradients(c.batch(), c.dropout(), new SplittableRandom(c.seed()), grads);
    Map<String, double[]> scratch = t.zeroGradients();
    int positions = c.batch().stream().mapToInt(s -> s.tokens().length + c.prefix().length()).sum();
    return GradientCheck.check(() -> t.lossAndGradients(c.batch(), c.dropout(), new SplittableRandom(c.seed()),
        scratch), t.parameters(), grads, STEP, GradientCheck.roundingBound(c.shape(), positions, loss));
  }

  static boolean allHold(List<GradientCheck.Entry> entries) {
    for (GradientCheck.Entry e : entries) {
      if (!e.holds()) {
        throw new AssertionError(e.toString());
      }
    }
    return true;
  }

  @Nested
  @DisplayName("every gradient equals its central finite difference")
  class FiniteDifferences {

    @Test
    @DisplayName("all weights (pretraining, full fine-tuning), with and without dropout")
    void allWeights() {
      for (boolean dropout : new boolean[] {false, true}) {
        Property.of("weights, dropout " + dropout, TrainCases.cases(Prefix.Kind.NONE, dropout)).seed(3).tries(10)
            .check(c -> allHold(compare(c, Tuning.weights(c.weights()))));
      }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Prefix.Kind.class, names = {"STREAM", "RESIDUAL", "KEY_VALUE"})
    @DisplayName("prefixes of each form and soft prompts, weights frozen")
    void prefixes(Prefix.Kind kind) {
      Property.of("prefix " + kind, TrainCases.cases(kind, false)).seed(4).tries(25)
          .check(c -> allHold(compare(c, Tuning.prefix(c.weights(), c.prefix()))));
    }

    @Test
    @DisplayName("without the LayerNorm before attention (E4's shape): all weights with dropout, residual prefixes")
    void withoutAttentionNorm() {
      Property.of("weights, no attention norm", TrainCases.cases(Prefix.Kind.NONE, true, false)).seed(13).tries(10)
          .check(c -> allHold(compare(c, Tuning.weights(c.weights()))));
      Property.of("residual prefix, no attention norm", TrainCases.cases(Prefix.Kind.RESIDUAL, false, false))
          .seed(14).tries(25).check(c -> allHold(compare(c, Tuning.prefix(c.weights(), c.prefix()))));
    }

    @Test
    @DisplayName("LoRA factors on W_Q, W_K, W_V, W_O and the MLP's two matrices")
    void lora() {
      Property.of("LoRA", TrainCases.cases(Prefix.Kind.NONE, false)).seed(5).tries(25).check(c -> {
        List<String> targets = List.of(Names.wq(0, 0), Names.wk(0, 0), Names.wv(0, 0), Names.wo(0), Names.w1(0),
            Names.w2(0));
        LoraFactors f = LoraFactors.init(c.weights(), targets, 1, 2.0, c.seed());
        // B starts at zero, where ∂L/∂A vanishes: start from a random B so that both factors are checked
        SplittableRandom rnd = new SplittableRandom(c.seed());
        f.values().forEach((k, a) -> {
          for (int i = 0; i < a.length; i++) {
            a[i] = Gaussian.next(rnd) * 0.5;
          }
        });
        return allHold(compare(c, Tuning.lora(c.weights(), f)));
      });
    }
  }

  @Nested
  @DisplayName("planted wrong gradients are caught")
  class Planted {
    final TrainCases.Case c = TrainCases.build(4, 2, 2, 2, 3, 0, Prefix.Kind.NONE, true, 11);

    @Test
    @DisplayName("one entry off by 1.5 times its tolerance fails, in every weight")
    void entryOffByMoreThanTolerance() {
      List<GradientCheck.Entry> entries = compare(c, Tuning.weights(c.weights()));
      assertTrue(allHold(entries));
      for (String name : c.weights().all().keySet()) {
        GradientCheck.Entry e = entries.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        GradientCheck.Entry planted = new GradientCheck.Entry(e.name(), e.index(), e.numeric() + 1.5 * e.tolerance(),
            e.numeric(), e.tolerance());
        assertFalse(planted.holds(), planted.toString());
      }
    }

    @Test
    @DisplayName("the gradients of W_Q and W_K swapped fail")
    void swappedGradientsFail() {
      Tuning t = Tuning.weights(c.weights());
      Map<String, double[]> grads = t.zeroGradients();
      t.lossAndGradients(c.batch(), c.dropout(), new SplittableRandom(c.seed()), grads);
      double[] q = grads.get(Names.wq(0, 0));
      grads.put(Names.wq(0, 0), grads.get(Names.wk(0, 0)));
      grads.put(Names.wk(0, 0), q);
      Map<String, double[]> scratch = t.zeroGradients();
      List<GradientCheck.Entry> entries = GradientCheck.check(() -> t.lossAndGradients(c.batch(), c.dropout(),
          new SplittableRandom(c.seed()), scratch), Map.of(Names.wq(0, 0), c.weights().get(Names.wq(0, 0))), grads,
          STEP, GradientCheck.roundingBound(c.shape(), 6, 3));
      assertTrue(entries.stream().anyMatch(e -> !e.holds()));
    }

    @Test
    @DisplayName("the gradients of the model with the attention LayerNorm fail against the one without it")
    void normedGradientsFailWithoutTheNorm() {
      TrainCases.Case plain = TrainCases.build(new Gpt(4, 5, 1, 2, 4, false), 3, 1, Prefix.Kind.RESIDUAL, false, 15);
      // the same weights and prefix under the normed shape (gain 1, shift 0): the backward pass one would get by
      // forgetting to skip the norm
      Gpt normed = new Gpt(4, 5, 1, 2, 4, true);
      java.util.Map<String, double[]> v = new java.util.LinkedHashMap<>(plain.weights().all());
      v.put(Names.ln1g(0), new double[] {1, 1, 1, 1});
      v.put(Names.ln1b(0), new double[4]);
      Tuning wrong = Tuning.prefix(Weights.of(normed, v), plain.prefix());
      Map<String, double[]> grads = wrong.zeroGradients();
      wrong.lossAndGradients(plain.batch(), 0, null, grads);
      Tuning right = Tuning.prefix(plain.weights(), plain.prefix());
      Map<String, double[]> scratch = right.zeroGradients();
      int positions = plain.batch().stream().mapToInt(s -> s.tokens().length + 1).sum();
      List<GradientCheck.Entry> entries = GradientCheck.check(() -> right.lossAndGradients(plain.batch(), 0, null,
          scratch), right.parameters(), grads, STEP, GradientCheck.roundingBound(plain.shape(), positions, 3));
      assertTrue(allHold(compare(plain, right)));
      assertTrue(entries.stream().anyMatch(e -> !e.holds()));
    }
  }

  @Nested
  @DisplayName("a prefix gradient flows only where the forward pass reads the prefix")
  class WhereThePrefixIsRead {

    /** ∂L/∂pos rows 0..p−1 of the case under its prefix. */
    static double[] positionRowsGradient(TrainCases.Case c) {
      Tuning t = Tuning.weights(c.weights());
      Map<String, double[]> gw = t.zeroGradients();
      int count = c.batch().stream().mapToInt(Sequence::counted).sum();
      new Pass(c.weights(), c.prefix(), c.batch().stream().map(Sequence::tokens).toArray(int[][]::new), 0, null)
          .loss(c.batch().stream().map(Sequence::targets).toArray(int[][]::new), 1.0 / count, gw,
              Tuning.zerosLike(c.prefix().values()));
      return java.util.Arrays.copyOf(gw.get(Names.POS), c.prefix().length() * c.shape().dModel());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Prefix.Kind.class, names = {"RESIDUAL", "KEY_VALUE"})
    @DisplayName("a residual or key/value prefix never reads the position rows 0..p-1: their gradient is exactly 0")
    void unreadPositionRowsGetZero(Prefix.Kind kind) {
      Property.of("zero gradient " + kind, TrainCases.cases(kind, false)).seed(6).tries(40).check(c -> {
        for (double v : positionRowsGradient(c)) {
          assertEquals(0.0, v);
        }
        return true;
      });
    }

    @Test
    @DisplayName("a soft prompt reads them (the same check fails there)")
    void softPromptReadsThem() {
      TrainCases.Case c = TrainCases.build(4, 1, 1, 2, 3, 2, Prefix.Kind.STREAM, false, 12);
      assertTrue(java.util.Arrays.stream(positionRowsGradient(c)).anyMatch(v -> v != 0));
    }
  }
}
