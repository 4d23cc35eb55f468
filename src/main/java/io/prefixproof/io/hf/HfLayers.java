package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.fast.Gemm;
import io.prefixproof.fast.Layerwise;
import io.prefixproof.model.Architecture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A LLaMA-family checkpoint (llama, mistral, qwen2) read one block at a time: each call of
 * {@link #layer} decodes that block's tensors from the memory-mapped shards into doubles, converted as
 * {@link Llama.Decoder#layer} converts them for the whole model, so a block here is bit for bit the block
 * of {@link HfModel#load}. The embedding and the unembedding are decoded once and kept (2 × vocabulary ×
 * d doubles); at any time at most one block's weights are held besides them.
 *
 * <p>Opening checks every tensor name against the blocks and the model's other parts; decoding block l
 * checks that each of its tensors was used, as the whole-model import checks all of them.
 */
final class HfLayers implements Layerwise {
  private static final Pattern BLOCK = Pattern.compile("(model\\.)?layers\\.(\\d+)\\..*");

  private final Llama.Decoder decoder;
  private final Checkpoint checkpoint;
  private final Architecture one;
  private DMatrixRMaj embedding;
  private DMatrixRMaj finalGain;
  private DMatrixRMaj unembedding;

  HfLayers(Llama.Decoder decoder, Checkpoint checkpoint) {
    this.decoder = decoder;
    this.checkpoint = checkpoint;
    this.one = Layerwise.oneBlock(decoder.arch());
    Importer outside = Llama.Decoder.importer(checkpoint);
    outside.skip(prefixed("embed_tokens.weight"));
    outside.skip(prefixed("norm.weight"));
    outside.skip("lm_head.weight");
    outside.requireUsed(n -> !isBlockTensor(n), decoder.family(), n -> false);
  }

  /** A tensor of some block of this model; a block index past the last is an error naming the tensor. */
  private boolean isBlockTensor(String name) {
    Matcher m = BLOCK.matcher(name);
    if (!m.matches()) {
      return false;
    }
    String index = m.group(2);
    if (index.length() > 9 || Integer.parseInt(index) >= decoder.arch().layers()) {
      throw new IllegalArgumentException("checkpoint tensor " + name + " belongs to block " + index + " of a "
          + decoder.family() + " model configured with " + decoder.arch().layers() + " blocks");
    }
    return true;
  }

  private String prefixed(String name) {
    return (checkpoint.has("model.embed_tokens.weight") ? "model." : "") + name;
  }

  @Override
  public Architecture arch() {
    return decoder.arch();
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

  private DMatrixRMaj embedding() {
    if (embedding == null) {
      embedding = decoder.embedding(Llama.Decoder.importer(checkpoint));
    }
    return embedding;
  }

  @Override
  public FastModel layer(int l) {
    Importer in = Llama.Decoder.importer(checkpoint);
    decoder.putRope(in);
    decoder.layer(in, l, 0);
    String block = "layers." + l + ".";
    in.requireUsed(n -> n.startsWith(block) || n.startsWith("model." + block), decoder.family(),
        Llama.Decoder::ignorable);
    return in.model(one);
  }

  @Override
  public DMatrixRMaj logits(DMatrixRMaj x) {
    if (unembedding == null) {
      Importer in = Llama.Decoder.importer(checkpoint);
      finalGain = decoder.finalGain(in);
      unembedding = decoder.unembedding(in, checkpoint, decoder.tied() ? embedding() : null);
    }
    DMatrixRMaj hidden = FastModel.layerNorm(x, finalGain, null, arch().normEps().doubleValue());
    DMatrixRMaj out = new DMatrixRMaj(x.numRows, arch().vocab());
    Gemm.multTransB(hidden, unembedding, out);
    return out;
  }
}
