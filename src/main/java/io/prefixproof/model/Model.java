package io.prefixproof.model;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.FieldElement;

/**
 * A transformer: an {@link Architecture}, an arithmetic mode, and named weights. Construction checks
 * that every weight the architecture needs is present with its shape, that nothing else is, and that no
 * entry is NaN or infinite. Immutable; {@link #with} returns a changed copy.
 *
 * @param <T> the scalar type
 */
public final class Model<T extends FieldElement<T>> {
  private final Architecture arch;
  private final Arith<T> arith;
  private final Map<String, Mat<T>> params;

  public Model(Architecture arch, Arith<T> arith, Map<String, Mat<T>> params) {
    this.arch = arch;
    this.arith = arith;
    Map<String, int[]> expected = shapes(arch);
    for (Map.Entry<String, int[]> e : expected.entrySet()) {
      Mat<T> m = params.get(e.getKey());
      int[] s = e.getValue();
      if (m == null) {
        throw new IllegalArgumentException(
            "missing weight " + e.getKey() + " (expected shape " + s[0] + "x" + s[1] + ") for " + arch.summary());
      }
      if (m.rows() != s[0] || m.cols() != s[1]) {
        throw new IllegalArgumentException(
            "weight " + e.getKey() + " has shape " + m.shape() + ", expected " + s[0] + "x" + s[1]);
      }
      for (int i = 0; i < m.rows(); i++) {
        for (int j = 0; j < m.cols(); j++) {
          if (arith.isNonFinite(m.get(i, j))) {
            throw new IllegalArgumentException(
                "weight " + e.getKey() + " has the non-finite value " + m.get(i, j) + " at (" + i + ", " + j + ")");
          }
        }
      }
    }
    for (String name : params.keySet()) {
      if (!expected.containsKey(name)) {
        throw new IllegalArgumentException("unexpected weight " + name + " for " + arch.summary());
      }
    }
    LinkedHashMap<String, Mat<T>> ordered = new LinkedHashMap<>();
    expected.keySet().forEach(k -> ordered.put(k, params.get(k)));
    this.params = Collections.unmodifiableMap(ordered);
  }

  /** Every weight name the architecture needs, in a fixed order, with its {rows, cols}. */
  public static Map<String, int[]> shapes(Architecture a) {
    Map<String, int[]> s = new LinkedHashMap<>();
    int d = a.dModel();
    if (a.vocab() > 0) {
      s.put(Names.EMBED, new int[] {a.vocab(), d});
    }
    switch (a.positions()) {
      case LEARNED -> s.put(Names.POS, new int[] {a.maxContext(), d});
      case ROPE -> {
        if (a.ropeScaling().usesRotationWeights()) {
          s.put(Names.ROPE_COS, new int[] {1, a.dHead() / 2});
          s.put(Names.ROPE_SIN, new int[] {1, a.dHead() / 2});
        }
      }
      case ALIBI -> s.put(Names.ALIBI, new int[] {1, a.heads()});
      case NONE -> {}
    }
    for (int l = 0; l < a.layers(); l++) {
      if (a.norm() != Architecture.NormKind.NONE && (a.postNorm() || a.attentionNorm())) {
        s.put(Names.ln1g(l), new int[] {1, d});
        if (a.norm().hasBias()) {
          s.put(Names.ln1b(l), new int[] {1, d});
        }
      }
      for (int h = 0; h < a.heads(); h++) {
        s.put(Names.wq(l, h), new int[] {a.dHead(), d});
        s.put(Names.wk(l, h), new int[] {a.dHead(), d});
        s.put(Names.wv(l, h), new int[] {a.dValue(), d});
        if (a.attnBiases()) {
          s.put(Names.bq(l, h), new int[] {1, a.dHead()});
          s.put(Names.bk(l, h), new int[] {1, a.dHead()});
          s.put(Names.bv(l, h), new int[] {1, a.dValue()});
        }
      }
      s.put(Names.wo(l), new int[] {d, a.heads() * a.dValue()});
      if (a.attnBiases()) {
        s.put(Names.bo(l), new int[] {1, d});
      }
      if (a.mlpHidden() > 0) {
        if (a.norm() != Architecture.NormKind.NONE) {
          s.put(Names.ln2g(l), new int[] {1, d});
          if (a.norm().hasBias()) {
            s.put(Names.ln2b(l), new int[] {1, d});
          }
        }
        s.put(Names.w1(l), new int[] {a.mlpHidden(), d});
        if (a.activation() == Architecture.Activation.SWIGLU) {
          s.put(Names.wg(l), new int[] {a.mlpHidden(), d});
        }
        s.put(Names.c1(l), new int[] {1, a.mlpHidden()});
        s.put(Names.w2(l), new int[] {d, a.mlpHidden()});
        s.put(Names.c2(l), new int[] {1, d});
      }
    }
    if (a.finalNorm() && a.norm() != Architecture.NormKind.NONE) {
      s.put(Names.LNF_G, new int[] {1, d});
      if (a.norm().hasBias()) {
        s.put(Names.LNF_B, new int[] {1, d});
      }
    }
    if (a.vocab() > 0) {
      s.put(Names.UNEMBED, new int[] {a.vocab(), d});
    }
    return s;
  }

  public Architecture arch() {
    return arch;
  }

  public Arith<T> arith() {
    return arith;
  }

  /** All weights by name, in {@link #shapes} order. */
  public Map<String, Mat<T>> params() {
    return params;
  }

  /** The weight {@code name}; throws naming it if the architecture has no such weight. */
  public Mat<T> param(String name) {
    Mat<T> m = params.get(name);
    if (m == null) {
      throw new IllegalArgumentException("model has no weight named " + name + " (" + arch.summary() + ")");
    }
    return m;
  }

  /** True when the architecture has a weight of that name. */
  public boolean has(String name) {
    return params.containsKey(name);
  }

  /** A copy with weight {@code name} replaced (same shape required). */
  public Model<T> with(String name, Mat<T> value) {
    param(name);
    Map<String, Mat<T>> p = new LinkedHashMap<>(params);
    p.put(name, value);
    return new Model<>(arch, arith, p);
  }

  /** The same model in another arithmetic, each entry mapped by {@code convert}. */
  public <U extends FieldElement<U>> Model<U> convert(Arith<U> to, Function<T, U> convert) {
    Map<String, Mat<U>> p = new LinkedHashMap<>();
    params.forEach((k, v) -> p.put(k, v.convert(to.field(), convert)));
    return new Model<>(arch, to, p);
  }

  /** The same model in another real arithmetic, through doubles (exact for exact → double). */
  public <U extends FieldElement<U>> Model<U> toArith(Arith<U> to) {
    return convert(to, v -> to.ofDouble(arith.toDouble(v)));
  }

  /** Number of scalar weights. */
  public long parameterCount() {
    return params.values().stream().mapToLong(m -> (long) m.rows() * m.cols()).sum();
  }

  /** Architecture line then each weight as {@code name [r x c] = [[..]]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(arch.summary()).append(" (").append(arith.name()).append(")\n");
    params.forEach((k, v) -> sb.append("  ").append(k).append(" ").append(v.shape()).append(" = ").append(v).append('\n'));
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Model && ((Model<?>) o).arch.equals(arch) && ((Model<?>) o).params.equals(params);
  }

  @Override
  public int hashCode() {
    return arch.hashCode() * 31 + params.hashCode();
  }
}
