package io.prefixproof.train;

import io.prefixproof.model.Prefix;
import io.prefixproof.fast.FastModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * A trainable context adaptation of {@code p} positions in one of the three forms the project's {@link Prefix}
 * defines, held as named flat arrays so the optimiser treats it like weights:
 *
 * <ul>
 *   <li>{@link Prefix.Kind#STREAM} (soft prompt): {@code prefix.stream}, p × d layer-1 input rows, position
 *       embeddings 0..p−1 added.
 *   <li>{@link Prefix.Kind#RESIDUAL} (the companion code's prefix): {@code prefix.L<l>}, p × d rows that replace
 *       the stream rows of positions 0..p−1 before layer l.
 *   <li>{@link Prefix.Kind#KEY_VALUE}: {@code prefix.L<l>.h<h>.k} and {@code .v}, p × d/H keys and values.
 * </ul>
 *
 * In every form the content occupies positions p.. and sees every prefix position.
 *
 * @param kind the form
 * @param length p
 * @param values the arrays by name (live)
 */
public record TrainPrefix(Prefix.Kind kind, int length, Map<String, double[]> values) {

  /** No prefix. */
  public static TrainPrefix none() {
    return new TrainPrefix(Prefix.Kind.NONE, 0, Map.of());
  }

  /** Name of the soft prompt's rows. */
  public static final String STREAM = "prefix.stream";

  /** Name of layer l's residual prefix rows. */
  public static String residual(int l) {
    return "prefix.L" + l;
  }

  /** Name of the free keys of layer l, head h. */
  public static String keys(int l, int h) {
    return "prefix.L" + l + ".h" + h + ".k";
  }

  /** Name of the free values of layer l, head h. */
  public static String values(int l, int h) {
    return "prefix.L" + l + ".h" + h + ".v";
  }

  /**
   * A prefix of the given form with entries drawn from N(0, std²) (the companion code draws its prefixes from
   * N(0, 1)).
   */
  public static TrainPrefix random(Gpt g, Prefix.Kind kind, int p, double std, long seed) {
    if (p < 1) {
      throw new IllegalArgumentException("a prefix needs at least one position, got " + p);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, double[]> v = new LinkedHashMap<>();
    switch (kind) {
      case STREAM -> v.put(STREAM, draw(rnd, p * g.dModel(), std));
      case RESIDUAL -> {
        for (int l = 0; l < g.layers(); l++) {
          v.put(residual(l), draw(rnd, p * g.dModel(), std));
        }
      }
      case KEY_VALUE -> {
        for (int l = 0; l < g.layers(); l++) {
          for (int h = 0; h < g.heads(); h++) {
            v.put(keys(l, h), draw(rnd, p * g.dHead(), std));
            v.put(values(l, h), draw(rnd, p * g.dHead(), std));
          }
        }
      }
      case NONE -> throw new IllegalArgumentException("a random prefix needs a form, got NONE");
    }
    return new TrainPrefix(kind, p, v);
  }

  private static double[] draw(SplittableRandom rnd, int n, double std) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = std * Gaussian.next(rnd);
    }
    return a;
  }

  /** A deep copy. */
  public TrainPrefix copy() {
    Map<String, double[]> v = new LinkedHashMap<>();
    values.forEach((k, a) -> v.put(k, a.clone()));
    return new TrainPrefix(kind, length, v);
  }

  /** Number of free parameters. */
  public long count() {
    return values.values().stream().mapToLong(a -> a.length).sum();
  }

  /** The array of one part. */
  public double[] get(String name) {
    double[] a = values.get(name);
    if (a == null) {
      throw new IllegalArgumentException("prefix has no part " + name);
    }
    return a;
  }

  /** Runs the double engine with this prefix in front of {@code tokens}. */
  public FastModel.Trace runOn(FastModel m, int[] tokens) {
    int dm = m.arch().dModel();
    int dh = m.arch().dHead();
    DMatrixRMaj content = m.embed(tokens);
    return switch (kind) {
      case NONE -> m.run(Prefix.Kind.NONE, 0, content, null, null, null, null);
      case STREAM -> m.run(kind, length, content, new DMatrixRMaj(length, dm, true, get(STREAM)), null, null, null);
      case RESIDUAL -> m.run(kind, length, content, null, java.util.stream.IntStream.range(0, m.arch().layers())
          .mapToObj(l -> new DMatrixRMaj(length, dm, true, get(residual(l)))).toList(), null, null);
      case KEY_VALUE -> m.run(kind, length, content, null, null,
          perHead(m, (l, h) -> new DMatrixRMaj(length, dh, true, get(keys(l, h)))),
          perHead(m, (l, h) -> new DMatrixRMaj(length, dh, true, get(values(l, h)))));
    };
  }

  private static List<List<DMatrixRMaj>> perHead(FastModel m,
      java.util.function.BiFunction<Integer, Integer, DMatrixRMaj> f) {
    return java.util.stream.IntStream.range(0, m.arch().layers()).mapToObj(l -> java.util.stream.IntStream
        .range(0, m.arch().heads()).mapToObj(h -> f.apply(l, h)).toList()).toList();
  }
}
