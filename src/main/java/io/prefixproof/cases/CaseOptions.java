package io.prefixproof.cases;

import io.prefixproof.model.Architecture;
import io.prefixproof.model.Prefix;
import java.util.List;

/**
 * Ranges and choices for random prefix cases. Shapes are drawn first (layers, heads, dimensions, tokens,
 * prefix length), then the flags, then the entries, so a case shrinks to fewer layers, heads, dimensions
 * and positions before its entries shrink.
 *
 * @param layers layer count range {lo, hi}
 * @param heads head count range
 * @param dModel model width range
 * @param dHead query/key width range
 * @param dValue value width range
 * @param content content positions range
 * @param prefix prefix length range
 * @param mlpHidden MLP width range (0 means no MLP)
 * @param masks masks to draw from (first is simplest)
 * @param positions position schemes to draw from
 * @param norms norms to draw from
 * @param biases attention biases: 0 never, 1 either, 2 always
 * @param kinds prefix kinds to draw from
 * @param numerators entry numerator range {lo, hi}
 * @param maxDenominator entry denominator bound
 * @param postNorm whether post-norm blocks may be drawn as well as pre-norm ones (a choice is drawn only
 *     when true, so options without it keep their choice layout and saved counterexamples)
 */
public record CaseOptions(
    int[] layers,
    int[] heads,
    int[] dModel,
    int[] dHead,
    int[] dValue,
    int[] content,
    int[] prefix,
    int[] mlpHidden,
    List<Architecture.Mask> masks,
    List<Architecture.PositionKind> positions,
    List<Architecture.NormKind> norms,
    int biases,
    List<Prefix.Kind> kinds,
    int[] numerators,
    int maxDenominator,
    boolean postNorm) {

  /** The ranges of the Section 4 checks: layers 1–4, heads 1–4, dims 1–16 (kept small for exact speed). */
  public static CaseOptions exactDefaults() {
    return new CaseOptions(
        new int[] {1, 2}, new int[] {1, 3}, new int[] {1, 4}, new int[] {1, 3}, new int[] {1, 3},
        new int[] {1, 4}, new int[] {1, 3}, new int[] {0, 0},
        List.of(Architecture.Mask.CAUSAL, Architecture.Mask.BIDIRECTIONAL),
        List.of(Architecture.PositionKind.NONE),
        List.of(Architecture.NormKind.NONE),
        1,
        List.of(Prefix.Kind.RESIDUAL, Prefix.Kind.KEY_VALUE),
        new int[] {-3, 3}, 3, false);
  }

  /**
   * One layer at the full Section 4 ranges: heads 1–4, dimensions 1–16, content 1–12, prefix 1–6. Exact
   * numbers grow multiplicatively with depth (a second layer at these widths did not finish 200 cases in
   * five minutes), so deep exact runs use {@link #exactDefaults()} and depth 4 runs in double.
   */
  public static CaseOptions exactWide() {
    return exactDefaults().withLayers(1, 1).withHeads(1, 4).withDims(new int[] {1, 16}, new int[] {1, 16},
        new int[] {1, 16}).withLengths(new int[] {1, 12}, new int[] {1, 6});
  }

  public CaseOptions withLayers(int lo, int hi) {
    return new CaseOptions(new int[] {lo, hi}, heads, dModel, dHead, dValue, content, prefix, mlpHidden, masks,
        positions, norms, biases, kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withHeads(int lo, int hi) {
    return new CaseOptions(layers, new int[] {lo, hi}, dModel, dHead, dValue, content, prefix, mlpHidden, masks,
        positions, norms, biases, kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withDims(int[] d, int[] k, int[] kv) {
    return new CaseOptions(layers, heads, d, k, kv, content, prefix, mlpHidden, masks, positions, norms, biases,
        kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withLengths(int[] n, int[] p) {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, n, p, mlpHidden, masks, positions, norms, biases,
        kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withMlp(int lo, int hi) {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, content, prefix, new int[] {lo, hi}, masks,
        positions, norms, biases, kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withMasks(List<Architecture.Mask> m) {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, content, prefix, mlpHidden, m, positions, norms,
        biases, kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withPositions(List<Architecture.PositionKind> p) {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, content, prefix, mlpHidden, masks, p, norms,
        biases, kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withNorms(List<Architecture.NormKind> n, int withBiases) {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, content, prefix, mlpHidden, masks, positions, n,
        withBiases, kinds, numerators, maxDenominator, postNorm);
  }

  public CaseOptions withKinds(List<Prefix.Kind> k) {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, content, prefix, mlpHidden, masks, positions,
        norms, biases, k, numerators, maxDenominator, postNorm);
  }

  /** Also draws post-norm blocks (when a norm is drawn). */
  public CaseOptions withPostNorm() {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, content, prefix, mlpHidden, masks, positions,
        norms, biases, kinds, numerators, maxDenominator, true);
  }

  public CaseOptions withEntries(int lo, int hi, int den) {
    return new CaseOptions(layers, heads, dModel, dHead, dValue, content, prefix, mlpHidden, masks, positions,
        norms, biases, kinds, new int[] {lo, hi}, den, postNorm);
  }
}
