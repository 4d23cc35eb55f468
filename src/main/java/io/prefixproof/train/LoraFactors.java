package io.prefixproof.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trainable LoRA factors on named weights: {@code W ← W + (α/r)·B A} with {@code A} r × in and {@code B} out × r
 * (the form of {@link io.prefixproof.adapt.Lora}). Stored as {@code lora.<weight>.A} and {@code lora.<weight>.B}.
 * {@code A} starts from N(0, 1/in) and {@code B} from zero, so training starts at the frozen model.
 *
 * @param targets the adapted weights' names
 * @param rank r
 * @param alpha α
 * @param values the factors by name (live)
 */
public record LoraFactors(List<String> targets, int rank, double alpha, Map<String, double[]> values) {

  /** Rank-r factors on each named weight of {@code base}, seeded. */
  public static LoraFactors init(Weights base, List<String> targets, int rank, double alpha, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, double[]> v = new LinkedHashMap<>();
    for (String t : targets) {
      int[] dims = base.dims(t);
      if (rank < 1 || rank > Math.min(dims[0], dims[1])) {
        throw new IllegalArgumentException("LoRA rank " + rank + " does not fit " + t + " " + dims[0] + "x" + dims[1]);
      }
      double[] a = new double[rank * dims[1]];
      for (int i = 0; i < a.length; i++) {
        a[i] = Gaussian.next(rnd) / Math.sqrt(dims[1]);
      }
      v.put(a(t), a);
      v.put(b(t), new double[dims[0] * rank]);
    }
    return new LoraFactors(List.copyOf(targets), rank, alpha, v);
  }

  static String a(String weight) {
    return "lora." + weight + ".A";
  }

  static String b(String weight) {
    return "lora." + weight + ".B";
  }

  /** A copy of {@code base} with every target replaced by {@code W + (α/r) B A}. */
  public Weights apply(Weights base) {
    Weights w = base.copy();
    double f = alpha / rank;
    for (String t : targets) {
      int[] dims = base.dims(t);
      double[] wt = w.get(t);
      double[] av = values.get(a(t));
      double[] bv = values.get(b(t));
      for (int o = 0; o < dims[0]; o++) {
        for (int r = 0; r < rank; r++) {
          double coef = f * bv[o * rank + r];
          for (int c = 0; c < dims[1]; c++) {
            wt[o * dims[1] + c] += coef * av[r * dims[1] + c];
          }
        }
      }
    }
    return w;
  }

  /**
   * Chain rule from the adapted weights' gradients {@code G = ∂L/∂W}: {@code ∂L/∂A = (α/r) Bᵀ G} and
   * {@code ∂L/∂B = (α/r) G Aᵀ}, added to {@code grads}.
   */
  public void chain(Weights base, Map<String, double[]> weightGrads, Map<String, double[]> grads) {
    double f = alpha / rank;
    for (String t : targets) {
      int[] dims = base.dims(t);
      double[] gw = weightGrads.get(t);
      double[] av = values.get(a(t));
      double[] bv = values.get(b(t));
      double[] ga = grads.get(a(t));
      double[] gb = grads.get(b(t));
      for (int o = 0; o < dims[0]; o++) {
        for (int r = 0; r < rank; r++) {
          double bor = bv[o * rank + r];
          double acc = 0;
          for (int c = 0; c < dims[1]; c++) {
            double gv = gw[o * dims[1] + c];
            ga[r * dims[1] + c] += f * bor * gv;
            acc += gv * av[r * dims[1] + c];
          }
          gb[o * rank + r] += f * acc;
        }
      }
    }
  }
}
