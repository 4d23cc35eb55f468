package io.prefixproof.cases;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import io.prefixproof.property.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.apache.commons.math3.fraction.BigFractionField;

/** Generators of random exact models, prefixes and inputs, built on the property engine. */
public final class Cases {
  private Cases() {}

  /** Pythagorean triples (a, b, c): cos θ = a/c, sin θ = b/c is an exact rational rotation. */
  private static final int[][] TRIPLES = {{3, 4, 5}, {5, 12, 13}, {8, 15, 17}, {7, 24, 25}, {20, 21, 29}, {12, 35, 37}};

  /** A random architecture from the options (shapes first, then flags). */
  /** Leading choices of an {@link #exact} case that describe its shape (counts, kinds, dimensions, flags). */
  public static final int SHAPE_CHOICES = 16;

  /** Extra random cases drawn after a first failure, so shrinking starts from the smallest failing shape. */
  public static final int MORE_AFTER_FAILURE = 50;

  /**
   * A property over model cases with the settings that let shrinking reach minimal shapes: the first
   * {@link #SHAPE_CHOICES} choices minimised first (and resampled at smaller shapes), and
   * {@link #MORE_AFTER_FAILURE} more cases drawn after the first failure.
   */
  public static <T> Property<T> property(String name, Gen<T> gen) {
    return Property.of(name, gen).moreAfterFailure(MORE_AFTER_FAILURE).shapeFirst(SHAPE_CHOICES);
  }

  /** A random architecture from the options (shapes first, then flags). */
  public static Gen<Architecture> architectures(CaseOptions o, int vocab, int maxContext) {
    return s -> {
      int layers = draw(s, o.layers());
      int heads = draw(s, o.heads());
      int d = draw(s, o.dModel());
      Architecture.PositionKind pos = pick(s, o.positions());
      int k = draw(s, o.dHead());
      if (pos == Architecture.PositionKind.ROPE) {
        k = ropeWidth(k);
      }
      int kv = draw(s, o.dValue());
      int mlp = draw(s, o.mlpHidden());
      Architecture.Mask mask = pick(s, o.masks());
      Architecture.NormKind norm = pick(s, o.norms());
      boolean biases = o.biases() == 2 || (o.biases() == 1 && s.choice(1) == 1);
      boolean post = o.postNorm() && norm != Architecture.NormKind.NONE && s.choice(1) == 1;
      return Architecture.builder(d).vocab(vocab).layers(layers).heads(heads).dHead(k).dValue(kv)
          .mlp(mlp, Architecture.Activation.RELU).norm(norm, false).postNorm(post).attnBiases(biases).mask(mask).positions(pos)
          .maxContext(maxContext).scale(ScoreScale.fixed(BigFraction.ONE)).build();
    };
  }

  /**
   * Random exact weights for {@code a}. Every weight is drawn at the largest shape the options allow
   * (layers, heads and dimensions at their maxima, biases, norms and position weights always) and then
   * cropped to {@code a}: the choice sequence has one layout for every shape, so when the shrinker lowers
   * a shape choice the entries keep their meaning and the case shrinks to fewer layers, heads and
   * dimensions without losing what made it fail. RoPE rotations come from Pythagorean triples.
   */
  public static Gen<Model<BigFraction>> weights(Architecture a, CaseOptions o, Arith<BigFraction> arith) {
    Gen<BigFraction> entry = entries(o);
    if (a.layers() > o.layers()[1] || a.heads() > o.heads()[1] || a.dModel() > o.dModel()[1]
        || a.dValue() > o.dValue()[1] || a.mlpHidden() > o.mlpHidden()[1]) {
      throw new IllegalArgumentException("architecture " + a.summary() + " exceeds the options' largest shape");
    }
    int maxL = o.layers()[1];
    int maxH = o.heads()[1];
    int maxD = o.dModel()[1];
    int maxK = ropeWidth(o.dHead()[1]);
    int maxKv = o.dValue()[1];
    int maxM = Math.max(1, o.mlpHidden()[1]);
    int maxCtx = o.content()[1] + o.prefix()[1] + 1;
    return s -> {
      Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
      Map<String, int[]> shapes = Model.shapes(a);
      if (a.vocab() > 0) {
        put(p, shapes, Names.EMBED, matrix(s, entry, a.vocab(), maxD));
        put(p, shapes, Names.UNEMBED, matrix(s, entry, a.vocab(), maxD));
      }
      put(p, shapes, Names.POS, matrix(s, entry, Math.max(maxCtx, a.maxContext()), maxD));
      put(p, shapes, Names.ALIBI, matrix(s, Gen.rationals(0, 3, 3), 1, maxH));
      int[] which = new int[maxK / 2];
      for (int m = 0; m < which.length; m++) {
        which[m] = (int) s.choice(TRIPLES.length - 1);
      }
      put(p, shapes, Names.ROPE_COS, Mat.of(BigFractionField.getInstance(), 1, which.length,
          (i, j) -> new BigFraction(TRIPLES[which[j]][0], TRIPLES[which[j]][2])));
      put(p, shapes, Names.ROPE_SIN, Mat.of(BigFractionField.getInstance(), 1, which.length,
          (i, j) -> new BigFraction(TRIPLES[which[j]][1], TRIPLES[which[j]][2])));
      for (int l = 0; l < maxL; l++) {
        put(p, shapes, Names.ln1g(l), matrix(s, entry, 1, maxD));
        put(p, shapes, Names.ln1b(l), matrix(s, entry, 1, maxD));
        for (int h = 0; h < maxH; h++) {
          put(p, shapes, Names.wq(l, h), matrix(s, entry, maxK, maxD));
          put(p, shapes, Names.wk(l, h), matrix(s, entry, maxK, maxD));
          put(p, shapes, Names.wv(l, h), matrix(s, entry, maxKv, maxD));
          put(p, shapes, Names.bq(l, h), matrix(s, entry, 1, maxK));
          put(p, shapes, Names.bk(l, h), matrix(s, entry, 1, maxK));
          put(p, shapes, Names.bv(l, h), matrix(s, entry, 1, maxKv));
        }
        Mat<BigFraction> wo = matrix(s, entry, maxD, maxH * maxKv);
        if (shapes.containsKey(Names.wo(l))) {
          // head h's columns sit at h*maxKv in the full layout
          p.put(Names.wo(l), Mat.of(wo.field(), a.dModel(), a.heads() * a.dValue(),
              (i, j) -> wo.get(i, (j / a.dValue()) * maxKv + j % a.dValue())));
        }
        put(p, shapes, Names.bo(l), matrix(s, entry, 1, maxD));
        put(p, shapes, Names.ln2g(l), matrix(s, entry, 1, maxD));
        put(p, shapes, Names.ln2b(l), matrix(s, entry, 1, maxD));
        put(p, shapes, Names.w1(l), matrix(s, entry, maxM, maxD));
        put(p, shapes, Names.c1(l), matrix(s, entry, 1, maxM));
        put(p, shapes, Names.w2(l), matrix(s, entry, maxD, maxM));
        put(p, shapes, Names.c2(l), matrix(s, entry, 1, maxD));
      }
      return new Model<>(a, arith, p);
    };
  }

  /** Keeps {@code full} cropped to the architecture's shape for {@code name}, if it has that weight. */
  private static void put(Map<String, Mat<BigFraction>> p, Map<String, int[]> shapes, String name,
      Mat<BigFraction> full) {
    int[] sh = shapes.get(name);
    if (sh != null) {
      p.put(name, full.rows(0, sh[0]).cols(0, sh[1]));
    }
  }

  private static int ropeWidth(int k) {
    return 2 * Math.max(1, (k + 1) / 2);
  }

  public static Gen<BigFraction> entries(CaseOptions o) {
    return Gen.rationals(o.numerators()[0], o.numerators()[1], o.maxDenominator());
  }

  /** A {@code rows × cols} matrix of entries drawn from {@code g}, row by row. */
  public static Mat<BigFraction> matrix(Source s, Gen<BigFraction> g, int rows, int cols) {
    List<BigFraction> v = new ArrayList<>(rows * cols);
    for (int i = 0; i < rows * cols; i++) {
      v.add(g.generate(s));
    }
    return Mat.of(BigFractionField.getInstance(), rows, cols, (i, j) -> v.get(i * cols + j));
  }

  /**
   * A random prefix of the given kind and length for the model, drawn at the options' largest layout
   * (as {@link #weights}) and cropped. Every kind draws the same choices, so the kind can shrink too.
   */
  public static Prefix<BigFraction> prefix(Source s, Model<BigFraction> m, Prefix.Kind kind, int p, CaseOptions o) {
    Architecture a = m.arch();
    Gen<BigFraction> g = entries(o);
    int maxP = o.prefix()[1];
    int maxD = o.dModel()[1];
    int maxK = ropeWidth(o.dHead()[1]);
    int maxKv = o.dValue()[1];
    List<Mat<BigFraction>> rows = new ArrayList<>();
    List<List<Mat<BigFraction>>> keys = new ArrayList<>();
    List<List<Mat<BigFraction>>> values = new ArrayList<>();
    for (int l = 0; l < o.layers()[1]; l++) {
      Mat<BigFraction> r = matrix(s, g, maxP, maxD);
      if (l < a.layers()) {
        rows.add(r.rows(0, p).cols(0, a.dModel()));
      }
      List<Mat<BigFraction>> kl = new ArrayList<>();
      List<Mat<BigFraction>> vl = new ArrayList<>();
      for (int h = 0; h < o.heads()[1]; h++) {
        Mat<BigFraction> k = matrix(s, g, maxP, maxK);
        Mat<BigFraction> v = matrix(s, g, maxP, maxKv);
        if (h < a.heads()) {
          kl.add(k.rows(0, p).cols(0, a.dHead()));
          vl.add(v.rows(0, p).cols(0, a.dValue()));
        }
      }
      if (l < a.layers()) {
        keys.add(kl);
        values.add(vl);
      }
    }
    return switch (kind) {
      case NONE -> Prefix.none();
      case STREAM -> Prefix.stream(rows.get(0));
      case RESIDUAL -> Prefix.residual(rows);
      case KEY_VALUE -> Prefix.keyValue(keys, values);
    };
  }

  /**
   * Whole exact cases: shape (layers, heads, dims, n, p, kind) first, then weights, prefix and content,
   * each at the largest layout and cropped; {@code withOther} also draws a second content.
   */
  public static Gen<PrefixCase<BigFraction>> exact(CaseOptions o, Arith<BigFraction> arith, boolean withOther) {
    Gen<BigFraction> entry = entries(o);
    return s -> {
      int n = draw(s, o.content());
      int p = draw(s, o.prefix());
      Prefix.Kind kind = pick(s, o.kinds());
      Architecture a = architectures(o, 0, n + p + 1).generate(s);
      Model<BigFraction> m = weights(a, o, arith).generate(s);
      Prefix<BigFraction> prefix = prefix(s, m, kind, p, o);
      int maxN = o.content()[1];
      int maxD = o.dModel()[1];
      Mat<BigFraction> content = matrix(s, entry, maxN, maxD).rows(0, n).cols(0, a.dModel());
      Mat<BigFraction> other = withOther ? matrix(s, entry, maxN, maxD).rows(0, n).cols(0, a.dModel()) : null;
      return new PrefixCase<>(m, prefix, content, other);
    };
  }

  static int draw(Source s, int[] range) {
    return range[0] + (int) s.choice(range[1] - range[0]);
  }

  static <E> E pick(Source s, List<E> options) {
    return options.get((int) s.choice(options.size() - 1));
  }
}
