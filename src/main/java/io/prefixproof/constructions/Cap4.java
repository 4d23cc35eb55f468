package io.prefixproof.constructions;

import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * CAP-4 (Theorem 2, longer answers): N0 virtual tokens realise any map {@code M: [V] → [V]^N0}. Width
 * V + N with N = 2·N0 positions: virtual token p is {@code [r^(p); e_p]} with {@code r^(p)_k = c(M(k)[p])/V},
 * the user token {@code [onehot(u); e_N0]} at position N0, generated tokens {@code [onehot(y); e_i]}. Head
 * "N0back" (query {@code e_(i−N0)}, key {@code e_j}) makes position N0 + t read virtual token t; head "user"
 * (query 1, key "is position N0") reads the user token; their sum is decoded as in CAP-2.
 */
public final class Cap4 {
  private Cap4() {}

  /** N0 = settings' length. */
  public static <T extends FieldElement<T>> Model<T> model(Settings s, Arith<T> ar) {
    int v = s.vocab();
    int n0 = s.length();
    int positions = 2 * n0;
    int d = v + positions;
    Architecture a = Architecture.builder(d).vocab(v).heads(2).dHead(positions).dValue(v)
        .mlp(v, Architecture.Activation.RELU).mask(s.mask()).positions(Architecture.PositionKind.LEARNED)
        .maxContext(positions).scale(s.scale()).residual(false).build();
    T zero = ar.zero();
    T one = ar.one();
    Map<String, Mat<T>> p = new LinkedHashMap<>();
    p.put(Names.EMBED, Mat.of(ar.field(), v, d, (i, j) -> i == j ? one : zero));
    p.put(Names.POS, Mat.of(ar.field(), positions, d, (i, j) -> j == v + i ? one : zero));
    Mat<T> payload = Mat.of(ar.field(), v, d, (i, j) -> i == j ? one : zero);
    // head "N0back": row r of the query reads position bit r + N0, so position i asks for e_(i−N0)
    p.put(Names.wq(0, 0), Mat.of(ar.field(), positions, d, (r, j) -> j == v + r + n0 ? one : zero));
    p.put(Names.wk(0, 0), Mat.of(ar.field(), positions, d, (r, j) -> j == v + r ? one : zero));
    p.put(Names.wv(0, 0), payload);
    // head "user": query 1, key "is position N0"
    p.put(Names.wq(0, 1), Mat.of(ar.field(), positions, d, (r, j) -> r == 0 && j >= v ? one : zero));
    p.put(Names.wk(0, 1), Mat.of(ar.field(), positions, d, (r, j) -> r == 0 && j == v + n0 ? one : zero));
    p.put(Names.wv(0, 1), payload);
    p.put(Names.wo(0), Mat.of(ar.field(), d, 2 * v, (i, j) -> i < v && (j == i || j == v + i) ? one : zero));
    Decoder.put(p, ar, d, v, v);
    return new Model<>(a, ar, p);
  }

  /** The N0 virtual tokens {@code [r^(p); 0]} encoding {@code map[k] = M(k)}, each of length N0. */
  public static <T extends FieldElement<T>> SoftPrompt<T> prompt(int[][] map, Settings s, Arith<T> ar) {
    int v = s.vocab();
    int n0 = s.length();
    Decoder.requireTable(map, v, n0, v, "map");
    return new SoftPrompt<>(Mat.of(ar.field(), n0, v + 2 * n0,
        (pos, j) -> j < v ? ar.of(new BigFraction(map[j][pos], v)) : ar.zero()));
  }

  /** The N0 tokens the model answers to user token {@code u}. */
  public static <T extends FieldElement<T>> int[] answer(Model<T> m, SoftPrompt<T> prompt, int u) {
    return Forward.generate(m, prompt.prefix(m), new int[] {u}, m.arch().maxContext() / 2);
  }
}
