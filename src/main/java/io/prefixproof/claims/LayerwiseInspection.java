package io.prefixproof.claims;

import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Layerwise;
import io.prefixproof.model.Architecture;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The checks of {@link Inspection#run} on a model read one block at a time ({@link Layerwise}), with only
 * one block's weights held: the same prefix kinds, drawn from the same seed, the same checks and the same
 * row order, each check at layer l on the prefix-free run's layer-l input X_l.
 *
 * <p>LIM-1..4 and CONJ-3 at layer l are statements about one layer on any input: a prefix changes the
 * layer's attention to the rows X_l in the stated way whatever X_l is. {@link Inspection#run} takes X_l
 * from each prefixed run (so the prefix of the earlier layers moved it); here every check takes the
 * prefix-free X_l, so per block the content rows run through the block once:
 *
 * <ul>
 *   <li>the prefix-free run: the block on X_l at positions 0 … n − 1, whose output is X_{l+1};
 *   <li>every prefixed variant reuses X_l's queries, keys and values ({@link FastModel#projections}; rows
 *       depend on their own row only): a key/value prefix adds its keys and values, a residual prefix
 *       the projections of its p rows (at layer l the drawn rows themselves; under the causal mask no
 *       content row reaches them), and RoPE rotates the content at p … p + n − 1. Only the heads and the
 *       attention output (one W_O product for LIM-4) are computed, not the MLP;
 *   <li>CONJ-3's reference at positions 0 … n − 1 is the prefix-free run's heads themselves.
 * </ul>
 *
 * <p>A variant's rows are what {@link Inspection}'s checks give on the one-block run of that prefix on X_l,
 * double for double ({@code LayerwiseInspectionTest}). The depth measures (CONJ-1, CONJ-5) need prefixed
 * runs to the last layer and are not run here.
 */
public final class LayerwiseInspection {
  private LayerwiseInspection() {}

  /**
   * The rows, and the seconds spent decoding blocks ({@code read}) and running and checking them, wall clock and
   * process CPU time (all threads, the collector's included).
   */
  public record Result(List<Inspection.Row> rows, double readSeconds, double computeSeconds, double readCpuSeconds,
      double computeCpuSeconds) {}

  /** CPU time of this process so far, in nanoseconds. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The prefixes of one layer: residual rows, key/value prefix, and CONJ-3's key/value prefix (null without RoPE). */
  record LayerPrefixes(DMatrixRMaj residual, List<DMatrixRMaj> keys, List<DMatrixRMaj> values,
      List<DMatrixRMaj> shiftKeys, List<DMatrixRMaj> shiftValues) {}

  /** Rows of the kinds "random residual", "random key/value", "aligned key/value", "aligned residual", CONJ-3. */
  static final int KINDS = 5;

  /** The checks of {@link Inspection#run}; {@code progress} (may be null) gets one line per block. */
  public static Result run(Layerwise model, DMatrixRMaj content, int p, long seed, PrintStream progress) {
    Architecture a = model.arch();
    Inspection.Draws draws = Inspection.draws(a, p, seed, true);
    Inspection.Draws shift = Inspection.draws(a, p, seed, false);
    boolean rope = a.positions() == Architecture.PositionKind.ROPE;
    DMatrixRMaj x = model.enter(content);
    List<List<Inspection.Row>> kinds = new ArrayList<>();
    for (int i = 0; i < KINDS; i++) {
      kinds.add(new ArrayList<>());
    }
    long[] wall = new long[2];
    long[] cpu = new long[2];
    for (int l = 0; l < a.layers(); l++) {
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      FastModel block = model.layer(l);
      long t1 = System.nanoTime();
      long c1 = cpuNanos();
      List<List<Inspection.Row>> found = new ArrayList<>();
      x = checkBlock(block, x, p, new LayerPrefixes(draws.residual().get(l), draws.keys().get(l),
          draws.values().get(l), rope ? shift.keys().get(l) : null, rope ? shift.values().get(l) : null), found);
      for (int k = 0; k < KINDS; k++) {
        relabel(found.get(k), l, kinds.get(k));
      }
      long t2 = System.nanoTime();
      long c2 = cpuNanos();
      wall[0] += t1 - t0;
      wall[1] += t2 - t1;
      cpu[0] += c1 - c0;
      cpu[1] += c2 - c1;
      if (progress != null) {
        int index = l;
        List<Inspection.Row> done = kinds.stream().flatMap(List::stream).filter(r -> r.layer() == index).toList();
        progress.printf("block %d/%d: decoded in %.1f s (%.1f s CPU), run and checked in %.1f s (%.1f s CPU);"
            + " %d rows, largest err/tol %.3g, %d do not hold%n", l + 1, a.layers(), (t1 - t0) / 1e9, (c1 - c0) / 1e9,
            (t2 - t1) / 1e9, (c2 - c1) / 1e9, done.size(), done.stream().mapToDouble(Inspection.Row::maxRatio).max()
                .orElse(0), done.stream().filter(r -> !r.holds()).count());
      }
    }
    List<Inspection.Row> all = new ArrayList<>();
    kinds.forEach(all::addAll);
    return new Result(all, wall[0] / 1e9, wall[1] / 1e9, cpu[0] / 1e9, cpu[1] / 1e9);
  }

  /**
   * The checks of one block (block 0 of the one-block model {@code block}) on its input x, n content rows:
   * appends {@link #KINDS} lists of rows (of layer 0) to {@code found} and returns the prefix-free output.
   */
  static DMatrixRMaj checkBlock(FastModel block, DMatrixRMaj x, int p, LayerPrefixes prefixes,
      List<List<Inspection.Row>> found) {
    Architecture a = block.arch();
    int n = x.numRows;
    int[] unshifted = range(0, n);
    int[] shifted = range(p, n);
    int[] kvPositions = range(0, p);
    List<FastModel.Projection> content = block.projections(0, x);
    List<FastModel.Head> plainHeads = block.heads(content, unshifted, null, null, new int[0], n);
    FastModel.Layer plainLayer = block.layer(0, x, plainHeads);
    FastModel.Trace plain = new FastModel.Trace(0, 0, unshifted, List.of(plainLayer), null);
    for (int k = 0; k < KINDS; k++) {
      found.add(new ArrayList<>());
    }
    Inspection.check(found.get(0), "random residual", block, residual(block, x, content, prefixes.residual()));
    Inspection.check(found.get(1), "random key/value", block,
        keyValue(block, x, content, shifted, kvPositions, prefixes.keys(), prefixes.values()));
    List<DMatrixRMaj> aligned = new ArrayList<>();
    for (int h = 0; h < a.heads(); h++) {
      aligned.add(Inspection.alignedKeys(block, plain, 0, h, p));
    }
    Inspection.check(found.get(2), "aligned key/value", block,
        keyValue(block, x, content, shifted, kvPositions, aligned, prefixes.values()));
    if (a.norm() == Architecture.NormKind.NONE || a.postNorm()) {
      Inspection.check(found.get(3), "aligned residual", block,
          residual(block, x, content, Inspection.alignedRows(block, plain, 0, p)));
    }
    if (prefixes.shiftKeys() != null) {
      RopeShift.compareLayer(block, keyValue(block, x, content, shifted, kvPositions, prefixes.shiftKeys(),
          prefixes.shiftValues()), 0, p, plainHeads, found.get(4));
    }
    return plainLayer.output();
  }

  /**
   * The heads and attention output of the block on x under a key/value prefix, the content at
   * {@code positions}, from the content's projections.
   */
  private static FastModel.Trace keyValue(FastModel block, DMatrixRMaj x, List<FastModel.Projection> content,
      int[] positions, int[] kvPositions, List<DMatrixRMaj> keys, List<DMatrixRMaj> values) {
    int p = kvPositions.length;
    List<FastModel.Head> heads = block.heads(content, positions, keys, values, kvPositions, p + x.numRows);
    FastModel.Layer layer = new FastModel.Layer(x, heads, block.attentionOut(0, heads), null);
    return new FastModel.Trace(0, p, positions, List.of(layer), null);
  }

  /** As {@link #keyValue} under residual rows {@code r} before the content: their projections join the content's. */
  private static FastModel.Trace residual(FastModel block, DMatrixRMaj x, List<FastModel.Projection> content,
      DMatrixRMaj r) {
    int p = r.numRows;
    List<FastModel.Projection> prefix = block.projections(0, r);
    List<FastModel.Projection> all = new ArrayList<>();
    for (int h = 0; h < prefix.size(); h++) {
      FastModel.Projection a = prefix.get(h);
      FastModel.Projection b = content.get(h);
      all.add(new FastModel.Projection(CommonOps_DDRM.concatRowsMulti(a.q(), b.q()),
          CommonOps_DDRM.concatRowsMulti(a.k(), b.k()), CommonOps_DDRM.concatRowsMulti(a.v(), b.v())));
    }
    int[] positions = range(0, p + x.numRows);
    List<FastModel.Head> heads = block.heads(all, positions, null, null, new int[0], positions.length);
    FastModel.Layer layer = new FastModel.Layer(CommonOps_DDRM.concatRowsMulti(r, x), heads,
        block.attentionOut(0, heads), null);
    return new FastModel.Trace(p, p, positions, List.of(layer), null);
  }

  /** {@code from, from + 1, …, from + count − 1}. */
  private static int[] range(int from, int count) {
    int[] r = new int[count];
    for (int i = 0; i < count; i++) {
      r[i] = from + i;
    }
    return r;
  }

  /** Moves {@code rows} (measured on block 0 of a one-block model) to {@code into} as rows of block l. */
  private static void relabel(List<Inspection.Row> rows, int l, List<Inspection.Row> into) {
    for (Inspection.Row r : rows) {
      into.add(new Inspection.Row(r.prefix(), l, r.head(), r.claim(), r.maxAbsErr(), r.maxRatio(), r.holds()));
    }
    rows.clear();
  }
}
