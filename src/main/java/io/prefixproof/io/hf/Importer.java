package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Collects a converter's weights under PrefixProof's names (each as {@code W} in {@code x Wᵀ}) from a
 * checkpoint, and at the end requires that every tensor of the checkpoint was used, so a checkpoint of
 * another family or with parts the converter does not understand is an error naming the tensor.
 */
final class Importer {
  private final Checkpoint checkpoint;
  private final String prefix;
  private final Set<String> used = new HashSet<>();
  private final Map<String, DMatrixRMaj> params = new LinkedHashMap<>();

  /**
   * Arrays of an earlier block to decode into, by tensor name with the block index replaced by {@code #}
   * (null: every tensor gets new arrays).
   */
  private final Map<String, Object> reuse;

  /** {@code prefix} is prepended to every tensor name ("transformer.", "model." or ""). */
  Importer(Checkpoint checkpoint, String prefix) {
    this(checkpoint, prefix, null);
  }

  /**
   * As {@link #Importer(Checkpoint, String)}, decoding each block tensor into the arrays {@code reuse} holds
   * for the same tensor of another block (and keeping the new ones there): the weights of a block read before
   * are overwritten.
   */
  Importer(Checkpoint checkpoint, String prefix, Map<String, Object> reuse) {
    this.checkpoint = checkpoint;
    this.prefix = prefix;
    this.reuse = reuse;
  }

  /** The key of a tensor's arrays in {@link #reuse}: its name without the block index. */
  private static String slot(String name) {
    return name.replaceFirst("\\.\\d+\\.", ".#.");
  }

  boolean has(String name) {
    return checkpoint.has(prefix + name);
  }

  /** The tensor {@code prefix + name}, required to have shape rows × cols (a vector when rows is 1). */
  DMatrixRMaj take(String name, int rows, int cols) {
    used.add(prefix + name);
    if (!checkpoint.has(prefix + name)) {
      throw new IllegalArgumentException("checkpoint has no tensor " + prefix + name + " (expected "
          + (rows == 1 ? "[" + cols + "]" : "[" + rows + ", " + cols + "]") + ")");
    }
    if (reuse == null) {
      return checkpoint.matrix(prefix + name, rows, cols);
    }
    DMatrixRMaj m = checkpoint.matrix(prefix + name, rows, cols, (DMatrixRMaj) reuse.get(slot(name)));
    reuse.put(slot(name), m);
    return m;
  }

  /**
   * The tensor {@code prefix + name} of shape [count·k, cols] as count matrices of k rows, with
   * {@code ropeOrder} in PrefixProof's RoPE row order ({@link Checkpoint#heads}).
   */
  DMatrixRMaj[] takeHeads(String name, int count, int k, int cols, boolean ropeOrder) {
    used.add(prefix + name);
    if (!checkpoint.has(prefix + name)) {
      throw new IllegalArgumentException("checkpoint has no tensor " + prefix + name + " (expected [" + count * k
          + ", " + cols + "])");
    }
    DMatrixRMaj[] m = checkpoint.heads(prefix + name, count, k, cols, ropeOrder,
        reuse == null ? null : (DMatrixRMaj[]) reuse.get(slot(name)));
    if (reuse != null) {
      reuse.put(slot(name), m);
    }
    return m;
  }

  /** Takes a tensor by its full name without reading it (a tied copy the model does not use). */
  void skip(String fullName) {
    used.add(fullName);
  }

  void put(String ours, DMatrixRMaj m) {
    params.put(ours, m);
  }

  /** Rows [from, from + count) of m. */
  static DMatrixRMaj rows(DMatrixRMaj m, int from, int count) {
    return CommonOps_DDRM.extract(m, from, from + count, 0, m.numCols);
  }

  /** The transpose of columns [from, from + count) of m: a Conv1D ({@code x W}) slice as {@code x Wᵀ}. */
  static DMatrixRMaj columnsTransposed(DMatrixRMaj m, int from, int count) {
    return CommonOps_DDRM.transpose(CommonOps_DDRM.extract(m, 0, m.numRows, from, from + count), null);
  }

  /** The model, after checking that each checkpoint tensor was used or is a buffer {@code ignorable} accepts. */
  FastModel finish(Architecture arch, String family, Predicate<String> ignorable) {
    requireUsed(n -> true, family, ignorable);
    return new FastModel(arch, params);
  }

  /**
   * The model of the weights put so far, without checking what was used: one block, whose weights were checked
   * finite as they were decoded ({@link FastModel#ofDecodedBlock}).
   */
  FastModel block(Architecture arch) {
    return FastModel.ofDecodedBlock(arch, params);
  }

  /**
   * Requires that each checkpoint tensor {@code scope} accepts was used or is a buffer {@code ignorable}
   * accepts; otherwise an error names it.
   */
  void requireUsed(Predicate<String> scope, String family, Predicate<String> ignorable) {
    Set<String> left = new TreeSet<>();
    for (String n : checkpoint.names()) {
      if (scope.test(n) && !used.contains(n) && !ignorable.test(n)) {
        left.add(n);
      }
    }
    if (!left.isEmpty()) {
      throw new IllegalArgumentException("checkpoint tensor " + left.iterator().next() + " is not part of a " + family
          + " model as configured" + (left.size() > 1 ? " (" + left.size() + " such tensors: " + left + ")" : ""));
    }
  }
}
