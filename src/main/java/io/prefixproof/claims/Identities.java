package io.prefixproof.claims;

import io.prefixproof.adapt.HardPrompt;
import io.prefixproof.adapt.ResidualPrefix;
import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Mat;
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
 * The exact identity checks of HIER-1, HIER-2 and CONJ-7, written once for any exact arithmetic, so that the
 * catalogue decides them in {@code BigFraction} and {@link ModularCheck} modulo primes with the same code.
 * Each takes an edit of the run it compares with the others as {@code compared}: the identity in the catalogue,
 * a planted violation in the tests.
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
    Mat<T> rows = Mat.of(e.field(), prompt.length, e.cols(), (i, j) -> e.get(rowOf.applyAsInt(prompt[i]) % e.rows(), j));
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
}
