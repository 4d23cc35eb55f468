package io.prefixproof.cases;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.property.Gen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;

/**
 * Random double-precision cases for the EJML engine at sizes exact arithmetic cannot reach. The shape
 * (layers, heads, d, n, p, kind, mask, norm, biases, MLP, score temperature) is drawn from the choice
 * sequence and shrinks; the entries come from a pseudo-random stream seeded by one drawn choice, so a
 * 256-wide model costs a few dozen choices. Weights are N(0, 1/fan_in), biases 0.1·N(0,1), norm gains
 * 1 + 0.1·N(0,1); the query weights are multiplied by a drawn temperature in {1, 10, 50} (large scores)
 * and a prefix may be pushed far from the queries (underflowing prefix weights).
 */
public final class DoubleCases {
  private DoubleCases() {}

  /** One case: the model, the prefix in the engine's form, the content rows. */
  public record Case(FastModel model, Prefix.Kind kind, int p, List<DMatrixRMaj> prefixRows,
      List<List<DMatrixRMaj>> keys, List<List<DMatrixRMaj>> values, DMatrixRMaj content, double temperature) {

    /** The same weights in post-norm blocks. */
    public Case withPostNorm() {
      FastModel post = model.withArchitecture(model.arch().toBuilder().postNorm(true).build());
      return new Case(post, kind, p, prefixRows, keys, values, content, temperature);
    }

    public FastModel.Trace run() {
      return model.run(kind, p, content, null, prefixRows, keys, values);
    }

    @Override
    public String toString() {
      return "shape: " + model.arch().summary() + ", n=" + content.numRows + ", p=" + p + " (" + kind
          + "), query temperature " + temperature;
    }
  }

  /** Upper bounds of the shapes; {@link #ci()} for tests, {@link #large()} for the CLI. */
  public record Sizes(int layers, int heads, int dModel, int content, int prefix) {}

  public static Sizes ci() {
    return new Sizes(4, 4, 64, 32, 6);
  }

  public static Sizes large() {
    return new Sizes(4, 4, 256, 128, 6);
  }

  public static Gen<Case> cases(Sizes z) {
    return s -> {
      int layers = 1 + (int) s.choice(z.layers() - 1);
      int heads = 1 + (int) s.choice(z.heads() - 1);
      int d = heads * (1 + (int) s.choice(z.dModel() / heads - 1));
      int n = 1 + (int) s.choice(z.content() - 1);
      int p = 1 + (int) s.choice(z.prefix() - 1);
      Prefix.Kind kind = s.choice(1) == 0 ? Prefix.Kind.RESIDUAL : Prefix.Kind.KEY_VALUE;
      Architecture.Mask mask = s.choice(1) == 0 ? Architecture.Mask.CAUSAL : Architecture.Mask.BIDIRECTIONAL;
      Architecture.NormKind norm = List.of(Architecture.NormKind.NONE, Architecture.NormKind.LAYER,
          Architecture.NormKind.RMS).get((int) s.choice(2));
      boolean post = norm != Architecture.NormKind.NONE && s.choice(1) == 1;
      boolean biases = s.choice(1) == 1;
      boolean mlp = s.choice(1) == 1;
      double temperature = new double[] {1, 10, 50}[(int) s.choice(2)];
      boolean farPrefix = s.choice(3) == 3;
      long seed = s.choice(Long.MAX_VALUE - 1);
      Case c = build(layers, heads, d, n, p, kind, mask, norm, biases, mlp, temperature, farPrefix, seed);
      return post ? c.withPostNorm() : c;
    };
  }

  /**
   * One case of a fixed shape: weights N(0, 1/fan_in) (query weights times {@code temperature}), biases
   * 0.1·N(0,1), norm gains 1 + 0.1·N(0,1), tanh-GELU MLP of width 4d, scale 1/√d_head, prefix and content
   * N(0,1); {@code farPrefix} pushes prefix keys (or residual rows) 50 units away.
   */
  public static Case build(int layers, int heads, int d, int n, int p, Prefix.Kind kind, Architecture.Mask mask,
      Architecture.NormKind norm, boolean biases, boolean mlp, double temperature, boolean farPrefix, long seed) {
    int k = d / heads;
    Architecture a = Architecture.builder(d).layers(layers).heads(heads).dHead(k).dValue(k)
        .mlp(mlp ? 4 * d : 0, Architecture.Activation.GELU).norm(norm, false).attnBiases(biases).mask(mask)
        .maxContext(n + p).scale(ScoreScale.fixed(new BigFraction(1 / Math.sqrt(k)))).build();
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, DMatrixRMaj> params = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : Model.shapes(a).entrySet()) {
      String name = e.getKey();
      int[] sh = e.getValue();
      boolean gain = name.endsWith(".g");
      double sd = gain || sh[0] == 1 ? 0.1 : 1 / Math.sqrt(sh[1]);
      if (name.endsWith(".Wq")) {
        sd *= temperature;
      }
      params.put(name, gaussian(r, sh[0], sh[1], gain ? 1 : 0, sd));
    }
    double shift = farPrefix ? -50 : 0;
    List<DMatrixRMaj> rows = new ArrayList<>();
    List<List<DMatrixRMaj>> keys = new ArrayList<>();
    List<List<DMatrixRMaj>> values = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      DMatrixRMaj row = gaussian(r, p, d, 0, 1);
      if (farPrefix) {
        for (int i = 0; i < row.getNumElements(); i++) {
          row.data[i] *= 50;
        }
      }
      rows.add(row);
      List<DMatrixRMaj> kl = new ArrayList<>();
      List<DMatrixRMaj> vl = new ArrayList<>();
      for (int h = 0; h < heads; h++) {
        kl.add(gaussian(r, p, k, shift, 1));
        vl.add(gaussian(r, p, k, 0, 1));
      }
      keys.add(kl);
      values.add(vl);
    }
    DMatrixRMaj content = gaussian(r, n, d, 0, 1);
    FastModel model = new FastModel(a, params);
    return kind == Prefix.Kind.RESIDUAL
        ? new Case(model, kind, p, rows, null, null, content, temperature)
        : new Case(model, kind, p, null, keys, values, content, temperature);
  }

  public static DMatrixRMaj gaussian(SplittableRandom r, int rows, int cols, double mean, double sd) {
    DMatrixRMaj m = new DMatrixRMaj(rows, cols);
    for (int i = 0; i < m.getNumElements(); i++) {
      m.data[i] = mean + sd * r.nextGaussian();
    }
    return m;
  }
}
