package io.prefixproof.claims;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Ranks;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * What a context adaptation can reach at the outputs: greedy completions of hard and soft prompts (CAP-1),
 * and an exact certificate that no soft prompt reaches a given content output (HIER-3).
 */
public final class Reach {
  private Reach() {}

  /** The entries each varied soft-prompt coordinate takes in the CAP-1 count. */
  static final int[] GRID = {-2, -1, 0, 1, 2};

  /** How many soft-prompt coordinates the CAP-1 count varies (the others stay 0): at most 25 prompts. */
  static final int VARIED = 2;

  /**
   * The distinct greedy completions ({@code steps} tokens each) of {@code content} behind every one of the
   * {@code V^p} hard prompts of length {@code p} (CAP-1).
   */
  public static Set<List<Integer>> hardCompletions(Model<BigFraction> m, int p, int[] content, int steps) {
    int v = m.arch().vocab();
    Set<List<Integer>> out = new LinkedHashSet<>();
    for (int[] prompt : codes(v, p)) {
      int[] joined = Arrays.copyOf(prompt, p + content.length);
      System.arraycopy(content, 0, joined, p, content.length);
      out.add(boxed(Forward.generate(m, Prefix.none(), joined, steps)));
    }
    return out;
  }

  /**
   * Distinct greedy completions of {@code content} behind soft prompts of length {@code p}: the first
   * {@link #VARIED} coordinates of the prompt (row by row) run over {@link #GRID}, the others are 0, so the
   * count is a lower bound on what all soft prompts reach. Stops once more than {@code enough} are found.
   * {@code enter} maps the prompt vectors to the rows the model receives (the identity for a soft prompt;
   * a planted defect may snap them to embedding rows).
   */
  public static Set<List<Integer>> softCompletions(Model<BigFraction> m, int p, int[] content, int steps,
      BiFunction<Model<BigFraction>, Mat<BigFraction>, Mat<BigFraction>> enter, int enough) {
    int d = m.arch().dModel();
    int varied = Math.min(VARIED, p * d);
    Set<List<Integer>> out = new LinkedHashSet<>();
    for (int[] code : codes(GRID.length, varied)) {
      Mat<BigFraction> s = Mat.of(Catalogue.EXACT.field(), p, d,
          (i, j) -> i * d + j < varied ? new BigFraction(GRID[code[i * d + j]]) : BigFraction.ZERO);
      out.add(boxed(Forward.generate(m, Prefix.stream(enter.apply(m, s)), content, steps)));
      if (out.size() > enough) {
        break;
      }
    }
    return out;
  }

  /** Every word of length {@code len} over {@code 0..base-1}. */
  static List<int[]> codes(int base, int len) {
    List<int[]> out = new ArrayList<>();
    int total = (int) Math.pow(base, len);
    for (int code = 0; code < total; code++) {
      int[] w = new int[len];
      for (int i = 0, x = code; i < len; i++, x /= base) {
        w[i] = x % base;
      }
      out.add(w);
    }
    return out;
  }

  static List<Integer> boxed(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  /**
   * The model with every query weight and query bias set to zero: each query scores every key 0, so every
   * head attends uniformly to the keys its mask allows, whatever the prompt (the HIER-3 search family).
   */
  public static Model<BigFraction> uniformAttention(Model<BigFraction> m) {
    Model<BigFraction> out = m;
    for (int l = 0; l < m.arch().layers(); l++) {
      for (int h = 0; h < m.arch().heads(); h++) {
        out = zero(zero(out, Names.wq(l, h)), Names.bq(l, h));
      }
    }
    return out;
  }

  private static Model<BigFraction> zero(Model<BigFraction> m, String name) {
    if (!m.has(name)) {
      return m;
    }
    Mat<BigFraction> w = m.param(name);
    return m.with(name, Mat.zeros(w.field(), w.rows(), w.cols()));
  }

  /** The last layer's output rows at the content positions, stacked into one column ({@code n d × 1}). */
  public static <T extends FieldElement<T>> Mat<T> contentOutput(Trace<T> t) {
    Mat<T> y = t.layers().get(t.layers().size() - 1).output();
    int sp = t.streamPrefix();
    int d = y.cols();
    return Mat.of(y.field(), (y.rows() - sp) * d, 1, (r, c) -> y.get(sp + r / d, r % d));
  }

  /**
   * The content outputs of every soft prompt of length {@code p} as an affine map {@code y(S) = b + A vec(S)}:
   * {@code b} the output at S = 0, column k of {@code A} the output at the k-th unit prompt minus b.
   *
   * @param offset b, {@code n d × 1}
   * @param columns A, {@code n d × p d}
   */
  public record AffineImage<T extends FieldElement<T>>(Mat<T> offset, Mat<T> columns) {

    /** The affine prediction for the soft prompt {@code s}. */
    Mat<T> at(Mat<T> s) {
      Mat<T> y = offset;
      for (int k = 0; k < columns.cols(); k++) {
        T sk = s.get(k / s.cols(), k % s.cols());
        Mat<T> col = columns.cols(k, k + 1);
        y = y.plus(col.scale(sk));
      }
      return y;
    }

    /** True when {@code target} equals {@code b + A x} for some real x (exact rank test). */
    boolean contains(Mat<T> target) {
      return Ranks.inColumnSpan(columns, target.minus(offset));
    }
  }

  /** Interpolates the soft-prompt output map of {@code m} on {@code content} at S = 0 and the unit prompts. */
  public static <T extends FieldElement<T>> AffineImage<T> softImage(Model<T> m, Content<T> content, int p) {
    Arith<T> ar = m.arith();
    int d = m.arch().dModel();
    Mat<T> zero = Mat.zeros(ar.field(), p, d);
    Mat<T> b = contentOutput(Forward.run(m, Prefix.stream(zero), content));
    Mat<T> a = null;
    for (int k = 0; k < p * d; k++) {
      Mat<T> unit = zero.with(k / d, k % d, ar.one());
      Mat<T> col = contentOutput(Forward.run(m, Prefix.stream(unit), content)).minus(b);
      a = a == null ? col : a.hstack(col);
    }
    return new AffineImage<>(b, a);
  }

  /**
   * An exact certificate that no soft prompt of length p reaches {@code target} on a model whose
   * attention does not depend on the prompt ({@link #uniformAttention}): there every layer is affine in
   * the prompt rows, so the soft prompts' content outputs are exactly the affine set {@link #softImage}.
   * The map is confirmed affine at a probe prompt off the interpolation points (entries (k + 2)/3); the
   * certificate is that target − b lies outside the column span of A. False when either step fails.
   */
  public static <T extends FieldElement<T>> boolean noSoftPromptReaches(Model<T> m, Content<T> content, int p,
      Mat<T> target) {
    int d = m.arch().dModel();
    Arith<T> ar = m.arith();
    Mat<T> probe = Mat.of(ar.field(), p, d, (i, j) -> ar.of(new BigFraction(i * d + j + 2, 3)));
    AffineImage<T> image = softImage(m, content, p);
    Mat<T> atProbe = contentOutput(Forward.run(m, Prefix.stream(probe), content));
    return image.at(probe).equals(atProbe) && !image.contains(target);
  }
}
