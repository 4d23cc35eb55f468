package io.prefixproof.constructions;

import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * CAP-5 as the paper publishes it (the companion notebook's section 5 layout: PAPER.md §5): one virtual token of
 * V reals packs the whole table, row a as {@code vt_a = Σ_j f(a, j)·V^−(j+1)} (base-V digits), after a zero dummy
 * virtual token; two attention layers; and the notebook's Python unpacking step written as weights.
 *
 * <p>Residual stream slots: {@code tok (V) | pos (4) | F (V) | S (V) | R (V) | B (V) | D (V) | H (V) | OUT (2)}.
 *
 * <ol>
 *   <li>Block 0, attention (the notebook's layer 1, three heads, 2-dimensional queries and keys on the position
 *       code): "user1" (position 2 reads itself, the others the dummy) and "first" (position 2 reads the table
 *       token) write {@code F ≈ vt + e_a} at position 2; "user2" (position 3 reads itself) writes
 *       {@code S ≈ 2e_b} at position 3. MLP: {@code R_0 = Σ_k ReLU(F_k − 1) ≈ vt_a}, {@code B = ReLU(S − 1) ≈ e_b}.
 *   <li>Blocks 1..V, attention-free (every weight 0): the unpacking. Block k + 1 reads the remainder R_k, forms
 *       {@code y = V·R_k} and counts the thresholds {@code t − δ/2} (t = 1..V−1, δ = V^(k+1−V) the spacing of y)
 *       that y passes with ramps {@code ReLU(M(y − θ) + 1/2) − ReLU(M(y − θ) − 1/2)}, {@code M = 2⁹/δ}: the digit
 *       {@code c_k}. It writes {@code D_k = c_k/V} and {@code R_(k+1) = V·R_k − c_k} (R_k passes through as
 *       {@code ReLU(R_k) − ReLU(−R_k)}).
 *   <li>Block V + 1, attention (the notebook's layer 2): "embedding" (query Σ B, key Σ D, value D) brings the
 *       digit vector of row a to position 3, "remap" (query and key Σ B, value B) brings e_b; both into H. MLP:
 *       the CAP-2 decoder {@code OUT_0 = Σ ReLU(H − 1) ≈ f(a, b)/V}, {@code OUT_1 = 1}.
 * </ol>
 *
 * <p>Why the unpacking is deep: the last digit of x = D/V^V changes value V^V − V^(V−1) times along the grid, and
 * a one-hidden-layer ReLU network of width w on a scalar is linear on at most w + 1 pieces, so one MLP layer needs
 * a width of order V^V; V layers of width 2V suffice. The attention-free blocks stand for the layers of that one
 * deep MLP; the model has two attention layers.
 */
public final class Cap5Paper {
  private Cap5Paper() {}

  static final int POSITIONS = 4;

  /** M·δ of the unpacking ramps: a ramp reaches 0 and 1 at 1/(2M) = 2⁻¹⁰δ either side of its threshold. */
  static final int RAMP = 512;

  static int tok(int i) {
    return i;
  }

  static int pos(int v, int i) {
    return v + i;
  }

  static int slot(int v, int block, int i) {
    return v + POSITIONS + block * v + i;
  }

  static int f(int v, int i) {
    return slot(v, 0, i);
  }

  static int s(int v, int i) {
    return slot(v, 1, i);
  }

  static int r(int v, int k) {
    return slot(v, 2, k);
  }

  static int b(int v, int i) {
    return slot(v, 3, i);
  }

  static int digit(int v, int k) {
    return slot(v, 4, k);
  }

  static int h(int v, int i) {
    return slot(v, 5, i);
  }

  static int out(int v) {
    return slot(v, 6, 0);
  }

  static int width(int v) {
    return out(v) + 2;
  }

  /** The model: V + 2 blocks, 3 heads (zero where a layer has fewer), MLP width 2V, no norm, residual stream. */
  public static <T extends FieldElement<T>> Model<T> model(Settings s, Arith<T> ar) {
    int v = s.vocab();
    if (v < 2) {
      throw new IllegalArgumentException("the packed CAP-5 construction needs V >= 2, got " + v);
    }
    int d = width(v);
    int last = v + 1;
    Architecture a = Architecture.builder(d).vocab(v).layers(v + 2).heads(3).dHead(2).dValue(2 * v)
        .mlp(2 * v, Architecture.Activation.RELU).mask(s.mask()).positions(Architecture.PositionKind.LEARNED)
        .maxContext(POSITIONS).scale(s.scale()).residual(true).build();
    T zero = ar.zero();
    T one = ar.one();
    Map<String, Mat<T>> p = new LinkedHashMap<>();
    p.put(Names.EMBED, Mat.of(ar.field(), v, d, (i, j) -> j == tok(i) ? one : zero));
    p.put(Names.POS, Mat.of(ar.field(), POSITIONS, d, (i, j) -> j == pos(v, i) ? one : zero));
    for (int l = 0; l <= last; l++) {
      for (int hd = 0; hd < 3; hd++) {
        p.put(Names.wq(l, hd), Mat.zeros(ar.field(), 2, d));
        p.put(Names.wk(l, hd), Mat.zeros(ar.field(), 2, d));
        p.put(Names.wv(l, hd), Mat.zeros(ar.field(), 2 * v, d));
      }
      p.put(Names.wo(l), Mat.zeros(ar.field(), d, 6 * v));
      p.put(Names.w1(l), Mat.zeros(ar.field(), 2 * v, d));
      p.put(Names.c1(l), Mat.zeros(ar.field(), 1, 2 * v));
      p.put(Names.w2(l), Mat.zeros(ar.field(), d, 2 * v));
      p.put(Names.c2(l), Mat.zeros(ar.field(), 1, d));
    }
    // block 0, attention: the notebook's position patterns; value rows k < V copy the token (user2: twice, into S)
    int[][][] queries = {{{1, 1, 0, 1}, {0, 0, 1, 0}}, {{1, 1, 1, 0}, {0, 0, 0, 1}}, {{1, 1, 0, 1}, {0, 0, 1, 0}}};
    int[][][] keys = {{{1, 0, 0, 0}, {0, 0, 1, 0}}, {{1, 0, 0, 0}, {0, 0, 0, 1}}, {{1, 0, 0, 0}, {0, 1, 0, 0}}};
    for (int hd = 0; hd < 3; hd++) {
      int[][] q = queries[hd];
      int[][] k = keys[hd];
      p.put(Names.wq(0, hd), Mat.of(ar.field(), 2, d, (r, j) -> j >= pos(v, 0) && j < pos(v, POSITIONS)
          ? ar.of(q[r][j - pos(v, 0)]) : zero));
      p.put(Names.wk(0, hd), Mat.of(ar.field(), 2, d, (r, j) -> j >= pos(v, 0) && j < pos(v, POSITIONS)
          ? ar.of(k[r][j - pos(v, 0)]) : zero));
      boolean second = hd == 1;
      p.put(Names.wv(0, hd), Mat.of(ar.field(), 2 * v, d, (r, j) -> second
          ? (r >= v && j == tok(r - v) ? ar.of(2) : zero)
          : (r < v && j == tok(r) ? one : zero)));
    }
    // W_O sums the three heads: head outputs 0..V−1 into F, V..2V−1 into S
    p.put(Names.wo(0), Mat.of(ar.field(), d, 6 * v, (i, c) -> {
      int within = c % (2 * v);
      return within < v ? (i == f(v, within) ? one : zero) : (i == s(v, within - v) ? one : zero);
    }));
    // block 0, MLP: R_0 = Σ ReLU(F − 1) (the number to unpack), B = ReLU(S − 1)
    p.put(Names.w1(0), Mat.of(ar.field(), 2 * v, d, (u, j) -> j == (u < v ? f(v, u) : s(v, u - v)) ? one : zero));
    p.put(Names.c1(0), Mat.of(ar.field(), 1, 2 * v, (i, u) -> one.negate()));
    p.put(Names.w2(0), Mat.of(ar.field(), d, 2 * v, (i, u) -> i == (u < v ? r(v, 0) : b(v, u - v)) ? one : zero));
    // blocks 1..V: digit k from R_k
    for (int k = 0; k < v; k++) {
      putUnpackingStep(p, ar, v, k);
    }
    // block V + 1, attention: "embedding" (query Σ B, key Σ D, value D) and "remap" (query, key Σ B, value B)
    p.put(Names.wq(last, 0), Mat.of(ar.field(), 2, d, (r, j) -> r == 0 && inBlock(v, j, 3) ? one : zero));
    p.put(Names.wk(last, 0), Mat.of(ar.field(), 2, d, (r, j) -> r == 0 && inBlock(v, j, 4) ? one : zero));
    p.put(Names.wv(last, 0), Mat.of(ar.field(), 2 * v, d, (r, j) -> r < v && j == digit(v, r) ? one : zero));
    p.put(Names.wq(last, 1), Mat.of(ar.field(), 2, d, (r, j) -> r == 0 && inBlock(v, j, 3) ? one : zero));
    p.put(Names.wk(last, 1), Mat.of(ar.field(), 2, d, (r, j) -> r == 0 && inBlock(v, j, 3) ? one : zero));
    p.put(Names.wv(last, 1), Mat.of(ar.field(), 2 * v, d, (r, j) -> r < v && j == b(v, r) ? one : zero));
    p.put(Names.wo(last), Mat.of(ar.field(), d, 6 * v, (i, c) -> c < 4 * v && c % (2 * v) < v
        && i == h(v, c % (2 * v)) ? one : zero));
    // block V + 1, MLP: the decoder, OUT_0 = Σ ReLU(H − 1), OUT_1 = 1
    p.put(Names.w1(last), Mat.of(ar.field(), 2 * v, d, (u, j) -> u < v && j == h(v, u) ? one : zero));
    p.put(Names.c1(last), Mat.of(ar.field(), 1, 2 * v, (i, u) -> u < v ? one.negate() : zero));
    p.put(Names.w2(last), Mat.of(ar.field(), d, 2 * v, (i, u) -> u < v && i == out(v) ? one : zero));
    p.put(Names.c2(last), Mat.of(ar.field(), 1, d, (i, j) -> j == out(v) + 1 ? one : zero));
    p.put(Names.UNEMBED, Decoder.unembedding(ar, v, d, out(v)));
    return new Model<>(a, ar, p);
  }

  private static boolean inBlock(int v, int j, int block) {
    return j >= slot(v, block, 0) && j < slot(v, block + 1, 0);
  }

  /**
   * Block k + 1's MLP. Units 0, 1: ReLU(±R_k). Units 2t, 2t + 1 (t = 1..V−1): ReLU(M(V·R_k − θ_t) ± 1/2) with
   * θ_t = t − δ/2, δ = V^(k+1−V), M = 2⁹/δ; their difference is 1 when y ≥ θ_t + 2⁻¹⁰δ and 0 when
   * y ≤ θ_t − 2⁻¹⁰δ.
   */
  private static <T extends FieldElement<T>> void putUnpackingStep(Map<String, Mat<T>> p, Arith<T> ar, int v, int k) {
    int l = k + 1;
    int d = width(v);
    BigFraction delta = new BigFraction(java.math.BigInteger.ONE, java.math.BigInteger.valueOf(v).pow(v - k - 1));
    BigFraction m = new BigFraction(RAMP).divide(delta);
    BigFraction half = new BigFraction(1, 2);
    T zero = ar.zero();
    p.put(Names.w1(l), Mat.of(ar.field(), 2 * v, d, (u, j) -> {
      if (j != r(v, k)) {
        return zero;
      }
      return u == 0 ? ar.one() : u == 1 ? ar.one().negate() : ar.of(m.multiply(v));
    }));
    p.put(Names.c1(l), Mat.of(ar.field(), 1, 2 * v, (i, u) -> {
      if (u < 2) {
        return zero;
      }
      BigFraction theta = new BigFraction(u / 2).subtract(delta.divide(2));
      BigFraction shift = m.multiply(theta).negate();
      return ar.of(u % 2 == 0 ? shift.add(half) : shift.subtract(half));
    }));
    // D_k = c_k/V, R_(k+1) = V·R_k − c_k with c_k = Σ_t (unit 2t − unit 2t+1)
    p.put(Names.w2(l), Mat.of(ar.field(), d, 2 * v, (i, u) -> {
      int sign = u < 2 ? (u == 0 ? 1 : -1) : (u % 2 == 0 ? 1 : -1);
      if (i == digit(v, k) && u >= 2) {
        return ar.of(new BigFraction(sign, v));
      }
      if (k + 1 < v && i == r(v, k + 1)) {
        return ar.of(u < 2 ? v * sign : -sign);
      }
      return zero;
    }));
  }

  /** The two virtual tokens: the zero dummy and the table token {@code vt_a = Σ_j f(a, j)·V^−(j+1)}. */
  public static <T extends FieldElement<T>> SoftPrompt<T> prompt(int[][] f, Settings s, Arith<T> ar) {
    int v = s.vocab();
    Decoder.requireTable(f, v, v, v, "table");
    return new SoftPrompt<>(Mat.of(ar.field(), 2, width(v), (r, j) -> r == 1 && j < v ? ar.of(packed(f[j])) : ar.zero()));
  }

  /** Row a of the table as one number in [0, 1): {@code Σ_j f(a, j)·V^−(j+1)}. */
  static BigFraction packed(int[] row) {
    int v = row.length;
    BigFraction x = BigFraction.ZERO;
    for (int j = v - 1; j >= 0; j--) {
      x = x.add(row[j]).divide(v);
    }
    return x;
  }

  /**
   * Decides every table at once, κ = exp in Dfp at 60 digits (proof in proofs-notes/CAP-5.md). Layer 1 weighs its
   * target by α = K/(K + m − 1) and every other visible position by β = 1/(K + m − 1), K = κ(σ_4), m the keys a
   * position sees (4; 3 at position 2 under a causal mask). At position 2, {@code R_0 = vt_a + e} with
   * {@code e = −(m − 2)β(1 + vt_a) + 2β[m = 4][a = b] ≤ 0} (0 when vt_a = 0), and the unpacking is exact for every
   * table iff {@code V^V·(m − 2)β(2 − V^−V) ≤ 1/4}. Then position 3 holds B = q·e_b with
   * {@code q = 2α − 1 + 2β(vt_b + [a = b])} (α, β at m = 4), layer 2 brings {@code α2·digits(a) + α3·q·e_b} with
   * {@code α2 = κ2/(κ2 + 3)}, {@code κ2 = κ(σ·q·Σ_j f(a, j)/V)}, {@code α3} likewise at {@code σq²}, and the decoder
   * reads {@code z = max(0, α2·c/V + α3·q − 1)}, c = f(a, b). Every term falls with q and with the row sum, so the
   * worst table has a ≠ b, row b all 0 (q = (K − 3)/(K + 3)) and f(a, b) = c the only non-zero entry of row a;
   * it is answered right iff {@code c/V − z < 1/(2V)} for every c = 1..V−1. Throws ArithmeticException
   * ("undecided") where the unpacking is neither proved exact nor proved to fail (see {@link #check}).
   */
  public static Certifier.Verdict certify(Settings s) {
    Check c = check(s, s.temperature());
    if (c.unpacking == Unpacking.UNDECIDED) {
      throw new ArithmeticException("packed CAP-5 undecided at T=" + s.temperature().doubleValue() + ": the worst"
          + " table's unpacking error is " + c.epsilon + " digits, inside the ramps (1/2 +- 2^-10) or above 3/2 - 2^-10,"
          + " where the certificate does not decide");
    }
    Double minT = Certifier.minTemperature("packed CAP-5", s, t -> check(s, t).correct());
    int[] pair = c.correct() ? null : c.unpacking == Unpacking.EXACT ? new int[] {0, 1} : new int[] {0, s.vocab() - 1};
    return new Certifier.Verdict(c.correct(), minT, c.margin, c.correct() ? -1 : 3, pair);
  }

  /** The table the verdict names when it fails (the pair is the verdict's failing target); null when correct. */
  public static int[][] failingTable(Settings s) {
    Check c = check(s, s.temperature());
    if (c.correct()) {
      return null;
    }
    int v = s.vocab();
    int[][] f = new int[v][v];
    if (c.unpacking == Unpacking.EXACT) {
      f[0][1] = c.worstAnswer;
    } else {
      java.util.Arrays.fill(f[0], v - 1);
    }
    return f;
  }

  /** Whether the unpacking recovers every digit of every table (EXACT), provably not (FAILS), or neither. */
  enum Unpacking { EXACT, FAILS, UNDECIDED }

  /**
   * @param unpacking what the unpacking does on the worst table
   * @param margin the smallest decoder margin 1/(2V) − (c/V − z) over c, on the worst table
   * @param worstAnswer the c with the smallest margin
   * @param epsilon the worst table's unpacking error in units of the last digit, ε
   */
  private record Check(Unpacking unpacking, double margin, int worstAnswer, double epsilon) {
    boolean correct() {
      return unpacking == Unpacking.EXACT && margin > 0;
    }
  }

  /**
   * The worst table's unpacking error in units of the last digit is ε = (m − 2)(2V^V − 1)/(K + m − 1) (row a all
   * V − 1). Every digit is exact iff ε ≤ 1/2 − 2⁻¹⁰ (the ramps); for 1/2 + 2⁻¹⁰ ≤ ε ≤ 3/2 − 2⁻¹⁰ the last digit
   * of that row comes out V − 2 (the earlier stages stay more than 2⁻¹⁰δ from their thresholds), so pair (a, V − 1)
   * is answered at most V − 2. Lower K (ε above 3/2 − 2⁻¹⁰) is left undecided too.
   */
  private static Check check(Settings s, BigFraction temperature) {
    int v = s.vocab();
    Settings at = new Settings(v, POSITIONS, temperature, s.notebookScale(), s.causal());
    var dfp = Certifier.DFP;
    org.apache.commons.math3.dfp.Dfp sigma = Certifier.sigma(at, POSITIONS);
    org.apache.commons.math3.dfp.Dfp k = dfp.kernel(sigma);
    int seen = s.causal() ? 3 : 4;
    BigFraction top = new BigFraction(java.math.BigInteger.valueOf(v).pow(v).shiftLeft(1)
        .subtract(java.math.BigInteger.ONE).multiply(java.math.BigInteger.valueOf(seen - 2)));
    org.apache.commons.math3.dfp.Dfp epsilon = dfp.of(top).divide(k.add(dfp.of(seen - 1)));
    BigFraction halfWidth = new BigFraction(1, 2 * RAMP);
    Unpacking unpacking;
    if (dfp.compare(epsilon, dfp.of(new BigFraction(1, 2).subtract(halfWidth))) <= 0) {
      unpacking = Unpacking.EXACT;
    } else if (dfp.compare(epsilon, dfp.of(new BigFraction(1, 2).add(halfWidth))) >= 0
        && dfp.compare(epsilon, dfp.of(new BigFraction(3, 2).subtract(halfWidth))) <= 0) {
      unpacking = Unpacking.FAILS;
    } else {
      unpacking = Unpacking.UNDECIDED;
    }
    org.apache.commons.math3.dfp.Dfp three = dfp.of(3);
    org.apache.commons.math3.dfp.Dfp q = k.subtract(three).divide(k.add(three));
    org.apache.commons.math3.dfp.Dfp k3 = dfp.kernel(sigma.multiply(q).multiply(q));
    org.apache.commons.math3.dfp.Dfp alpha3 = k3.divide(k3.add(three));
    double margin = Double.POSITIVE_INFINITY;
    int worst = v - 1;
    for (int c = 1; c < v; c++) {
      org.apache.commons.math3.dfp.Dfp grid = dfp.of(new BigFraction(c, v));
      org.apache.commons.math3.dfp.Dfp k2 = dfp.kernel(sigma.multiply(q).multiply(grid));
      org.apache.commons.math3.dfp.Dfp alpha2 = k2.divide(k2.add(three));
      org.apache.commons.math3.dfp.Dfp z = dfp.relu(alpha2.multiply(grid).add(alpha3.multiply(q)).subtract(dfp.one()));
      double m = dfp.toDouble(dfp.of(new BigFraction(1, 2 * v)).subtract(grid.subtract(z)));
      if (m < margin) {
        margin = m;
        worst = c;
      }
    }
    return new Check(unpacking, margin, worst, dfp.toDouble(epsilon));
  }

  /** The model's answer to the user tokens (a, b), decoded at position 3. */
  public static <T extends FieldElement<T>> int answer(Model<T> m, SoftPrompt<T> prompt, int a, int b) {
    return Forward.argmax(m.arith(), prompt.run(m, Content.tokens(a, b)).logits().row(3));
  }
}
