package io.prefixproof.io.hf;

import io.prefixproof.model.Architecture;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.ejml.data.DMatrixRMaj;

/**
 * What {@link HfLayers} needs of a family's converter to read its checkpoint one block at a time: the
 * conversion of one block, and of the parts outside the blocks, each the code the whole-model import runs.
 */
interface BlockReader {
  /** The whole model's architecture. */
  Architecture arch();

  /** The {@code model_type}, for messages. */
  String family();

  /** The importer of the checkpoint's tensor names, decoding block tensors into {@code reuse} (may be null). */
  Importer importer(Checkpoint checkpoint, Map<String, Object> reuse);

  /** Full names of block tensors; group 1 is the block index. */
  Pattern blockTensor();

  /** Full names of the tensors outside the blocks that the model reads or may skip (a tied {@code lm_head}). */
  List<String> outside(Checkpoint checkpoint);

  /** Checkpoint block l's weights, and any per-block constants, under PrefixProof's names of block {@code target}. */
  void layer(Importer in, int l, int target);

  /** A block tensor that is a buffer of the framework, not a weight. */
  boolean ignorable(String tensor);

  /** The token embedding, decoded now. */
  DMatrixRMaj embedding(Importer in);

  /** The learned position embedding (positions × d), or null without one. */
  DMatrixRMaj positions(Importer in);

  /** The final norm's gain and bias (null for RMSNorm). */
  DMatrixRMaj[] finalNorm(Importer in);

  /** Whether the unembedding is the token embedding. */
  boolean tied();

  /** The unembedding: {@code embed} when tied, else {@code lm_head}, decoded now. */
  DMatrixRMaj unembedding(Importer in, Checkpoint checkpoint, DMatrixRMaj embed);
}
