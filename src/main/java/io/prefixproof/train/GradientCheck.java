package io.prefixproof.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Compares analytic gradients with central finite differences, entry by entry, with a tolerance derived
 * from the step. For a step h, {@code D(h) = (f(θ + h e_i) − f(θ − h e_i))/2h} differs from {@code ∂_i f} by
 * the truncation {@code c h² + O(h⁴)} and by rounding: if each evaluation of f is off by at most δ,
 * {@code D(h)} is off by at most δ/h. Since {@code D(2h) − D(h) = 3 c h² + O(h⁴)}, the truncation at h is
 * estimated by {@code |D(2h) − D(h)|/3}; the tolerance doubles that estimate and adds the rounding bound
 * of both differences: {@code tol = (2/3)|D(2h) − D(h)| + 2δ/h + 3δ/(2h)}, the last term for the rounding
 * inside the estimate itself.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** One compared entry. */
  public record Entry(String name, int index, double analytic, double numeric, double tolerance) {
    public boolean holds() {
      return Math.abs(analytic - numeric) <= tolerance;
    }

    @Override
    public String toString() {
      return name + "[" + index + "]: analytic " + analytic + ", central difference " + numeric + ", tolerance "
          + tolerance;
    }
  }

  /**
   * Every entry of every array in {@code params} (live: perturbed in place and restored), with {@code f}
   * re-evaluating the loss from them; {@code grads} holds the analytic gradient under the same names.
   *
   * @param h the step
   * @param delta a bound on the rounding error of one evaluation of f
   */
  public static List<Entry> check(DoubleSupplier f, Map<String, double[]> params, Map<String, double[]> grads,
      double h, double delta) {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<String, double[]> e : params.entrySet()) {
      double[] x = e.getValue();
      double[] g = grads.get(e.getKey());
      for (int i = 0; i < x.length; i++) {
        double d1 = central(f, x, i, h);
        double d2 = central(f, x, i, 2 * h);
        double tol = 2.0 / 3 * Math.abs(d2 - d1) + 2 * delta / h + 1.5 * delta / h;
        out.add(new Entry(e.getKey(), i, g[i], d1, tol));
      }
    }
    return out;
  }

  private static double central(DoubleSupplier f, double[] x, int i, double h) {
    double keep = x[i];
    x[i] = keep + h;
    double up = f.getAsDouble();
    x[i] = keep - h;
    double down = f.getAsDouble();
    x[i] = keep;
    return (up - down) / (2 * h);
  }

  /**
   * A bound on the rounding error of one loss evaluation: u·N·max(1, |f|), N the multiply-adds of one forward
   * pass over the batch (each rounding contributes at most u relative to quantities the loss is built from,
   * which stay within max(1, |f|) times the product's condition in the small models checked here).
   */
  public static double roundingBound(Gpt g, int positions, double loss) {
    long perPosition = (long) g.layers() * (4L * g.dModel() * g.dModel() + 2L * g.dModel() * g.hidden()
        + 2L * positions * g.dModel()) + (long) g.vocab() * g.dModel();
    return Math.ulp(1.0) / 2 * perPosition * positions * Math.max(1, Math.abs(loss));
  }
}
