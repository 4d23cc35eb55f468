package io.prefixproof.claims;

import io.prefixproof.adapt.HardPrompt;
import io.prefixproof.adapt.ResidualPrefix;
import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.Ranks;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.FieldElement;

/**
 * The exact identity checks of HIER-1, HIER-2, HIER-3, CONJ-5, CONJ-6 and CONJ-7, written once for any exact
 * arithmetic, so that the catalogue decides them in {@code BigFraction} and {@link ModularCheck} modulo primes
 * with the same code. Each takes an edit of the run it compares with the others as {@code compared}: the
 * identity in the catalogue, a planted violation in the tests.
 */
final class Identities {
  private Identities() {}

  /**
   * HIER-1: the hard prompt {@code prompt} and the soft prompt of the embedding rows {@code rowOf(token)} (the
   * token's own in the catalogue) give the same logits and hidden states on {@code content}.
   */
  static <T extends FieldElement<T>> boolean hardIsSoft(Model<T> m, int[] prompt, int[] content,
      IntUnaryOperator rowOf, UnaryOperator<Trace<T>> compared) {
    Mat<T> e = m.param(Names.EMBED);
    Mat<T> rows = Mat.of(e.field(), prompt.length, e.cols(),
        (i, j) -> e.get(rowOf.applyAsInt(prompt[i]) % e.rows(), j));
    Trace<T> hard = new HardPrompt<T>(prompt).run(m, Content.tokens(content));
    Trace<T> soft = compared.apply(new SoftPrompt<>(rows).run(m, Content.tokens(content)));
    return hard.logits().equals(soft.logits()) && hard.hidden().equals(soft.hidden());
  }

  /**
   * HIER-2 under a causal mask: the soft prompt {@code prompt} gives the same content outputs at every layer as
   * the residual prefix of the rows {@code inducedRows} reads from its run, and those rows are the same on the
   * other input {@code other}; throws naming the part that differs.
   */
  static <T extends FieldElement<T>> boolean softIsResidual(Model<T> m, Prefix<T> prompt, Content<T> content,
      Content<T> other, Function<Trace<T>, List<Mat<T>>> inducedRows, UnaryOperator<Trace<T>> compared) {
    Trace<T> soft = Forward.run(m, prompt, content);
    List<Mat<T>> rows = inducedRows.apply(soft);
    Trace<T> res = compared.apply(new ResidualPrefix<>(rows).run(m, content));
    for (int l = 0; l < m.arch().layers(); l++) {
      Mat<T> a = soft.layers().get(l).output();
      Mat<T> b = res.layers().get(l).output();
      if (!a.rows(soft.streamPrefix(), a.rows()).equals(b.rows(res.streamPrefix(), b.rows()))) {
        throw new AssertionError("content outputs differ at layer " + l);
      }
    }
    if (!inducedRows.apply(Forward.run(m, prompt, other)).equals(rows)) {
      throw new AssertionError("induced prefixes depend on the user input");
    }
    return true;
  }

  /**
   * CONJ-7's check: the per-layer prefixes the soft prompt {@code prompt} induces are the same on both inputs,
   * or, where they differ, those induced on {@code content} still give the soft prompt's own last-layer
   * content outputs on {@code other} (that run of the soft prompt is the {@code compared} one).
   */
  static <T extends FieldElement<T>> boolean inducedSuffice(Model<T> m, Prefix<T> prompt, Content<T> content,
      Content<T> other, UnaryOperator<Trace<T>> compared) {
    Trace<T> a = Forward.run(m, prompt, content);
    Trace<T> b = compared.apply(Forward.run(m, prompt, other));
    if (Catalogue.induced(a).equals(Catalogue.induced(b))) {
      return true;
    }
    Trace<T> fixed = new ResidualPrefix<>(Catalogue.induced(a)).run(m, other);
    return Reach.contentOutput(fixed).equals(Reach.contentOutput(b));
  }

  /**
   * CONJ-5's check (one layer, one head): at every content position the shift of the layer output that the
   * one-position prefix causes lies in the span of {@code W_O v} and {@code W_O t_i} (the prefixed run is the
   * {@code compared} one).
   */
  static <T extends FieldElement<T>> boolean shiftInPlane(Model<T> m, Prefix<T> prefix, Content<T> content,
      UnaryOperator<Trace<T>> compared) {
    Trace<T> t = compared.apply(Forward.run(m, prefix, content));
    Trace<T> plain = Forward.run(m, Prefix.none(), content);
    Mat<T> wo = m.param(Names.wo(0));
    Mat<T> v = t.head(0, 0).values().rows(0, 1);
    Mat<T> y = t.layers().get(0).output();
    Mat<T> shift = y.rows(t.streamPrefix(), y.rows()).minus(plain.layers().get(0).output());
    Mat<T> woV = v.timesTransposed(wo).transpose();
    for (int i = 0; i < shift.rows(); i++) {
      Mat<T> woT = plain.contentHeadOut(0, 0).row(i).timesTransposed(wo).transpose();
      if (!Ranks.inColumnSpan(woV.hstack(woT), shift.row(i).transpose())) {
        return false;
      }
    }
    return true;
  }

  /**
   * CONJ-6's check (one layer, one head, a key/value prefix of one position): at every content position the
   * layer-output shift towards the free value, {@code W_O (v − t_i)}, lies in {@code range(W_O W_V)}, where
   * every residual prefix's shift lies (the prefix-free run is the {@code compared} one).
   */
  static <T extends FieldElement<T>> boolean freeValueReachable(Model<T> m, Prefix<T> prefix, Content<T> content,
      UnaryOperator<Trace<T>> compared) {
    Trace<T> plain = compared.apply(Forward.run(m, Prefix.none(), content));
    Mat<T> v = prefix.values().get(0).get(0);
    // a residual prefix's value u_m and t_i both lie in range(W_V) + b_V, so u_m - t_i lies in range(W_V)
    // (the b_V cancel: t_i's weights sum to 1) and its layer-output shift W_O sum_m A'_im (u_m - t_i) in
    // range(W_O W_V); the free value's shift is a_i W_O (v - t_i) with a_i > 0
    Mat<T> wo = m.param(Names.wo(0));
    Mat<T> reachable = wo.times(m.param(Names.wv(0, 0)));
    for (int i = 0; i < plain.contentLength(); i++) {
      Mat<T> shift = wo.times(v.minus(plain.contentHeadOut(0, 0).row(i)).transpose());
      if (!Ranks.inColumnSpan(reachable, shift)) {
        return false;
      }
    }
    return true;
  }

  /**
   * HIER-3's check, on a model whose attention ignores the prompt: false when {@link Reach#noSoftPromptReaches}
   * certifies that no soft prompt of the prefix's length gives the content outputs of the prefixed run (the
   * {@code compared} one), true otherwise.
   */
  static <T extends FieldElement<T>> boolean softPromptMatches(Model<T> m, Prefix<T> prefix, Content<T> content,
      UnaryOperator<Trace<T>> compared) {
    Mat<T> target = Reach.contentOutput(compared.apply(Forward.run(m, prefix, content)));
    return !Reach.noSoftPromptReaches(m, content, prefix.length(), target);
  }
}
