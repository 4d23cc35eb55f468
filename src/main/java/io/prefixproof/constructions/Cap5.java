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
 * CAP-5 (Theorem 2, two input tokens): two layers and two virtual tokens realise any table
 * {@code f: [V]×[V] → [V]}, every step in weights. Positions: 0 a zero dummy virtual token, 1 the table token,
 * 2 and 3 the user tokens a and b; the answer is decoded at position 3. The residual stream has slots
 * {@code tok (V) | pos (4) | A (V) | PAIR (V²) | TABLE (V²) | OUT (2)}; the table token carries
 * {@code TABLE_(i,j) = f(i, j)/V} exactly (one rational per entry: no digit packing to undo).
 *
 * <ol>
 *   <li>Layer 1 attention ("prev"): position i reads position i − 1's token into A, so A ≈ e_a at
 *       position 3.
 *   <li>Layer 1 MLP (pair AND): hidden (i, j) = ReLU(A_i + tok_j − 1) ≈ [i = a][j = b], written to PAIR.
 *   <li>Layer 2 attention ("table"): query 1, key "is position 1": position 3 copies TABLE ≈ f/V.
 *   <li>Layer 2 MLP (the decoder of CAP-2 on V² coordinates): z2 = Σ ReLU(PAIR + TABLE − 1) ≈ f(a, b)/V into
 *       OUT_0, the constant 1 into OUT_1; the unembedding reads only OUT.
 * </ol>
 */
public final class Cap5 {
  private Cap5() {}

  static int tok(int i) {
    return i;
  }

  static int pos(int v, int i) {
    return v + i;
  }

  static int slotA(int v, int i) {
    return v + 4 + i;
  }

  static int pair(int v, int i, int j) {
    return 2 * v + 4 + i * v + j;
  }

  static int table(int v, int i, int j) {
    return 2 * v + 4 + v * v + i * v + j;
  }

  static int out(int v, int i) {
    return 2 * v + 4 + 2 * v * v + i;
  }

  public static <T extends FieldElement<T>> Model<T> model(Settings s, Arith<T> ar) {
    int v = s.vocab();
    int vv = v * v;
    int d = 2 * v + 4 + 2 * vv + 2;
    Architecture a = Architecture.builder(d).vocab(v).layers(2).heads(1).dHead(4).dValue(vv)
        .mlp(vv, Architecture.Activation.RELU).mask(s.mask()).positions(Architecture.PositionKind.LEARNED)
        .maxContext(4).scale(s.scale()).residual(true).build();
    T zero = ar.zero();
    T one = ar.one();
    Map<String, Mat<T>> p = new LinkedHashMap<>();
    p.put(Names.EMBED, Mat.of(ar.field(), v, d, (i, j) -> j == tok(i) ? one : zero));
    p.put(Names.POS, Mat.of(ar.field(), 4, d, (i, j) -> j == pos(v, i) ? one : zero));
    // layer 1, head "prev": query row r reads position bit r + 1, key row r position bit r: i attends i − 1
    p.put(Names.wq(0, 0), Mat.of(ar.field(), 4, d, (r, j) -> r < 3 && j == pos(v, r + 1) ? one : zero));
    p.put(Names.wk(0, 0), Mat.of(ar.field(), 4, d, (r, j) -> j == pos(v, r) ? one : zero));
    p.put(Names.wv(0, 0), Mat.of(ar.field(), vv, d, (r, j) -> r < v && j == tok(r) ? one : zero));
    p.put(Names.wo(0), Mat.of(ar.field(), d, vv, (i, c) -> c < v && i == slotA(v, c) ? one : zero));
    // layer 1 MLP: hidden (i, j) = ReLU(A_i + tok_j − 1), written to PAIR_(i, j)
    p.put(Names.w1(0), Mat.of(ar.field(), vv, d, (h, j) -> j == slotA(v, h / v) || j == tok(h % v) ? one : zero));
    p.put(Names.c1(0), Mat.of(ar.field(), 1, vv, (i, j) -> one.negate()));
    p.put(Names.w2(0), Mat.of(ar.field(), d, vv, (i, h) -> i == pair(v, h / v, h % v) ? one : zero));
    p.put(Names.c2(0), Mat.zeros(ar.field(), 1, d));
    // layer 2, head "table": query 1 (sum of the position bits), key "is position 1", value TABLE
    p.put(Names.wq(1, 0), Mat.of(ar.field(), 4, d, (r, j) -> r == 0 && j >= pos(v, 0) && j < pos(v, 4) ? one : zero));
    p.put(Names.wk(1, 0), Mat.of(ar.field(), 4, d, (r, j) -> r == 0 && j == pos(v, 1) ? one : zero));
    p.put(Names.wv(1, 0), Mat.of(ar.field(), vv, d, (h, j) -> j == table(v, h / v, h % v) ? one : zero));
    p.put(Names.wo(1), Mat.of(ar.field(), d, vv, (i, h) -> i == table(v, h / v, h % v) ? one : zero));
    // layer 2 MLP, the decoder: z1 = ReLU(PAIR + TABLE − 1), OUT_0 = Σ z1, OUT_1 = 1
    p.put(Names.w1(1), Mat.of(ar.field(), vv, d,
        (h, j) -> j == pair(v, h / v, h % v) || j == table(v, h / v, h % v) ? one : zero));
    p.put(Names.c1(1), Mat.of(ar.field(), 1, vv, (i, j) -> one.negate()));
    p.put(Names.w2(1), Mat.of(ar.field(), d, vv, (i, h) -> i == out(v, 0) ? one : zero));
    p.put(Names.c2(1), Mat.of(ar.field(), 1, d, (i, j) -> j == out(v, 1) ? one : zero));
    p.put(Names.UNEMBED, Decoder.unembedding(ar, v, d, out(v, 0)));
    return new Model<>(a, ar, p);
  }

  /** The two virtual tokens: the zero dummy and the table token {@code TABLE_(i,j) = f[i][j]/V}. */
  public static <T extends FieldElement<T>> SoftPrompt<T> prompt(int[][] f, Settings s, Arith<T> ar) {
    int v = s.vocab();
    Decoder.requireTable(f, v, v, v, "table");
    int d = 2 * v + 4 + 2 * v * v + 2;
    int base = table(v, 0, 0);
    return new SoftPrompt<>(Mat.of(ar.field(), 2, d, (r, j) -> r == 1 && j >= base && j < base + v * v
        ? ar.of(new BigFraction(f[(j - base) / v][(j - base) % v], v)) : ar.zero()));
  }

  /** The model's answer to the user tokens (a, b). */
  public static <T extends FieldElement<T>> int answer(Model<T> m, SoftPrompt<T> prompt, int a, int b) {
    Trace<T> t = prompt.run(m, Content.tokens(a, b));
    return Forward.argmax(m.arith(), t.logits().row(3));
  }
}
