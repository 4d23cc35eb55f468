package io.prefixproof.constructions;

import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Trace;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * CAP-3 (Theorem 2, one token): a fixed model plus one virtual token realises any map {@code m: [V] → [V]}
 * from a user token to a response. Width V + 2 (two positions): the virtual token is {@code [r; e_0]} with
 * {@code r_k = c(m(k))/V}, the user token {@code [onehot(u); e_1]}; the answer is decoded at position 1.
 */
public final class Cap3 {
  private Cap3() {}

  public static <T extends FieldElement<T>> Model<T> model(Settings s, Arith<T> ar) {
    int v = s.vocab();
    int d = v + 2;
    Architecture a = Architecture.builder(d).vocab(v).heads(2).dHead(2).dValue(v)
        .mlp(v, Architecture.Activation.RELU).mask(s.mask()).positions(Architecture.PositionKind.LEARNED)
        .maxContext(2).scale(s.scale()).residual(false).build();
    T zero = ar.zero();
    T one = ar.one();
    Map<String, Mat<T>> p = new LinkedHashMap<>();
    p.put(Names.EMBED, Mat.of(ar.field(), v, d, (i, j) -> i == j ? one : zero));
    p.put(Names.POS, Mat.of(ar.field(), 2, d, (i, j) -> j == v + i ? one : zero));
    Mat<T> payload = Mat.of(ar.field(), v, d, (i, j) -> i == j ? one : zero);
    // head "val": q = k = position code, value the first V coordinates
    Mat<T> positionCode = Mat.of(ar.field(), 2, d, (i, j) -> j == v + i ? one : zero);
    p.put(Names.wq(0, 0), positionCode);
    p.put(Names.wk(0, 0), positionCode);
    p.put(Names.wv(0, 0), payload);
    // head "first": query 1, key "is position 0", value the first V coordinates
    p.put(Names.wq(0, 1), Mat.of(ar.field(), 2, d, (i, j) -> i == 0 && j >= v ? one : zero));
    p.put(Names.wk(0, 1), Mat.of(ar.field(), 2, d, (i, j) -> i == 0 && j == v ? one : zero));
    p.put(Names.wv(0, 1), payload);
    // the heads' weights on the two positions sum to 1 each, so their sum is exactly onehot(u) + r
    p.put(Names.wo(0), Mat.of(ar.field(), d, 2 * v, (i, j) -> i < v && (j == i || j == v + i) ? one : zero));
    Decoder.put(p, ar, d, v, v);
    return new Model<>(a, ar, p);
  }

  /** The virtual token {@code [r; 0]} (the position embedding adds e_0) encoding {@code map}. */
  public static <T extends FieldElement<T>> SoftPrompt<T> prompt(int[] map, Settings s, Arith<T> ar) {
    int v = s.vocab();
    if (map.length != v) {
      throw new IllegalArgumentException("map has " + map.length + " entries, expected one per token: V=" + v);
    }
    for (int k = 0; k < v; k++) {
      if (map[k] < 0 || map[k] >= v) {
        throw new IllegalArgumentException("map entry " + k + " -> " + map[k] + " outside [0, " + v + ")");
      }
    }
    return new SoftPrompt<>(Mat.of(ar.field(), 1, v + 2,
        (i, j) -> j < v ? ar.of(new BigFraction(map[j], v)) : ar.zero()));
  }

  /** The model's answer to user token {@code u}. */
  public static <T extends FieldElement<T>> int answer(Model<T> m, SoftPrompt<T> prompt, int u) {
    Trace<T> t = prompt.run(m, Content.tokens(u));
    return Forward.argmax(m.arith(), t.logits().row(1));
  }
}
