package io.prefixproof.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.model.Prefix;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Seconds-long smoke runs of the E4 recipe and the E1 analogue, and the grouped greedy generation they use. */
class MixPrefixesTest {

  static final MixPrefixes.Settings TINY = new MixPrefixes.Settings(8, 2, 30, 1e-2, 15, 5e-2, 24);

  /** A fixed batch of 32 sequences of {@code tasks}, the padding replaced by a prefix when {@code prefixed}. */
  static List<Sequence> fixed(List<Task> tasks, boolean prefixed) {
    return new Data(Data.Split.TRAIN, tasks, 0).draw(new SplittableRandom(99), 32).stream()
        .map(e -> Data.sequence(e, 1, prefixed)).toList();
  }

  /** The greedy continuation of one start, one token per single-sequence pass (the oracle of the grouped one). */
  static int[] oneByOne(Weights w, TrainPrefix prefix, int[] start, int length) {
    int[] seq = start.clone();
    int vocab = w.shape().vocab();
    for (int k = 0; k < length; k++) {
      Pass pass = new Pass(w, prefix, new int[][] {seq}, 0, null);
      double[] logits = pass.logits();
      int row = pass.rows() - 1;
      int best = 0;
      for (int j = 1; j < vocab; j++) {
        best = logits[row * vocab + j] > logits[row * vocab + best] ? j : best;
      }
      seq = java.util.Arrays.copyOf(seq, seq.length + 1);
      seq[seq.length - 1] = best;
    }
    return java.util.Arrays.copyOfRange(seq, start.length, seq.length);
  }

  @Test
  @DisplayName("E4: the pretraining and every prefix lower their loss, and one seed gives the same numbers twice")
  void e4FallsAndRepeats() {
    MixPrefixes.Result a = MixPrefixes.run(TINY, 3, null);
    MixPrefixes.Result b = MixPrefixes.run(TINY, 3, null);
    assertEquals(a.pretrained(), b.pretrained());
    assertEquals(a.prefixTuned(), b.prefixTuned());
    assertEquals(a.finalLoss(), b.finalLoss());
    a.pretrainedWeights().all().forEach((k, v) -> assertArrayEquals(v, b.pretrainedWeights().get(k), 0.0, k));
    a.prefixes().forEach((t, p) -> assertArrayEquals(p.get(TrainPrefix.residual(0)),
        b.prefixes().get(t).get(TrainPrefix.residual(0)), 0.0, t));
    assertFalse(a.pretrainedWeights().shape().architecture().normsAttentionInput());

    List<Sequence> mix = fixed(MixPrefixes.TASKS, false);
    double before = Tuning.weights(Weights.init(TINY.shape(), 3)).loss(mix);
    double after = Tuning.weights(a.pretrainedWeights()).loss(mix);
    assertTrue(after < before, "pretraining loss " + before + " -> " + after);
    for (int i = 0; i < MixPrefixes.TASKS.size(); i++) {
      Task task = MixPrefixes.TASKS.get(i);
      List<Sequence> batch = fixed(List.of(task), true);
      double start = Tuning.prefix(a.pretrainedWeights(), TrainPrefix.random(TINY.shape(), Prefix.Kind.RESIDUAL, 1,
          1.0, MixPrefixes.prefixSeed(3, i))).loss(batch);
      double end = Tuning.prefix(a.pretrainedWeights(), a.prefixes().get(task.key())).loss(batch);
      assertTrue(end < start, task + " prefix loss " + start + " -> " + end);
    }
    MixPrefixes.Result other = MixPrefixes.run(TINY, 4, null);
    assertNotEquals(a.finalLoss(), other.finalLoss(), "another seed gives other numbers");
  }

  @Test
  @DisplayName("grouped greedy generation equals one sequence at a time, across a group boundary and with a prefix")
  void groupedGenerationEqualsOneByOne() {
    Weights w = TrainCases.randomWeights(TINY.shape(), new SplittableRandom(8));
    TrainPrefix prefix = TrainPrefix.random(TINY.shape(), Prefix.Kind.RESIDUAL, 1, 1.0, 9);
    SplittableRandom rnd = new SplittableRandom(10);
    int[][] starts = new int[Trainer.GENERATE_GROUP + 6][];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = rnd.ints(Data.LENGTH, 0, Data.DIGITS).toArray();
    }
    for (TrainPrefix p : List.of(TrainPrefix.none(), prefix)) {
      int[][] grouped = Trainer.generate(w, p, starts, Data.LENGTH);
      int[][] oracle = new int[starts.length][];
      for (int i = 0; i < starts.length; i++) {
        oracle[i] = oneByOne(w, p, starts[i], Data.LENGTH);
        assertArrayEquals(oracle[i], grouped[i], "start " + i);
      }
      // planted: rows handed to the wrong start (shifted by one) must be told apart
      int shiftedDiffer = 0;
      for (int i = 0; i < starts.length; i++) {
        shiftedDiffer += java.util.Arrays.equals(oracle[(i + 1) % starts.length], grouped[i]) ? 0 : 1;
      }
      assertTrue(shiftedDiffer > 0, "continuations vary with the start");
    }
  }

  @Test
  @DisplayName("E1: the counts equal a one-by-one recount, the same seed gives the same counts, soft tokens vary")
  void firstTokenCounts() {
    Weights w = MixPrefixes.run(TINY, 5, null).pretrainedWeights();
    FirstToken.Settings s = new FirstToken.Settings(6, 40, true);
    FirstToken.Result a = FirstToken.count(w, s, 7);
    FirstToken.Result b = FirstToken.count(w, s, 7);
    assertEquals(a.hard(), b.hard());
    assertEquals(a.soft(), b.soft());
    Set<String> hard = new HashSet<>();
    for (int t = 0; t < Data.VOCAB; t++) {
      hard.add(java.util.Arrays.toString(oneByOne(w, TrainPrefix.none(), new int[] {t}, 6)));
    }
    assertEquals(hard.size(), a.hard().distinct());
    assertEquals(Data.VOCAB, a.hard().tried());
    // the second draw (entries N(0, 1)) from seed 7 + 1, recounted one soft token and one token at a time
    long[] seeds = new SplittableRandom(7 + 1).longs(40).toArray();
    Set<String> softSet = new HashSet<>();
    for (long seed : seeds) {
      softSet.add(java.util.Arrays.toString(oneByOne(w, TrainPrefix.random(w.shape(), Prefix.Kind.STREAM, 1, 1.0,
          seed), new int[0], 6)));
    }
    assertEquals(1.0, a.soft().get(1).std());
    assertEquals(softSet.size(), a.soft().get(1).distinct());
    assertEquals(40, a.soft().get(1).tried());
    assertEquals(Math.round(Data.VOCAB * FirstToken.PAPER_RATIO), a.ratioSoft().tried());
  }
}
