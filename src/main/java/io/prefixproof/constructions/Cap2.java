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
 * CAP-2 (Theorem 1): one layer, two heads and the decoder; one virtual token makes the model generate any
 * target {@code y ∈ [V]^N}. Width 2N: the first N coordinates carry the virtual token's payload
 * {@code v_k = c(y_k)/V}, the last N a one-hot position code (a learned position embedding
 * {@code P[i] = [0; e_i]}; the token embedding is 0, so generated tokens feed back only their position).
 */
public final class Cap2 {
  private Cap2() {}

  /** The model for these settings, in any arithmetic (all weights are rationals). */
  public static <T extends FieldElement<T>> Model<T> model(Settings s, Arith<T> ar) {
    int n = s.length();
    int d = 2 * n;
    Architecture a = Architecture.builder(d).vocab(s.vocab()).heads(2).dHead(n).dValue(n)
        .mlp(n, Architecture.Activation.RELU).mask(s.mask()).positions(Architecture.PositionKind.LEARNED)
        .maxContext(n).scale(s.scale()).residual(false).build();
    T zero = ar.zero();
    T one = ar.one();
    Map<String, Mat<T>> p = new LinkedHashMap<>();
    // token embedding 0: a generated token contributes only its position code
    p.put(Names.EMBED, Mat.zeros(ar.field(), s.vocab(), d));
    // position i: one-hot e_i in the second half
    p.put(Names.POS, Mat.of(ar.field(), n, d, (i, j) -> j == n + i ? one : zero));
    // head "pos": q = k = v = position code, so each position mostly reads its own e_i
    Mat<T> positionCode = Mat.of(ar.field(), n, d, (i, j) -> j == n + i ? one : zero);
    p.put(Names.wq(0, 0), positionCode);
    p.put(Names.wk(0, 0), positionCode);
    p.put(Names.wv(0, 0), positionCode);
    // head "first": query 1 (sum of the position bits), key "is position 0", value the payload v
    p.put(Names.wq(0, 1), Mat.of(ar.field(), n, d, (i, j) -> i == 0 && j >= n ? one : zero));
    p.put(Names.wk(0, 1), Mat.of(ar.field(), n, d, (i, j) -> i == 0 && j == n ? one : zero));
    p.put(Names.wv(0, 1), Mat.of(ar.field(), n, d, (i, j) -> i == j ? one : zero));
    // heads are summed into the first N coordinates: h ≈ e_i + v
    p.put(Names.wo(0), Mat.of(ar.field(), d, 2 * n, (i, j) -> i < n && (j == i || j == n + i) ? one : zero));
    Decoder.put(p, ar, d, n, s.vocab());
    return new Model<>(a, ar, p);
  }

  /** The virtual token {@code [v; 0]} for a target (padded with token 0 to length N). */
  public static <T extends FieldElement<T>> SoftPrompt<T> prompt(int[] target, Settings s, Arith<T> ar) {
    int n = s.length();
    if (target.length > n) {
      throw new IllegalArgumentException("target has " + target.length + " tokens, more than the length N=" + n);
    }
    for (int t : target) {
      if (t < 0 || t >= s.vocab()) {
        throw new IllegalArgumentException("target token " + t + " outside the vocabulary [0, " + s.vocab() + ")");
      }
    }
    return new SoftPrompt<>(Mat.of(ar.field(), 1, 2 * n,
        (i, j) -> j < target.length ? ar.of(new BigFraction(target[j], s.vocab())) : ar.zero()));
  }

  /** Greedy generation of N tokens after the virtual token. */
  public static <T extends FieldElement<T>> int[] generate(Model<T> m, SoftPrompt<T> prompt) {
    return Forward.generate(m, prompt.prefix(m), new int[0], m.arch().maxContext());
  }
}
