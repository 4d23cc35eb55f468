package io.prefixproof.train;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * The weights of a {@link Gpt} as flat row-major double arrays under the project's names ({@link Names}), with
 * the shapes of {@link Model#shapes}: a weight {@code W} acts as {@code x Wᵀ}, so it maps one-to-one onto
 * {@link FastModel} and {@link Model}. Mutable: the optimiser updates the arrays in place.
 */
public final class Weights {
  private final Gpt shape;
  private final Map<String, int[]> shapes;
  private final Map<String, double[]> values;

  private Weights(Gpt shape, Map<String, double[]> values) {
    this.shape = shape;
    this.shapes = Model.shapes(shape.architecture());
    this.values = values;
  }

  /**
   * minGPT's initialisation: every linear weight and both embeddings drawn from N(0, 0.02²), the two output
   * projections ({@code W_O}, {@code W_2}) from N(0, 0.02²/(2L)), biases 0, LayerNorm gains 1 and shifts 0.
   */
  public static Weights init(Gpt shape, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, double[]> v = new LinkedHashMap<>();
    double projStd = 0.02 / Math.sqrt(2.0 * shape.layers());
    for (Map.Entry<String, int[]> e : Model.shapes(shape.architecture()).entrySet()) {
      String name = e.getKey();
      double[] a = new double[e.getValue()[0] * e.getValue()[1]];
      if (name.endsWith(".g")) {
        java.util.Arrays.fill(a, 1.0);
      } else if (isMatrix(name)) {
        double std = name.endsWith("Wo") || name.endsWith("mlp.W2") ? projStd : 0.02;
        for (int i = 0; i < a.length; i++) {
          a[i] = std * Gaussian.next(rnd);
        }
      }
      v.put(name, a);
    }
    return new Weights(shape, v);
  }

  /** Weights of the given values (copied), checked against the shape's names and sizes. */
  public static Weights of(Gpt shape, Map<String, double[]> values) {
    Map<String, int[]> s = Model.shapes(shape.architecture());
    Map<String, double[]> v = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : s.entrySet()) {
      double[] a = values.get(e.getKey());
      if (a == null || a.length != e.getValue()[0] * e.getValue()[1]) {
        throw new IllegalArgumentException("weight " + e.getKey() + " is missing or not " + e.getValue()[0] + "x"
            + e.getValue()[1]);
      }
      v.put(e.getKey(), a.clone());
    }
    if (!s.keySet().containsAll(values.keySet())) {
      throw new IllegalArgumentException("unexpected weights " + values.keySet() + " for " + s.keySet());
    }
    return new Weights(shape, v);
  }

  /**
   * The weights a model of the project's double engine holds, when its architecture is a minGPT shape (a checkpoint
   * written by {@link Checkpoint}); otherwise an {@link IllegalArgumentException} naming the architecture.
   */
  public static Weights of(FastModel m) {
    io.prefixproof.model.Architecture a = m.arch();
    Gpt g = new Gpt(a.vocab(), a.maxContext(), a.layers(), a.heads(), a.dModel(), a.attentionNorm());
    if (!g.architecture().equals(a)) {
      throw new IllegalArgumentException("not a minGPT checkpoint of this package: " + a.summary());
    }
    Map<String, double[]> v = new LinkedHashMap<>();
    Model.shapes(a).keySet().forEach(k -> v.put(k, m.param(k).data));
    return of(g, v);
  }

  /** A matrix (token, position or linear weight), as opposed to a gain or a bias. */
  static boolean isMatrix(String name) {
    return name.equals(Names.EMBED) || name.equals(Names.POS) || name.equals(Names.UNEMBED) || name.contains(".W");
  }

  /**
   * Whether AdamW decays this weight: minGPT decays the weights of its linear layers (W_Q, W_K, W_V, W_O,
   * the MLP's two matrices, the unembedding) and neither biases, LayerNorm parameters nor embeddings.
   */
  public static boolean decays(String name) {
    return name.equals(Names.UNEMBED) || name.contains(".W");
  }

  public Gpt shape() {
    return shape;
  }

  /** The array of one weight (live: writes change the model). */
  public double[] get(String name) {
    double[] a = values.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no weight named " + name);
    }
    return a;
  }

  /** {rows, cols} of one weight. */
  public int[] dims(String name) {
    get(name);
    return shapes.get(name);
  }

  /** Every weight by name, in {@link Model#shapes} order (live arrays). */
  public Map<String, double[]> all() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** A deep copy. */
  public Weights copy() {
    return of(shape, values);
  }

  /** Number of scalar weights. */
  public long count() {
    return values.values().stream().mapToLong(a -> a.length).sum();
  }

  /** The same weights in the project's double engine (copied). */
  public FastModel toFastModel() {
    Map<String, DMatrixRMaj> p = new LinkedHashMap<>();
    values.forEach((k, a) -> p.put(k, new DMatrixRMaj(shapes.get(k)[0], shapes.get(k)[1], true, a.clone())));
    return new FastModel(shape.architecture(), p);
  }
}
