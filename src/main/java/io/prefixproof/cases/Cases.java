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
   * Random exact weights for {@code a}, in a fixed layout: every weight has its place at the largest shape
   * the options allow (layers, heads and dimensions at their maxima, biases, norms and position weights
   * always), and {@code a} draws only the entries of its own shape there, skipping the others
   * ({@link Source#skip}: recorded as cropped, not drawn). The choice sequence has one layout for every
   * shape, so when the shrinker lowers a shape choice the entries keep their meaning and the case shrinks
   * to fewer layers, heads and dimensions without losing what made it fail; a small shape costs only its
   * own entries to generate and to shrink. RoPE rotations come from Pythagorean triples.
   */
  public static Gen<Model<BigFraction>> weights(Architecture a, CaseOptions o, Arith<BigFraction> arith) {
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
    Entries e = new Entries(entries(o));
    Entries slopes = new Entries(Gen.rationals(0, 3, 3));
    return s -> {
      Map<String, Mat<BigFraction>> p = new LinkedHashMap<>();
      Map<String, int[]> shapes = Model.shapes(a);
      if (a.vocab() > 0) {
        put(p, shapes, Names.EMBED, s, e, a.vocab(), maxD);
        put(p, shapes, Names.UNEMBED, s, e, a.vocab(), maxD);
      }
      put(p, shapes, Names.POS, s, e, Math.max(maxCtx, a.maxContext()), maxD);
      put(p, shapes, Names.ALIBI, s, slopes, 1, maxH);
      int[] rope = shapes.get(Names.ROPE_COS);
      int[] which = new int[rope == null ? 0 : rope[1]];
      for (int m = 0; m < which.length; m++) {
        which[m] = (int) s.choice(TRIPLES.length - 1);
      }
      s.skip(maxK / 2 - which.length);
      if (rope != null) {
        p.put(Names.ROPE_COS, Mat.of(BigFractionField.getInstance(), 1, which.length,
            (i, j) -> new BigFraction(TRIPLES[which[j]][0], TRIPLES[which[j]][2])));
        p.put(Names.ROPE_SIN, Mat.of(BigFractionField.getInstance(), 1, which.length,
            (i, j) -> new BigFraction(TRIPLES[which[j]][1], TRIPLES[which[j]][2])));
      }
      for (int l = 0; l < maxL; l++) {
        put(p, shapes, Names.ln1g(l), s, e, 1, maxD);
        put(p, shapes, Names.ln1b(l), s, e, 1, maxD);
        for (int h = 0; h < maxH; h++) {
          put(p, shapes, Names.wq(l, h), s, e, maxK, maxD);
          put(p, shapes, Names.wk(l, h), s, e, maxK, maxD);
          put(p, shapes, Names.wv(l, h), s, e, maxKv, maxD);
          put(p, shapes, Names.bq(l, h), s, e, 1, maxK);
          put(p, shapes, Names.bk(l, h), s, e, 1, maxK);
          put(p, shapes, Names.bv(l, h), s, e, 1, maxKv);
        }
        // head h's columns of W_O sit at h*maxKv in the full layout: rows (i, h) of a (maxD*maxH) x maxKv grid
        boolean hasWo = shapes.containsKey(Names.wo(l));
        int heads = a.heads();
        List<BigFraction> wo = block(s, e, maxD * maxH, maxKv,
            r -> hasWo && r / maxH < a.dModel() && r % maxH < heads, hasWo ? a.dValue() : 0);
        if (hasWo) {
          p.put(Names.wo(l), Mat.of(BigFractionField.getInstance(), a.dModel(), heads * a.dValue(),
              (i, j) -> wo.get(i * heads * a.dValue() + j)));
        }
        put(p, shapes, Names.bo(l), s, e, 1, maxD);
        put(p, shapes, Names.ln2g(l), s, e, 1, maxD);
        put(p, shapes, Names.ln2b(l), s, e, 1, maxD);
        put(p, shapes, Names.w1(l), s, e, maxM, maxD);
        put(p, shapes, Names.c1(l), s, e, 1, maxM);
        put(p, shapes, Names.w2(l), s, e, maxD, maxM);
        put(p, shapes, Names.c2(l), s, e, 1, maxD);
      }
      return new Model<>(a, arith, p);
    };
  }

  /**
   * Draws weight {@code name} at its place in a {@code maxRows × maxCols} layout: the top-left block of the
   * architecture's shape for it, or nothing (every position skipped) when the architecture has no such
   * weight.
   */
  private static void put(Map<String, Mat<BigFraction>> p, Map<String, int[]> shapes, String name, Source s,
      Entries g, int maxRows, int maxCols) {
    int[] sh = shapes.get(name);
    Mat<BigFraction> m = block(s, g, maxRows, maxCols, sh == null ? 0 : sh[0], sh == null ? 0 : sh[1]);
    if (sh != null) {
      p.put(name, m);
    }
  }

  /**
   * The top-left {@code rows × cols} block of a {@code maxRows × maxCols} matrix laid out row by row: draws
   * those entries from {@code g} and {@linkplain Source#skip skips} the positions of the others, so that
   * the block keeps its positions in the choice sequence whatever its size. {@code g} must make the same
   * number of choices on every draw (as {@link Gen#rationals} does).
   */
  public static Mat<BigFraction> block(Source s, Gen<BigFraction> g, int maxRows, int maxCols, int rows, int cols) {
    return block(s, new Entries(g), maxRows, maxCols, rows, cols);
  }

  /** An entry generator and the number of choices each of its draws makes. */
  private record Entries(Gen<BigFraction> gen, int width) {
    Entries(Gen<BigFraction> gen) {
      this(gen, Cases.width(gen));
    }
  }

  private static Mat<BigFraction> block(Source s, Entries g, int maxRows, int maxCols, int rows, int cols) {
    if (rows > maxRows || cols > maxCols) {
      throw new IllegalArgumentException("block " + rows + "x" + cols + " exceeds its layout " + maxRows + "x"
          + maxCols);
    }
    List<BigFraction> v = block(s, g, maxRows, maxCols, r -> r < rows, cols);
    return Mat.of(BigFractionField.getInstance(), rows, cols, (i, j) -> v.get(i * cols + j));
  }

  /** The entries of the first {@code cols} columns of the rows {@code used} accepts, skipping every other position. */
  private static List<BigFraction> block(Source s, Entries g, int maxRows, int maxCols,
      java.util.function.IntPredicate used, int cols) {
    int width = g.width();
    List<BigFraction> v = new ArrayList<>();
    int skipped = 0;
    for (int r = 0; r < maxRows; r++) {
      if (!used.test(r)) {
        skipped += maxCols * width;
        continue;
      }
      s.skip(skipped);
      for (int j = 0; j < cols; j++) {
        v.add(g.gen().generate(s));
      }
      skipped = (maxCols - cols) * width;
    }
    s.skip(skipped);
    return v;
  }

  /** How many choices one draw of {@code g} makes (fixed-width generators such as {@link Gen#rationals}). */
  static int width(Gen<?> g) {
    Source probe = Source.replay(new long[0]);
    g.generate(probe);
    return probe.choices().length;
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
   * A random prefix of the given kind and length for the model, in the options' largest layout (as
   * {@link #weights}): residual rows for every layer, then keys and values for every layer and head. Every
   * kind has the same layout and draws only the part it uses, so the kind can shrink too.
   */
  public static Prefix<BigFraction> prefix(Source s, Model<BigFraction> m, Prefix.Kind kind, int p, CaseOptions o) {
    Architecture a = m.arch();
    Entries g = new Entries(entries(o));
    int maxP = o.prefix()[1];
    int maxD = o.dModel()[1];
    int maxK = ropeWidth(o.dHead()[1]);
    int maxKv = o.dValue()[1];
    List<Mat<BigFraction>> rows = new ArrayList<>();
    List<List<Mat<BigFraction>>> keys = new ArrayList<>();
    List<List<Mat<BigFraction>>> values = new ArrayList<>();
    for (int l = 0; l < o.layers()[1]; l++) {
      boolean layer = l < a.layers();
      boolean residual = kind == Prefix.Kind.RESIDUAL || kind == Prefix.Kind.STREAM && l == 0;
      Mat<BigFraction> r = block(s, g, maxP, maxD, layer && residual ? p : 0, a.dModel());
      List<Mat<BigFraction>> kl = new ArrayList<>();
      List<Mat<BigFraction>> vl = new ArrayList<>();
      for (int h = 0; h < o.heads()[1]; h++) {
        int used = layer && h < a.heads() && kind == Prefix.Kind.KEY_VALUE ? p : 0;
        kl.add(block(s, g, maxP, maxK, used, a.dHead()));
        vl.add(block(s, g, maxP, maxKv, used, a.dValue()));
      }
      if (layer) {
        rows.add(r);
        keys.add(kl.subList(0, a.heads()));
        values.add(vl.subList(0, a.heads()));
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
   * each in the largest layout with only the drawn shape's entries drawn; {@code withOther} also draws a
   * second content.
   */
  public static Gen<PrefixCase<BigFraction>> exact(CaseOptions o, Arith<BigFraction> arith, boolean withOther) {
    Entries entry = new Entries(entries(o));
    return s -> {
      int n = draw(s, o.content());
      int p = draw(s, o.prefix());
      Prefix.Kind kind = pick(s, o.kinds());
      Architecture a = architectures(o, 0, n + p + 1).generate(s);
      Model<BigFraction> m = weights(a, o, arith).generate(s);
      Prefix<BigFraction> prefix = prefix(s, m, kind, p, o);
      int maxN = o.content()[1];
      int maxD = o.dModel()[1];
      Mat<BigFraction> content = block(s, entry, maxN, maxD, n, a.dModel());
      Mat<BigFraction> other = withOther ? block(s, entry, maxN, maxD, n, a.dModel()) : null;
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
