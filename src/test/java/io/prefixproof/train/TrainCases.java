package io.prefixproof.train;

import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.property.Gen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Random small minGPT cases for the gradient and differential properties: the shape first, then the entries. */
final class TrainCases {
  private TrainCases() {}

  /**
   * A drawn case: shape, weights, an optional prefix of the drawn kind, two sequences with some targets skipped,
   * and whether dropout is on (its masks come from {@code seed}, so every re-evaluation draws the same ones).
   */
  record Case(Gpt shape, Weights weights, TrainPrefix prefix, List<Sequence> batch, double dropout, long seed) {
    @Override
    public String toString() {
      return shape + " prefix " + prefix.kind() + " p=" + prefix.length() + " dropout " + dropout + " seed " + seed
          + " sequences " + batch.stream().map(s -> java.util.Arrays.toString(s.tokens())).toList();
    }
  }

  /** Cases with a prefix of the given kind (NONE: none). */
  static Gen<Case> cases(Prefix.Kind kind, boolean dropout) {
    return cases(kind, dropout, true);
  }

  /** Cases with a prefix of the given kind, with or without the LayerNorm before attention (E4's shape). */
  static Gen<Case> cases(Prefix.Kind kind, boolean dropout, boolean attentionNorm) {
    return Gen.integers(2, 5).flatMap(vocab -> Gen.integers(1, 2).flatMap(layers -> Gen.integers(1, 2)
        .flatMap(heads -> Gen.integers(1, 3).flatMap(dh -> Gen.integers(1, 4).flatMap(n -> Gen.integers(1, 2)
            .flatMap(p -> Gen.longs(0, Long.MAX_VALUE / 2).map(seed -> build(new Gpt(vocab, n + p + 1, layers,
                heads, heads * dh, attentionNorm), n, kind == Prefix.Kind.NONE ? 0 : p, kind, dropout, seed))))))));
  }

  static Case build(int vocab, int layers, int heads, int dh, int n, int p, Prefix.Kind kind, boolean dropout,
      long seed) {
    return build(new Gpt(vocab, n + p + 1, layers, heads, heads * dh), n, p, kind, dropout, seed);
  }

  static Case build(Gpt g, int n, int p, Prefix.Kind kind, boolean dropout, long seed) {
    int vocab = g.vocab();
    SplittableRandom rnd = new SplittableRandom(seed);
    Weights w = randomWeights(g, rnd);
    TrainPrefix pre = kind == Prefix.Kind.NONE ? TrainPrefix.none()
        : TrainPrefix.random(g, kind, p, 0.8, rnd.nextLong());
    List<Sequence> batch = new ArrayList<>();
    for (int b = 0; b < 2; b++) {
      int[] tokens = new int[n];
      int[] targets = new int[n];
      for (int i = 0; i < n; i++) {
        tokens[i] = rnd.nextInt(vocab);
        targets[i] = i == 0 || rnd.nextInt(4) > 0 ? rnd.nextInt(vocab) : -1;
      }
      batch.add(new Sequence(tokens, targets));
    }
    return new Case(g, w, pre, batch, dropout ? 0.3 : 0, rnd.nextLong());
  }

  /** Entries of order 1 (linear weights N(0, 0.6²), gains 1 + N(0, 0.2²), biases N(0, 0.2²)). */
  static Weights randomWeights(Gpt g, SplittableRandom rnd) {
    Map<String, double[]> v = new LinkedHashMap<>();
    Model.shapes(g.architecture()).forEach((name, dims) -> {
      double[] a = new double[dims[0] * dims[1]];
      for (int i = 0; i < a.length; i++) {
        double z = Gaussian.next(rnd);
        a[i] = name.endsWith(".g") ? 1 + 0.2 * z : Weights.isMatrix(name) ? 0.6 * z : 0.2 * z;
      }
      v.put(name, a);
    });
    return Weights.of(g, v);
  }
}
