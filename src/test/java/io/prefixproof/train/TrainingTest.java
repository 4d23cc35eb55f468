package io.prefixproof.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Data, optimiser and seconds-long smoke runs of each trainer (no accuracy thresholds on long runs). */
class TrainingTest {

  static final Gpt TINY = new Gpt(Data.VOCAB, Data.context(1), 1, 2, 8);

  @Nested
  @DisplayName("tasks and data")
  class Tasks {
    @Test
    @DisplayName("each task on a hand-worked input")
    void handWorked() {
      int[] in = {3, 0, 7, 3, 1, 3, 0, 5, 2, 6};
      assertArrayEquals(new int[] {0, 0, 1, 2, 3, 3, 3, 5, 6, 7}, Task.ASCENDING.apply(in));
      assertArrayEquals(new int[] {7, 6, 5, 3, 3, 3, 2, 1, 0, 0}, Task.DESCENDING.apply(in));
      assertArrayEquals(new int[] {4, 1, 8, 4, 2, 4, 1, 6, 3, 7}, Task.ADD1.apply(in));
      assertArrayEquals(new int[] {5, 2, 9, 5, 3, 5, 2, 7, 4, 8}, Task.ADD2.apply(in));
      assertArrayEquals(new int[] {1, 1, 2, 3, 4, 4, 4, 6, 7, 8}, Task.ASCENDING_ADD1.apply(in));
      assertArrayEquals(new int[] {3, 2, 1, 3, 1, 3, 2, 1, 1, 1}, Task.COUNT.apply(in));
    }

    @Test
    @DisplayName("a sequence: padding, input, output; targets only where an output digit is predicted")
    void sequenceLayout() {
      Data.Example e = new Data.Example(Task.ADD1, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 0, 1},
          new int[] {1, 2, 3, 4, 5, 6, 7, 8, 1, 2});
      Sequence s = Data.sequence(e, 1, false);
      assertArrayEquals(new int[] {0, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 1}, s.tokens());
      assertArrayEquals(new int[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2},
          s.targets());
      Sequence p = Data.sequence(e, 1, true);
      assertArrayEquals(java.util.Arrays.copyOfRange(s.tokens(), 1, 20), p.tokens());
      assertArrayEquals(java.util.Arrays.copyOfRange(s.targets(), 1, 20), p.targets());
    }

    @Test
    @DisplayName("the split is a fixed quarter: the same input always lands on the same side, about 25 % test")
    void stableSplit() {
      SplittableRandom rnd = new SplittableRandom(1);
      int test = 0;
      int n = 40_000;
      for (int i = 0; i < n; i++) {
        int[] in = new int[Data.LENGTH];
        for (int j = 0; j < in.length; j++) {
          in[j] = rnd.nextInt(Data.DIGITS);
        }
        boolean t = Data.isTest(in, 0);
        assertEquals(t, Data.isTest(in.clone(), 0));
        test += t ? 1 : 0;
      }
      // binomial(40000, 1/4): standard deviation 86.6; four of them allowed
      assertTrue(Math.abs(test - n / 4) < 4 * 86.6, test + " test inputs of " + n);
      Data train = new Data(Data.Split.TRAIN, List.of(Task.ASCENDING), 0);
      for (Data.Example e : train.draw(new SplittableRandom(2), 500)) {
        assertTrue(!Data.isTest(e.input(), 0));
      }
    }
  }

  @Nested
  @DisplayName("AdamW")
  class Optimiser {
    @Test
    @DisplayName("one step by hand: decay first, then the bias-corrected step")
    void oneStep() {
      Map<String, double[]> p = new LinkedHashMap<>();
      p.put("w", new double[] {1.0});
      Tuning t = Tuning.prefix(Weights.init(TINY, 1), new TrainPrefix(Prefix.Kind.RESIDUAL, 1, p));
      AdamW.minGpt(0.1).step(t, Map.of("w", new double[] {0.5}));
      // decay 1 − 0.1·0.01, then m̂ = 0.5, v̂ = 0.25: step 0.1·0.5/(0.5 + 1e-8)
      assertEquals(1.0 * (1 - 0.1 * 0.01) - 0.1 * 0.5 / (0.5 + 1e-8), p.get("w")[0], 0.0);
    }

    @Test
    @DisplayName("clipping: gradient (3, 4) of norm 5 is scaled by 1/(5 + 1e-6) before the step")
    void clipping() {
      Map<String, double[]> p = new LinkedHashMap<>();
      p.put("w", new double[] {0, 0});
      Tuning t = Tuning.prefix(Weights.init(TINY, 1), new TrainPrefix(Prefix.Kind.RESIDUAL, 1, p));
      AdamW opt = new AdamW(1.0, 0.9, 0.95, 1.0);
      assertEquals(5.0, opt.step(t, Map.of("w", new double[] {3, 4})), 0.0);
      // Adam's first step moves each entry by lr·ĝ/(|ĝ| + ε) whatever the scale: −1 up to ε/|ĝ|
      double g0 = 3 / (5 + 1e-6);
      assertEquals(-(1 - 0.01 * 0) * g0 / (g0 + 1e-8), p.get("w")[0], 1e-15);
    }
  }

  @Nested
  @DisplayName("smoke runs (seconds)")
  class Smoke {
    final Data ascending = new Data(Data.Split.TRAIN, List.of(Task.ASCENDING), 0);
    final Data descending = new Data(Data.Split.TRAIN, List.of(Task.DESCENDING), 0);

    /** A fixed batch of 32 sequences of {@code data}, the padding replaced by a prefix when {@code prefixed}. */
    List<Sequence> fixed(Data data, boolean prefixed) {
      return data.draw(new SplittableRandom(99), 32).stream().map(e -> Data.sequence(e, 1, prefixed)).toList();
    }

    @Test
    @DisplayName("pretraining: the loss on a fixed batch falls, and the same seed gives the same numbers twice")
    void pretrainingFallsAndRepeats() {
      Weights a = Weights.init(TINY, 5);
      Weights b = Weights.init(TINY, 5);
      Tuning ta = Tuning.weights(a);
      double before = ta.loss(fixed(ascending, false));
      Trainer.Settings s = new Trainer.Settings(25, 64, 1e-2, 0.1, 9);
      double[] la = Trainer.train(ta, ascending, 1, s, null);
      double[] lb = Trainer.train(Tuning.weights(b), ascending, 1, s, null);
      double after = ta.loss(fixed(ascending, false));
      assertTrue(after < 0.8 * before, "loss " + before + " -> " + after);
      assertArrayEquals(la, lb, 0.0);
      a.all().forEach((k, v) -> assertArrayEquals(v, b.get(k), 0.0, k));
      double[] other = Trainer.train(Tuning.weights(Weights.init(TINY, 5)), ascending, 1,
          new Trainer.Settings(25, 64, 1e-2, 0.1, 10), null);
      assertNotEquals(la[24], other[24], "another seed gives other numbers");
    }

    @Test
    @DisplayName("prefix-tuning (residual and key/value) and LoRA: the loss falls, the frozen weights stay")
    void adaptationsFall() {
      Weights frozen = TrainCases.randomWeights(TINY, new SplittableRandom(6));
      Weights before = frozen.copy();
      List<Tuning> tunings = List.of(
          Tuning.prefix(frozen, TrainPrefix.random(TINY, Prefix.Kind.RESIDUAL, 1, 1.0, 7)),
          Tuning.prefix(frozen, TrainPrefix.random(TINY, Prefix.Kind.KEY_VALUE, 1, 1.0, 7)),
          Tuning.lora(frozen, LoraFactors.init(frozen, List.of(Names.wo(0), Names.w1(0), Names.w2(0)), 1, 1, 7)));
      for (Tuning t : tunings) {
        List<Sequence> batch = fixed(descending, t.kind() == Tuning.Kind.PREFIX);
        double start = t.loss(batch);
        Trainer.train(t, descending, 1, new Trainer.Settings(15, 64, 3e-2, 0, 3), null);
        double end = t.loss(batch);
        assertTrue(end < start, t.kind() + ": loss " + start + " -> " + end);
      }
      frozen.all().forEach((k, v) -> assertArrayEquals(before.get(k), v, 0.0, k));
    }
  }
}
