package io.prefixproof.claims;

import io.prefixproof.adapt.Lora;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Ranks;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Source;
import io.prefixproof.property.Stats;
import java.util.List;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * FT-2: rank-1 LoRA on one weight against prefixes with at most as many parameters (paper §6 counts a
 * p-position prefix on L layers of width d as p·L·d parameters, a rank-1 LoRA on an out × in matrix as
 * out + in). A witness is a nondegenerate one-layer model, an input with a repeated token, and a LoRA
 * whose model outputs {@link Hulls#beyondEveryPrefix} certifies out of reach of every prefix of every
 * length (so of every prefix within the budget); on W_Q and W_K the LoRA must also strictly reverse a
 * content attention order, which no prefix can (LIM-1c).
 */
public final class LoraVsPrefix {
  private LoraVsPrefix() {}

  /** The weight the LoRA adapts. */
  public enum Target {
    QUERIES("queries", "W_Q"),
    KEYS("keys", "W_K"),
    VALUES("values", "W_V"),
    OUT("out", "W_O"),
    MLP_IN("mlp-in", "the MLP-in W_1"),
    MLP_OUT("mlp-out", "the MLP-out W_2");

    final String id;
    final String label;

    Target(String id, String label) {
      this.id = id;
      this.label = label;
    }

    /** The weight's name in layer 0 (head 0). */
    public String weight() {
      return switch (this) {
        case QUERIES -> Names.wq(0, 0);
        case KEYS -> Names.wk(0, 0);
        case VALUES -> Names.wv(0, 0);
        case OUT -> Names.wo(0);
        case MLP_IN -> Names.w1(0);
        case MLP_OUT -> Names.w2(0);
      };
    }

    /** True when the LoRA changes attention scores (then a strict reversal is required as well). */
    public boolean scores() {
      return this == QUERIES || this == KEYS;
    }
  }

  /**
   * One case: a model, content rows, and the LoRA factors {@code A (1 × in)}, {@code B (out × 1)} on the target.
   */
  public record LoraCase(Model<BigFraction> model, Mat<BigFraction> content, Target target, Mat<BigFraction> a,
      Mat<BigFraction> b) {

    public Model<BigFraction> tuned() {
      return new Lora<>(target.weight(), a, b, BigFraction.ONE).apply(model);
    }

    /** Rank-1 LoRA parameters: out + in. */
    public long loraParameters() {
      return new Lora<>(target.weight(), a, b, BigFraction.ONE).freeParameters();
    }

    /** The longest prefix within the LoRA's budget: ⌊(out + in)/(L·d)⌋ positions. */
    public long sameBudgetPrefixLength() {
      return loraParameters() / ((long) model.arch().layers() * model.arch().dModel());
    }

    @Override
    public String toString() {
      Architecture ar = model.arch();
      return "shape: " + ar.summary() + ", n=" + content.rows() + "\n" + model + "content: " + content
          + "\nLoRA on " + target.weight() + ": A=" + a + " B=" + b + "\nbudget: " + loraParameters()
          + " LoRA parameters (out + in); a prefix of p positions has p*L*d = p*" + ar.layers() * ar.dModel()
          + ", so the same budget allows p <= " + sameBudgetPrefixLength();
    }
  }

  static CaseOptions options(Target t) {
    return CaseOptions.exactDefaults().withLayers(1, 1).withHeads(1, 1)
        .withDims(new int[] {1, 2}, new int[] {1, 2}, new int[] {1, 2}).withLengths(new int[] {2, 3}, new int[] {1, 1})
        .withMasks(List.of(Architecture.Mask.CAUSAL)).withMlp(t == Target.MLP_IN || t == Target.MLP_OUT ? 1 : 0, 2);
  }

  /**
   * {@code n × d} content whose rows repeat: each row is one of {@code max(1, maxN − 1)} token vectors (one
   * choice per row), so some token occurs twice. Vectors and choices have their places at the options' largest
   * layout, so that shapes shrink independently; only the entries of width {@code d} and the choices of the
   * {@code n} rows are drawn, the other places {@linkplain Source#skip skipped}.
   */
  public static Mat<BigFraction> repeatedContent(Source s, CaseOptions o, int n, int d) {
    int maxN = o.content()[1];
    int tokens = Math.max(1, maxN - 1);
    Mat<BigFraction> pool = Cases.block(s, Cases.entries(o), tokens, o.dModel()[1], tokens, d);
    int[] token = new int[n];
    for (int i = 0; i < n; i++) {
      token[i] = (int) s.choice(tokens - 1);
    }
    s.skip(maxN - n);
    return Mat.of(pool.field(), n, d, (i, j) -> pool.get(token[i], j));
  }

  /**
   * Random cases for one target: shape, weights, content with repeats, then the LoRA factors, each factor at
   * its place in a layout of the widest shape and drawn only at the target's own shape.
   */
  public static Gen<LoraCase> cases(Target t) {
    CaseOptions o = options(t);
    int widest = Math.max(Math.max(o.dModel()[1], o.dHead()[1]), Math.max(o.dValue()[1], o.mlpHidden()[1]));
    return s -> {
      int n = o.content()[0] + (int) s.choice(o.content()[1] - o.content()[0]);
      Architecture a = Cases.architectures(o, 0, n + 1).generate(s);
      Model<BigFraction> m = Cases.weights(a, o, Catalogue.EXACT).generate(s);
      Mat<BigFraction> content = repeatedContent(s, o, n, a.dModel());
      Mat<BigFraction> w = m.param(t.weight());
      Mat<BigFraction> la = Cases.block(s, Cases.entries(o), 1, widest, 1, w.cols());
      Mat<BigFraction> lb = Cases.block(s, Cases.entries(o), widest, 1, w.rows(), 1);
      // drawn last, so that choice sequences saved before it replay unchanged (past their end a choice is 0)
      boolean flip = t == Target.QUERIES && s.weighted(0.5);
      if (flip) {
        lb = flipLastQuery(m, content, la, lb);
      }
      Stats.label("n=" + n + " d=" + a.dModel() + " mlp=" + a.mlpHidden() + (flip ? " flip" : ""));
      return new LoraCase(m, content, t, la, lb);
    };
  }

  /**
   * The B that, with the drawn A, negates the query of the last content row x: {@code (W_Q + B A) x + b_Q =
   * −(W_Q x + b_Q)}, so {@code B = −2 (W_Q x + b_Q)/(A x)}; the drawn B when {@code A x = 0}. A strict
   * reversal needs the LoRA to flip the sign of a score difference, which a small random update rarely does;
   * negating the query of x reverses every order x's queries see (LIM-1c needs that), and in each content
   * pattern of three rows that can carry a witness, x's queries are the group of equal queries.
   */
  static Mat<BigFraction> flipLastQuery(Model<BigFraction> m, Mat<BigFraction> content, Mat<BigFraction> a,
      Mat<BigFraction> drawn) {
    Mat<BigFraction> x = content.row(content.rows() - 1);
    BigFraction ax = a.timesTransposed(x).get(0, 0);
    if (ax.getNumerator().signum() == 0) {
      return drawn;
    }
    Mat<BigFraction> q = m.param(Names.wq(0, 0)).timesTransposed(x);
    if (m.arch().attnBiases()) {
      q = q.plus(m.param(Names.bq(0, 0)).transpose());
    }
    return q.scale(new BigFraction(-2).divide(ax));
  }

  /**
   * Nondegenerate: W_Q is injective (equal queries come only from equal inputs), W_O is onto (the prefix
   * can move the layer output in every direction, so no certificate comes from range(W_O) alone), and W_K,
   * W_V and the MLP's W_1, W_2 have full rank (a residual prefix controls its keys and values; the MLP is
   * not constant).
   */
  public static boolean nondegenerate(Model<BigFraction> m) {
    int d = m.arch().dModel();
    boolean full = Ranks.rank(m.param(Names.wq(0, 0))) == d && Ranks.rank(m.param(Names.wo(0))) == d;
    for (String w : m.arch().mlpHidden() > 0 ? List.of(Names.wk(0, 0), Names.wv(0, 0), Names.w1(0), Names.w2(0))
        : List.of(Names.wk(0, 0), Names.wv(0, 0))) {
      Mat<BigFraction> x = m.param(w);
      full &= Ranks.rank(x) == Math.min(x.rows(), x.cols());
    }
    return full;
  }

  /**
   * True when some content query attends keys j and k (both visible) in strictly opposite orders in the two
   * runs: {@code A_ij − A_ik} and {@code A'_ij − A'_ik} are non-zero with opposite signs.
   */
  public static boolean strictReversal(Trace<BigFraction> before, Trace<BigFraction> after) {
    Mat<BigFraction> wa = before.contentWeights(0, 0);
    Mat<BigFraction> wb = after.contentWeights(0, 0);
    boolean[][] seen = before.head(0, 0).allowed();
    int off = before.keyPrefix();
    for (int i = 0; i < wa.rows(); i++) {
      for (int j = 0; j < wa.cols(); j++) {
        for (int k = 0; k < wa.cols(); k++) {
          if (seen[i + before.streamPrefix()][j + off] && seen[i + before.streamPrefix()][k + off]
              && wa.get(i, j).compareTo(wa.get(i, k)) > 0 && wb.get(i, j).compareTo(wb.get(i, k)) < 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** What a case shows: both runs' outputs, the certificate's verdict and, on W_Q/W_K, the reversal. */
  public record Finding(Trace<BigFraction> plain, Trace<BigFraction> tuned, boolean reversal, Hulls.Verdict verdict) {

    /**
     * A witness: a nondegenerate model where the LoRA's outputs are certified beyond every prefix by the
     * attention argument (an output the MLP cannot give at all says nothing about prefixes).
     */
    public boolean witness(LoraCase c) {
      return nondegenerate(c.model()) && (reversal || !c.target().scores())
          && verdict.basis() == Hulls.Basis.PREFIX_HULL;
    }
  }

  public static Finding examine(LoraCase c) {
    Content<BigFraction> in = Content.vectors(c.content());
    Trace<BigFraction> plain = Forward.run(c.model(), Prefix.none(), in);
    Trace<BigFraction> tuned = Forward.run(c.tuned(), Prefix.none(), in);
    return new Finding(plain, tuned, c.target().scores() && strictReversal(plain, tuned),
        Hulls.beyondEveryPrefix(c.model(), plain, tuned.hidden()));
  }

  /** The FT-2 check: true when the case is not a witness (the search looks for a case where it is false). */
  static boolean noWitness(LoraCase c) {
    return !nondegenerate(c.model()) || !examine(c).witness(c);
  }

  static String describe(LoraCase c) {
    Finding f = examine(c);
    return c + "\nprefix-free outputs: " + f.plain().hidden() + "\nLoRA outputs:        " + f.tuned().hidden()
        + (c.target().scores() ? "\ncontent attention: " + f.plain().contentWeights(0, 0) + " -> "
            + f.tuned().contentWeights(0, 0) + (f.reversal() ? " (strict reversal)" : " (no strict reversal)") : "")
        + "\ncertificate: " + f.verdict().reason();
  }

  /** The FT-2 part for one target: searched, shrunk to one layer, one head, d = 1 and three content rows. */
  static PropertyClaim<LoraCase> claim(Target t) {
    String statement = "rank-1 LoRA on " + t.label + (t.scores() ? " strictly reverses a content attention order and"
        : "") + " reaches model outputs beyond every prefix of any length (so of the same parameter budget)";
    return new PropertyClaim<>("FT-2-" + t.id, statement, "6", Claim.Expected.COUNTEREXAMPLE, t.scores() ? 3000 : 1000, cases(t),
        LoraVsPrefix::noWitness, LoraVsPrefix::describe,
        c -> c.content().rows() == 3);
  }
}
