package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Gemm;
import io.prefixproof.fast.Layerwise;
import io.prefixproof.model.Architecture;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A checkpoint (gpt2, llama, mistral, qwen2) read one block at a time: each call of {@link #layer} decodes
 * that block's tensors from the memory-mapped shards into doubles, converted by the family's
 * {@link BlockReader#layer} as the whole-model import converts them, so a block here is bit for bit the
 * block of {@link HfModel#load}. The embedding (with GPT-2's position embedding) and the unembedding are
 * decoded once and kept (2 × vocabulary × d doubles); at any time one block's weights are held besides them.
 * Each block is decoded into the arrays of the block before (same tensor, same shape), so a block returned
 * by {@link #layer} is valid until the next call.
 *
 * <p>Opening checks every tensor name against the blocks and the model's other parts; decoding block l
 * checks that each of its tensors was used, as the whole-model import checks all of them.
 */
final class HfLayers implements Layerwise {
  private final BlockReader reader;
  private final Checkpoint checkpoint;
  private final Architecture one;
  /** The arrays of the block decoded last, by tensor without block index ({@link Importer}). */
  private final Map<String, Object> reuse = new HashMap<>();
  private DMatrixRMaj embedding;
  private DMatrixRMaj positions;
  private DMatrixRMaj[] finalNorm;
  private DMatrixRMaj unembedding;

  HfLayers(BlockReader reader, Checkpoint checkpoint) {
    this.reader = reader;
    this.checkpoint = checkpoint;
    this.one = Layerwise.oneBlock(reader.arch());
    Importer outside = reader.importer(checkpoint, null);
    reader.outside(checkpoint).forEach(outside::skip);
    outside.requireUsed(n -> !isBlockTensor(n), reader.family(), n -> false);
  }

  /** A tensor of some block of this model; a block index past the last is an error naming the tensor. */
  private boolean isBlockTensor(String name) {
    Matcher m = reader.blockTensor().matcher(name);
    if (!m.matches()) {
      return false;
    }
    String index = m.group(1);
    if (index.length() > 9 || Integer.parseInt(index) >= reader.arch().layers()) {
      throw new IllegalArgumentException("checkpoint tensor " + name + " belongs to block " + index + " of a "
          + reader.family() + " model configured with " + reader.arch().layers() + " blocks");
    }
    return true;
  }

  @Override
  public Architecture arch() {
    return reader.arch();
  }

  @Override
  public DMatrixRMaj embed(int[] tokens) {
    DMatrixRMaj embedding = embedding();
    DMatrixRMaj rows = new DMatrixRMaj(tokens.length, arch().dModel());
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= arch().vocab()) {
        throw new IllegalArgumentException("token " + tokens[i] + " outside the vocabulary [0, " + arch().vocab() + ")");
      }
      CommonOps_DDRM.extract(embedding, tokens[i], tokens[i] + 1, 0, arch().dModel(), rows, i, 0);
    }
    return rows;
  }

  /** Learned positions: row i gets {@code P[i]} added, as in {@link FastModel#run}'s prefix-free run. */
  @Override
  public DMatrixRMaj enter(DMatrixRMaj content) {
    if (arch().positions() != Architecture.PositionKind.LEARNED) {
      return content;
    }
    if (positions == null) {
      positions = reader.positions(reader.importer(checkpoint, null));
    }
    if (content.numRows > positions.numRows) {
      throw new IllegalArgumentException(content.numRows + " positions exceed the " + positions.numRows
          + " learned positions");
    }
    DMatrixRMaj x = content.copy();
    for (int i = 0; i < x.numRows; i++) {
      for (int j = 0; j < x.numCols; j++) {
        x.add(i, j, positions.get(i, j));
      }
    }
    return x;
  }

  private DMatrixRMaj embedding() {
    if (embedding == null) {
      embedding = reader.embedding(reader.importer(checkpoint, null));
    }
    return embedding;
  }

  @Override
  public FastModel layer(int l) {
    Importer in = reader.importer(checkpoint, reuse);
    reader.layer(in, l, 0);
    in.requireUsed(n -> isBlockTensor(n) && Integer.parseInt(matcher(n).group(1)) == l, reader.family(),
        reader::ignorable);
    return in.block(one);
  }

  private Matcher matcher(String name) {
    Matcher m = reader.blockTensor().matcher(name);
    m.matches();
    return m;
  }

  @Override
  public DMatrixRMaj logits(DMatrixRMaj x) {
    if (unembedding == null) {
      Importer in = reader.importer(checkpoint, null);
      finalNorm = reader.finalNorm(in);
      unembedding = reader.unembedding(in, checkpoint, reader.tied() ? embedding() : null);
    }
    DMatrixRMaj hidden = FastModel.layerNorm(x, finalNorm[0], finalNorm[1], arch().normEps().doubleValue());
    DMatrixRMaj out = new DMatrixRMaj(x.numRows, arch().vocab());
    Gemm.multTransB(hidden, unembedding, out);
    return out;
  }
}
