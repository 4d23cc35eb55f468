package io.prefixproof.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.model.Prefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** E5 and E6 (the four-task family): seconds-long smoke runs, the padding a shorter prefix leaves, the budget. */
class MixRecipesTest {

  /** A family tiny enough for seconds: 2 layers, 1 head, d = 8. */
  static final MixFamily.Settings TINY = new MixFamily.Settings(2, 1, 8, 60, 3e-2);

  /** Per phase, the losses of every step, in order. */
  static final class Recorder implements Experiments.Progress {
    final Map<String, List<Double>> losses = new LinkedHashMap<>();
    private List<Double> current;

    @Override
    public void phase(String name, int iterations) {
      current = new ArrayList<>();
      losses.put(name, current);
    }

    @Override
    public void step(int iteration, int iterations, double loss) {
      current.add(loss);
    }

    /** Mean of the first and of the last {@code k} losses of a phase. */
    double[] ends(String phase, int k) {
      List<Double> l = losses.get(phase);
      return new double[] {l.subList(0, k).stream().mapToDouble(x -> x).average().orElseThrow(),
          l.subList(l.size() - k, l.size()).stream().mapToDouble(x -> x).average().orElseThrow()};
    }
  }

  @Test
  @DisplayName("a prefix shorter than the padding takes the first positions; the zeros after it stay")
  void shorterPrefixKeepsPositions() {
    Data.Example e = new Data.Example(Task.ADD1, new int[] {7, 1, 2, 3, 4, 5, 6, 7, 0, 1},
        new int[] {8, 2, 3, 4, 5, 6, 7, 8, 1, 2});
    Sequence padded = Data.sequence(e, 3, 0);
    Sequence prefixed = Data.sequence(e, 3, 2);
    assertArrayEquals(new int[] {0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 0, 1, 8, 2, 3, 4, 5, 6, 7, 8, 1}, padded.tokens());
    // the two prefix positions replace the first two zeros: one zero, then the input at position 3 as before
    assertArrayEquals(java.util.Arrays.copyOfRange(padded.tokens(), 2, 22), prefixed.tokens());
    assertArrayEquals(java.util.Arrays.copyOfRange(padded.targets(), 2, 22), prefixed.targets());
    assertEquals(Data.sequence(e, 3, true).tokens().length, 19, "the boolean form: the whole padding replaced");
    assertThrows(IllegalArgumentException.class, () -> Data.sequence(e, 1, 2));
  }

  @Test
  @DisplayName("E5 smoke: every phase's loss falls, and the same seed gives the same numbers twice")
  void e5Smoke() {
    E5Recipe.Settings s = new E5Recipe.Settings(TINY, 10, 30, 30, 1e-1, 8);
    Recorder rec = new Recorder();
    E5Recipe.Result a = E5Recipe.run(s, 7, null, rec);
    assertEquals(1 + E5Recipe.TASKS.size(), rec.losses.size());
    rec.losses.keySet().forEach(phase -> {
      double[] ends = rec.ends(phase, 5);
      assertTrue(ends[1] < ends[0], phase + ": loss " + ends[0] + " -> " + ends[1]);
    });
    E5Recipe.Result b = E5Recipe.run(s, 7, null, null);
    assertEquals(a.pretrained(), b.pretrained());
    assertEquals(a.prefixTuned(), b.prefixTuned());
    assertEquals(a.finalLoss(), b.finalLoss());
    a.prefixes().forEach((task, p) -> p.values().forEach((k, v) -> assertArrayEquals(v,
        b.prefixes().get(task).get(k), 0.0, task + " " + k)));
  }

  @Test
  @DisplayName("E6 smoke: both phases' loss falls, the same seed repeats, and --from reuses the checkpoint exactly")
  void e6Smoke(@TempDir Path dir) {
    E6Recipe.Settings s = new E6Recipe.Settings(TINY, 12, 30, 1e-1, 30, 1e-1, 1, 1.0, 8);
    Recorder rec = new Recorder();
    E6Recipe.Result a = E6Recipe.run(s, 7, null, rec);
    assertEquals(List.of("pretrain", "prefix count", "lora count"), new ArrayList<>(rec.losses.keySet()));
    rec.losses.keySet().forEach(phase -> {
      double[] ends = rec.ends(phase, 5);
      assertTrue(ends[1] < ends[0], phase + ": loss " + ends[0] + " -> " + ends[1]);
    });
    assertEquals(a.prefixParameters(), a.loraParameters(), "12 positions and rank-1 W_O, W_1, W_2: 12 d per layer");
    E6Recipe.Result b = E6Recipe.run(s, 7, null, null);
    assertEquals(List.of(a.pretrained(), a.prefixTuned(), a.loraTuned()),
        List.of(b.pretrained(), b.prefixTuned(), b.loraTuned()));
    assertEquals(a.finalLoss(), b.finalLoss());

    // the pretrained model through a checkpoint: the same adaptations, bit for bit
    Path config = Checkpoint.write(a.pretrainedWeights(), dir, MixFamily.CHECKPOINT);
    E6Recipe.Result c = E6Recipe.run(s, 7, config, null);
    assertEquals(List.of(a.prefixTuned(), a.loraTuned()), List.of(c.prefixTuned(), c.loraTuned()));
    assertEquals(a.finalLoss().get("lora count"), c.finalLoss().get("lora count"));
    assertTrue(!c.seconds().containsKey("pretrain"), "read, not pretrained");
  }

  @Test
  @DisplayName("a checkpoint reads back bit for bit, and one of another shape is refused naming the field")
  void checkpointRoundTrip(@TempDir Path dir) {
    Weights w = TrainCases.randomWeights(TINY.shape(), new SplittableRandom(9));
    Path config = Checkpoint.write(w, dir, "w");
    Weights back = Checkpoint.read(config, TINY.shape());
    w.all().forEach((k, v) -> assertArrayEquals(v, back.get(k), 0.0, k));
    MixFamily.Settings wider = new MixFamily.Settings(2, 1, 16, 60, 3e-2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.read(config, wider.shape()));
    assertTrue(e.getMessage().contains("d_model is 8, this run needs 16"), e.getMessage());
  }

  @Test
  @DisplayName("E6's budget at the paper's shape: 12,288 parameters for the 12-position prefix and for the LoRA")
  void paperBudget() {
    Gpt g = MixFamily.Settings.of(Experiments.Scale.PAPER).shape();
    E6Recipe.Settings s = E6Recipe.Settings.of(Experiments.Scale.PAPER);
    Weights w = Weights.init(g, 1);
    long prefix = TrainPrefix.random(g, Prefix.Kind.RESIDUAL, s.prefix(), 1.0, 1).count();
    long lora = LoraFactors.init(w, E6Recipe.loraTargets(g), s.rank(), s.alpha(), 1).values().values().stream()
        .mapToLong(a -> a.length).sum();
    // the notebook prints 12288 for both (minGPT/04_prefix_tuning_vs_lora.ipynb)
    assertEquals(12_288, prefix);
    assertEquals(12_288, lora);
    // a wrong statement fails: one position fewer, or LoRA without W_O, is another count
    assertNotEquals(12_288, TrainPrefix.random(g, Prefix.Kind.RESIDUAL, s.prefix() - 1, 1.0, 1).count());
    assertNotEquals(12_288, LoraFactors.init(w, E6Recipe.loraTargets(g).stream().filter(t -> !t.endsWith("Wo"))
        .toList(), 1, 1, 1).values().values().stream().mapToLong(a -> a.length).sum());
  }
}
