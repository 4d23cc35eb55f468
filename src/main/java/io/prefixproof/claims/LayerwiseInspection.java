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
 * {@link Inspection#run} on a model read one block at a time ({@link Layerwise}): the same prefixes,
 * drawn from the same seed, the same runs and the same checks, in the same row order, but every run is
 * advanced through block l before block l + 1 is decoded, so only one block's weights are held. The rows
 * equal those of {@link Inspection#run} on the whole model, double for double.
 *
 * <p>Per block: five runs of the block (random residual, random key/value, prefix-free for the aligned
 * keys, aligned key/value, and for RoPE the shifted key/value run of CONJ-3), plus the aligned residual
 * run where the rows reach W_K unnormalised, and the prefix-free references of the checks (heads only).
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

  /** One run carried from block to block: its stream-prefix rows, key-prefix length, positions, block input. */
  private static final class Run {
    final int streamPrefix;
    final int keyPrefix;
    final int[] positions;
    final int[] kvPositions;
    DMatrixRMaj x;

    Run(int streamPrefix, int keyPrefix, DMatrixRMaj content) {
      this.streamPrefix = streamPrefix;
      this.keyPrefix = keyPrefix;
      int n = content.numRows;
      positions = new int[streamPrefix + n];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = (streamPrefix == 0 ? keyPrefix : 0) + i;
      }
      kvPositions = new int[streamPrefix == 0 ? keyPrefix : 0];
      for (int i = 0; i < kvPositions.length; i++) {
        kvPositions[i] = i;
      }
      x = new DMatrixRMaj(streamPrefix + n, content.numCols);
      CommonOps_DDRM.insert(content, x, streamPrefix, 0);
    }

    /**
     * Advances through the one-block model: residual rows (when given) replace the stream prefix first, a
     * key/value prefix (when given) joins the keys. Returns the block as a one-block trace.
     */
    FastModel.Trace advance(FastModel block, DMatrixRMaj rows, List<DMatrixRMaj> keys, List<DMatrixRMaj> values) {
      if (rows != null) {
        x = x.copy();
        CommonOps_DDRM.insert(rows, x, 0, 0);
      }
      int length = Math.max(streamPrefix, keyPrefix) + x.numRows - streamPrefix;
      FastModel.Layer layer = block.layer(0, x, positions, keys, values, kvPositions, length);
      x = layer.output();
      return new FastModel.Trace(streamPrefix, keyPrefix, positions, List.of(layer), null);
    }
  }

  /** The checks of {@link Inspection#run}; {@code progress} (may be null) gets one line per block. */
  public static Result run(Layerwise model, DMatrixRMaj content, int p, long seed, PrintStream progress) {
    Architecture a = model.arch();
    Inspection.Draws draws = Inspection.draws(a, p, seed, true);
    Inspection.Draws shift = Inspection.draws(a, p, seed, false);
    boolean alignedResidual = a.norm() == Architecture.NormKind.NONE || a.postNorm();
    boolean rope = a.positions() == Architecture.PositionKind.ROPE;
    Run residual = new Run(p, p, content);
    Run random = new Run(0, p, content);
    Run plain = new Run(0, 0, content);
    Run aligned = new Run(0, p, content);
    Run alignedRows = new Run(p, p, content);
    Run shifted = new Run(0, p, content);
    int[] unshifted = new int[content.numRows];
    for (int i = 0; i < unshifted.length; i++) {
      unshifted[i] = i;
    }
    List<List<Inspection.Row>> kinds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
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
      List<Inspection.Row> rows = new ArrayList<>();
      Inspection.check(rows, "random residual", block, residual.advance(block, draws.residual().get(l), null, null));
      relabel(rows, l, kinds.get(0));
      Inspection.check(rows, "random key/value", block,
          random.advance(block, null, draws.keys().get(l), draws.values().get(l)));
      relabel(rows, l, kinds.get(1));
      FastModel.Trace free = plain.advance(block, null, null, null);
      List<DMatrixRMaj> keys = new ArrayList<>();
      for (int h = 0; h < a.heads(); h++) {
        keys.add(Inspection.alignedKeys(block, free, 0, h, p));
      }
      Inspection.check(rows, "aligned key/value", block, aligned.advance(block, null, keys, draws.values().get(l)));
      relabel(rows, l, kinds.get(2));
      if (alignedResidual) {
        Inspection.check(rows, "aligned residual", block,
            alignedRows.advance(block, Inspection.alignedRows(block, free, 0, p), null, null));
        relabel(rows, l, kinds.get(3));
      }
      if (rope) {
        RopeShift.compare(block, shifted.advance(block, null, shift.keys().get(l), shift.values().get(l)), p,
            unshifted, rows);
        relabel(rows, l, kinds.get(4));
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

  /** Moves {@code rows} (measured on block 0 of a one-block model) to {@code into} as rows of block l. */
  private static void relabel(List<Inspection.Row> rows, int l, List<Inspection.Row> into) {
    for (Inspection.Row r : rows) {
      into.add(new Inspection.Row(r.prefix(), l, r.head(), r.claim(), r.maxAbsErr(), r.maxRatio(), r.holds()));
    }
    rows.clear();
  }
}
