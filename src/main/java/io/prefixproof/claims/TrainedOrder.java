package io.prefixproof.claims;

import io.prefixproof.fast.FastModel;
import io.prefixproof.train.TrainPrefix;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * LIM-1c on a trained one-layer model: per query, the argmax of the content attention is the same with any
 * prefix, so the order a different task needs cannot be reached by prefix-tuning. Compares, on one sequence,
 * the prefix-free reference attention (content at positions p..), the model with the trained prefix, and a
 * fully fine-tuned copy, at every output query of one head; the LIM-1 identity itself is measured on the
 * prefixed run with {@link DoubleLimitations} (its error model, its tolerances).
 */
public final class TrainedOrder {
  private TrainedOrder() {}

  /**
   * The measured verdict.
   *
   * @param queries the compared queries (content rows that predict an output token)
   * @param referenceArgmax per query, the content key with the largest weight without prefix
   * @param prefixArgmax the same with the trained prefix
   * @param finetunedArgmax the same in the fine-tuned model (its own prefix-free run)
   * @param movedByFinetuning queries whose argmax fine-tuning moved
   * @param movedByPrefix queries whose argmax the trained prefix moved (LIM-1c: none, unless two weights tie
   *     within the LIM-1 tolerance)
   * @param lim1MaxError largest |A^pt − A(1 − a)| over the compared head
   * @param lim1MaxRatio largest error/tolerance of LIM-1 (at most 1 when it holds)
   */
  public record Verdict(int[] queries, int[] referenceArgmax, int[] prefixArgmax, int[] finetunedArgmax,
      int movedByFinetuning, int movedByPrefix, double lim1MaxError, double lim1MaxRatio) {

    /** LIM-1 within its tolerance and no argmax moved by the prefix. */
    public boolean holds() {
      return lim1MaxRatio <= 1 && movedByPrefix == 0;
    }
  }

  /**
   * Checks layer 0, head {@code head}, on content {@code tokens} (without the prefix's positions), at the
   * content rows {@code from..} (the queries that predict outputs).
   */
  public static Verdict check(FastModel pretrained, TrainPrefix prefix, FastModel finetuned, int[] tokens, int head,
      int from) {
    int p = prefix.length();
    FastModel.Trace withPrefix = prefix.runOn(pretrained, tokens);
    DoubleLimitations.Meter meter = new DoubleLimitations.Meter().recordPerHead();
    DoubleLimitations.check(pretrained, withPrefix, meter);
    double[] lim1 = meter.perHead().getOrDefault("0 " + head + " LIM-1", new double[2]);
    // the prefix-free references (pretrained and fine-tuned) see the content at the prefixed run's positions p..
    DMatrixRMaj ref = reference(pretrained, withPrefix, head);
    DMatrixRMaj ftRef = reference(finetuned, prefix.runOn(finetuned, tokens), head);
    DMatrixRMaj pt = withPrefix.layers().get(0).heads().get(head).weights();
    int n = tokens.length;
    int[] queries = new int[n - from];
    int[] refArg = new int[queries.length];
    int[] ptArg = new int[queries.length];
    int[] ftArg = new int[queries.length];
    int movedFt = 0;
    int movedPt = 0;
    for (int q = 0; q < queries.length; q++) {
      int i = from + q;
      queries[q] = i;
      refArg[q] = argmax(ref, i, 0, i + 1);
      ptArg[q] = argmax(pt, withPrefix.streamPrefix() + i, withPrefix.keyPrefix(), withPrefix.keyPrefix() + i + 1)
          - withPrefix.keyPrefix();
      ftArg[q] = argmax(ftRef, i, 0, i + 1);
      movedFt += ftArg[q] != refArg[q] ? 1 : 0;
      movedPt += ptArg[q] != refArg[q] ? 1 : 0;
    }
    return new Verdict(queries, refArg, ptArg, ftArg, movedFt, movedPt, lim1[0], lim1[1]);
  }

  /** Head h's weights of the prefix-free layer 0 on the prefixed run's content inputs and positions. */
  static DMatrixRMaj reference(FastModel m, FastModel.Trace t, int h) {
    int sp = t.streamPrefix();
    int n = t.positions().length - sp;
    DMatrixRMaj in = t.layers().get(0).input();
    DMatrixRMaj x = new DMatrixRMaj(n, m.arch().dModel());
    org.ejml.dense.row.CommonOps_DDRM.extract(in, sp, in.numRows, 0, m.arch().dModel(), x, 0, 0);
    return m.layer(0, x, Arrays.copyOfRange(t.positions(), sp, t.positions().length), null, null, new int[0], n)
        .heads().get(h).weights();
  }

  /** Column of the largest entry of row i within [from, to), the lowest among ties. */
  static int argmax(DMatrixRMaj w, int i, int from, int to) {
    int best = from;
    for (int j = from + 1; j < to; j++) {
      if (w.get(i, j) > w.get(i, best)) {
        best = j;
      }
    }
    return best;
  }

}
