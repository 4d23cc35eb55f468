package io.prefixproof.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as PyTorch computes it (decoupled weight decay first, then the bias-corrected Adam step with
 * ε = 10⁻⁸), preceded by clipping of the gradients' global norm as {@code clip_grad_norm_} does:
 * every gradient times {@code min(1, max/(‖g‖ + 10⁻⁶))}. minGPT's settings: betas (0.9, 0.95), clip 1.
 */
public final class AdamW {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double clip;
  private final Map<String, double[]> m = new LinkedHashMap<>();
  private final Map<String, double[]> v = new LinkedHashMap<>();
  private int step;

  public AdamW(double lr, double beta1, double beta2, double clip) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.clip = clip;
  }

  /** minGPT's optimiser: betas (0.9, 0.95), gradients clipped to norm 1. */
  public static AdamW minGpt(double lr) {
    return new AdamW(lr, 0.9, 0.95, 1.0);
  }

  /** The global ℓ2 norm of the gradients. */
  public static double norm(Map<String, double[]> grads) {
    double s = 0;
    for (double[] g : grads.values()) {
      for (double x : g) {
        s += x * x;
      }
    }
    return Math.sqrt(s);
  }

  /** Clips {@code grads} in place, then updates {@code params} in place; returns the norm before clipping. */
  public double step(Tuning t, Map<String, double[]> grads) {
    double norm = norm(grads);
    double coef = Math.min(1, clip / (norm + 1e-6));
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    for (Map.Entry<String, double[]> e : t.parameters().entrySet()) {
      double[] p = e.getValue();
      double[] g = grads.get(e.getKey());
      double[] mm = m.computeIfAbsent(e.getKey(), k -> new double[p.length]);
      double[] vv = v.computeIfAbsent(e.getKey(), k -> new double[p.length]);
      double decay = 1 - lr * t.weightDecay(e.getKey());
      for (int i = 0; i < p.length; i++) {
        double gi = g[i] * coef;
        p[i] *= decay;
        mm[i] = beta1 * mm[i] + (1 - beta1) * gi;
        vv[i] = beta2 * vv[i] + (1 - beta2) * gi * gi;
        p[i] -= lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + 1e-8);
      }
    }
    return norm;
  }
}
