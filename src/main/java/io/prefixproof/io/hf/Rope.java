package io.prefixproof.io.hf;

import io.prefixproof.model.RopeScaling;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * Rotary embedding frequencies of the LLaMA family from {@code rope_theta}, the head width and
 * {@code rope_scaling}: pair m of a head rotates by {@code pos · θ_m}, and a query-key score is multiplied
 * by {@code attentionFactor²} (YaRN multiplies both cos and sin by its attention factor). Types:
 * default; {@code linear} (θ_m / factor); {@code dynamic} (NTK: the base depends on the sequence length past
 * the trained length, as {@link RopeScaling.Kind#DYNAMIC_NTK} computes it per forward pass); {@code yarn} and
 * {@code llama3} (per-frequency interpolation, as published by Peng et al. 2023 and Meta's Llama 3.1).
 *
 * @param theta θ_m per pair m = 0 … head/2 − 1
 * @param attentionFactor the YaRN magnitude factor (1 for the other types)
 * @param scaling {@link RopeScaling#none()}, or dynamic NTK, whose frequencies {@code theta} are those up to
 *     the trained length
 */
record Rope(double[] theta, double attentionFactor, RopeScaling scaling) {

  Rope(double[] theta, double attentionFactor) {
    this(theta, attentionFactor, RopeScaling.none());
  }


  static Rope of(HfConfig c, int headDim, int maxPositions) {
    double base = c.positive("rope_theta", 10000);
    c.require("partial_rotary_factor", "every head dimension is rotated", "1", "1.0");
    double[] theta = new double[headDim / 2];
    for (int m = 0; m < theta.length; m++) {
      theta[m] = 1 / Math.pow(base, 2.0 * m / headDim);
    }
    HfConfig s = c.object("rope_scaling");
    if (s == null) {
      return new Rope(theta, 1);
    }
    String type = s.text("rope_type", null);
    String legacy = s.text("type", null);
    if (type != null && legacy != null && !type.equals(legacy)) {
      throw s.error("type", "is " + legacy + " but rope_type is " + type);
    }
    type = type == null ? legacy : type;
    if (type == null) {
      throw s.error("rope_type", "is missing");
    }
    Rope r = switch (type) {
      case "default" -> new Rope(theta, 1);
      case "linear" -> linear(s, theta);
      case "dynamic" -> dynamic(s, theta, base, maxPositions);
      case "yarn" -> yarn(s, theta, base, headDim, maxPositions);
      case "llama3" -> llama3(s, theta);
      default -> throw s.error("rope_type", "is " + type + "; supported: default, linear, dynamic, yarn, llama3");
    };
    s.finish("rope_scaling " + type);
    return r;
  }

  private static Rope linear(HfConfig s, double[] theta) {
    double factor = factor(s);
    for (int m = 0; m < theta.length; m++) {
      theta[m] /= factor;
    }
    return new Rope(theta, 1);
  }

  /**
   * Dynamic NTK (transformers' {@code _compute_dynamic_ntk_parameters}): for a sequence of length L past
   * the trained length, {@code base·(factor·L/trained − (factor − 1))^(k/(k−2))} replaces the base; up to
   * it the frequencies are the default.
   */
  private static Rope dynamic(HfConfig s, double[] theta, double base, int maxPositions) {
    double factor = factor(s);
    if (factor < 1) {
      throw s.error("factor", "is " + factor + "; dynamic scaling needs a factor of at least 1");
    }
    int trained = s.integer("original_max_position_embeddings", maxPositions);
    if (trained < 2) {
      throw s.error("original_max_position_embeddings", "is " + trained + "; the trained length must be at least 2");
    }
    return new Rope(theta, 1, new RopeScaling(RopeScaling.Kind.DYNAMIC_NTK, new BigFraction(base),
        trained, new BigFraction(factor)));
  }

  private static Rope yarn(HfConfig s, double[] theta, double base, int dim, int maxPositions) {
    double factor = factor(s);
    int original = s.integer("original_max_position_embeddings", maxPositions);
    if (original != maxPositions && factor != (double) maxPositions / original) {
      throw s.error("original_max_position_embeddings", "is " + original + " and factor " + factor
          + " is not max_position_embeddings / original_max_position_embeddings = " + maxPositions + "/" + original
          + ": transformers versions disagree which of the two scales YaRN, so the config is ambiguous");
    }
    double betaFast = s.positive("beta_fast", 32);
    double betaSlow = s.positive("beta_slow", 1);
    double mscale = s.number("mscale", 0);
    double mscaleAllDim = s.number("mscale_all_dim", 0);
    double attention = s.number("attention_factor", Double.NaN);
    boolean truncate = s.bool("truncate", true);
    if (Double.isNaN(attention)) {
      attention = mscale != 0 && mscaleAllDim != 0
          ? yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim)
          : yarnMscale(factor, 1);
    }
    double low = correctionDim(betaFast, dim, base, original);
    double high = correctionDim(betaSlow, dim, base, original);
    if (truncate) {
      low = Math.floor(low);
      high = Math.ceil(high);
    }
    low = Math.max(low, 0);
    high = Math.min(high, dim - 1);
    if (low == high) {
      high += 0.001;
    }
    for (int m = 0; m < theta.length; m++) {
      // weight of the original (extrapolated) frequency: 1 for fast-rotating pairs, 0 for slow ones
      double extrapolation = 1 - Math.min(1, Math.max(0, (m - low) / (high - low)));
      theta[m] = theta[m] / factor * (1 - extrapolation) + theta[m] * extrapolation;
    }
    return new Rope(theta, attention);
  }

  private static double yarnMscale(double factor, double mscale) {
    return factor <= 1 ? 1 : 0.1 * mscale * Math.log(factor) + 1;
  }

  /** The pair index whose wavelength fits {@code rotations} times into {@code positions}. */
  private static double correctionDim(double rotations, int dim, double base, int positions) {
    return dim * Math.log(positions / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
  }

  private static Rope llama3(HfConfig s, double[] theta) {
    double factor = factor(s);
    double lowFactor = s.positive("low_freq_factor", Double.NaN);
    double highFactor = s.positive("high_freq_factor", Double.NaN);
    if (Double.isNaN(lowFactor) || Double.isNaN(highFactor) || highFactor <= lowFactor) {
      throw s.error("high_freq_factor", "and low_freq_factor must both be given, with high > low");
    }
    int old = s.integer("original_max_position_embeddings");
    double lowWavelength = old / lowFactor;
    double highWavelength = old / highFactor;
    for (int m = 0; m < theta.length; m++) {
      double wavelength = 2 * Math.PI / theta[m];
      if (wavelength > lowWavelength) {
        theta[m] /= factor;
      } else if (wavelength >= highWavelength) {
        double smooth = (old / wavelength - lowFactor) / (highFactor - lowFactor);
        theta[m] = (1 - smooth) * theta[m] / factor + smooth * theta[m];
      }
    }
    return new Rope(theta, 1);
  }

  private static double factor(HfConfig s) {
    double f = s.positive("factor", Double.NaN);
    if (Double.isNaN(f)) {
      throw s.error("factor", "is missing");
    }
    return f;
  }
}
