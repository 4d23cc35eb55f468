package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import io.prefixproof.model.ScoreScale;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;

/**
 * LLaMA ({@code model_type "llama"}) and the decoder it shares with Mistral and Qwen2: RMSNorm before each
 * sub-block and at the end, q/k/v/o projections stored as {@code nn.Linear} ({@code x Wᵀ}, so no
 * transposes), grouped-query attention, RoPE, SwiGLU MLP {@code down(silu(gate(x)) ⊙ up(x))}, tied or
 * untied {@code lm_head}.
 *
 * <p>Grouped-query attention: query head h reads key/value head {@code h / (H / H_kv)}. The converter
 * puts that head's one K and V matrix (and biases) under every query head of its group: the same
 * object, not a copy.
 *
 * <p>RoPE layout: Hugging Face rotates dimension m of a head together with dimension m + k/2 ("rotate
 * half"); PrefixProof rotates 2m with 2m + 1. Queries and keys are permuted the same way (row 2m of W_Q,
 * W_K from row m, row 2m + 1 from row m + k/2), which leaves every score unchanged: ⟨Pq, Pk⟩ = ⟨q, k⟩.
 */
final class Llama {
  private Llama() {}

  /** The largest context of a model config (README, "Input ranges"). */
  static final int MAX_CONTEXT = 1 << 20;

  /** LLaMA's config: q/k/v/o biases together under {@code attention_bias}, none in the MLP. */
  static Decoder config(HfConfig c) {
    boolean biases = c.bool("attention_bias", false);
    if (c.bool("mlp_bias", false)) {
      throw c.error("mlp_bias", "is true; biases in the gated MLP are not supported");
    }
    // tensor-parallel slicing of the same products during pre-training: no change to the mathematics
    c.get("pretraining_tp");
    return Decoder.of(c, "llama", biases, biases, Integer.MAX_VALUE);
  }

  /**
   * The decoder LLaMA shares with Mistral and Qwen2, as read from its config. {@code qkvBias}: q/k/v
   * projections carry biases (Qwen2); {@code oBias}: o_proj does; the context is capped at the sliding
   * window (within it a sliding window changes nothing).
   */
  record Decoder(Architecture arch, String family, int kvHeads, boolean qkvBias, boolean oBias, boolean tied,
      Rope rope) implements BlockReader {
    private static final Pattern BLOCK = Pattern.compile("(?:model\\.)?layers\\.(\\d+)\\..*");

    static Decoder of(HfConfig c, String family, boolean qkvBias, boolean oBias, int window) {
      int vocab = c.integer("vocab_size");
      int d = c.integer("hidden_size");
      int hidden = c.integer("intermediate_size");
      int layers = c.integer("num_hidden_layers");
      int heads = c.integer("num_attention_heads");
      int kvHeads = c.integer("num_key_value_heads", heads);
      int positions = c.integer("max_position_embeddings");
      if (c.get("head_dim") == null && d % heads != 0) {
        throw c.error("num_attention_heads", "= " + heads + " does not divide hidden_size = " + d);
      }
      int k = c.integer("head_dim", d / heads);
      if (heads % kvHeads != 0) {
        throw c.error("num_key_value_heads", "= " + kvHeads + " does not divide num_attention_heads = " + heads);
      }
      if (k % 2 != 0) {
        throw c.error("head_dim", "= " + k + " is odd; RoPE rotates pairs");
      }
      double eps = c.positive("rms_norm_eps", 1e-6);
      boolean tied = c.bool("tie_word_embeddings", false);
      c.require("hidden_act", "the MLP is SwiGLU", "silu", "swish");
      Rope rope = Rope.of(c, k, positions);
      c.ignore(HfConfig.METADATA);
      c.finish(family);
      // dynamic NTK is made for sequences past max_position_embeddings: the context is the engine's largest
      int context = Math.min(rope.scaling().usesRotationWeights() ? positions : MAX_CONTEXT, window);
      double sigma = rope.attentionFactor() * rope.attentionFactor() / Math.sqrt(k);
      Architecture arch = Architecture.builder(d).vocab(vocab).layers(layers).heads(heads).dHead(k).dValue(k)
          .mlp(hidden, Architecture.Activation.SWIGLU).norm(Architecture.NormKind.RMS, true)
          .normEps(new BigFraction(eps)).attnBiases(qkvBias || oBias).mask(Architecture.Mask.CAUSAL)
          .positions(Architecture.PositionKind.ROPE).ropeScaling(rope.scaling()).maxContext(context)
          .scale(ScoreScale.fixed(new BigFraction(sigma))).build();
      return new Decoder(arch, family, kvHeads, qkvBias, oBias, tied, rope);
    }

    @Override
    public Importer importer(Checkpoint checkpoint, Map<String, Object> reuse) {
      return new Importer(checkpoint, checkpoint.has("model.embed_tokens.weight") ? "model." : "", reuse);
    }

    @Override
    public Pattern blockTensor() {
      return BLOCK;
    }

    @Override
    public List<String> outside(Checkpoint checkpoint) {
      String model = checkpoint.has("model.embed_tokens.weight") ? "model." : "";
      return List.of(model + "embed_tokens.weight", model + "norm.weight", "lm_head.weight");
    }

    /** Older checkpoints store each layer's RoPE inverse frequencies, which the config determines. */
    @Override
    public boolean ignorable(String tensor) {
      return tensor.matches("(model\\.)?layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");
    }

    @Override
    public DMatrixRMaj positions(Importer in) {
      return null;
    }

    @Override
    public DMatrixRMaj[] finalNorm(Importer in) {
      return new DMatrixRMaj[] {in.take("norm.weight", 1, arch.dModel()), null};
    }

    /** cos θ_m and sin θ_m of each pair, PrefixProof's rotation weights (none with dynamic NTK). */
    private void putRope(Importer in) {
      if (!rope.scaling().usesRotationWeights()) {
        return;
      }
      int half = arch.dHead() / 2;
      DMatrixRMaj cos = new DMatrixRMaj(1, half);
      DMatrixRMaj sin = new DMatrixRMaj(1, half);
      for (int m = 0; m < half; m++) {
        cos.set(0, m, Math.cos(rope.theta()[m]));
        sin.set(0, m, Math.sin(rope.theta()[m]));
      }
      in.put(Names.ROPE_COS, cos);
      in.put(Names.ROPE_SIN, sin);
    }

    /** Checkpoint layer {@code l}'s weights under PrefixProof's names of layer {@code target}, and the rotation. */
    @Override
    public void layer(Importer in, int l, int target) {
      putRope(in);
      int d = arch.dModel();
      int k = arch.dHead();
      int heads = arch.heads();
      int hidden = arch.mlpHidden();
      String p = "layers." + l + ".";
      in.put(Names.ln1g(target), in.take(p + "input_layernorm.weight", 1, d));
      DMatrixRMaj[] q = in.takeHeads(p + "self_attn.q_proj.weight", heads, k, d, true);
      DMatrixRMaj[] keyW = in.takeHeads(p + "self_attn.k_proj.weight", kvHeads, k, d, true);
      DMatrixRMaj[] valueW = in.takeHeads(p + "self_attn.v_proj.weight", kvHeads, k, d, false);
      DMatrixRMaj qb = qkvBias ? column(in.take(p + "self_attn.q_proj.bias", 1, heads * k)) : null;
      DMatrixRMaj kb = qkvBias ? column(in.take(p + "self_attn.k_proj.bias", 1, kvHeads * k)) : null;
      DMatrixRMaj vb = qkvBias ? column(in.take(p + "self_attn.v_proj.bias", 1, kvHeads * k)) : null;
      DMatrixRMaj[] keyB = new DMatrixRMaj[kvHeads];
      DMatrixRMaj[] valueB = new DMatrixRMaj[kvHeads];
      for (int g = 0; g < kvHeads; g++) {
        keyB[g] = qkvBias ? transposed(interleaved(kb, g * k, k)) : new DMatrixRMaj(1, k);
        valueB[g] = qkvBias ? transposed(Importer.rows(vb, g * k, k)) : new DMatrixRMaj(1, k);
      }
      int group = heads / kvHeads;
      for (int h = 0; h < heads; h++) {
        in.put(Names.wq(target, h), q[h]);
        in.put(Names.wk(target, h), keyW[h / group]);
        in.put(Names.wv(target, h), valueW[h / group]);
        if (arch.attnBiases()) {
          in.put(Names.bq(target, h), qkvBias ? transposed(interleaved(qb, h * k, k)) : new DMatrixRMaj(1, k));
          in.put(Names.bk(target, h), keyB[h / group]);
          in.put(Names.bv(target, h), valueB[h / group]);
        }
      }
      in.put(Names.wo(target), in.take(p + "self_attn.o_proj.weight", d, heads * k));
      if (arch.attnBiases()) {
        in.put(Names.bo(target), oBias ? in.take(p + "self_attn.o_proj.bias", 1, d) : new DMatrixRMaj(1, d));
      }
      in.put(Names.ln2g(target), in.take(p + "post_attention_layernorm.weight", 1, d));
      in.put(Names.wg(target), in.take(p + "mlp.gate_proj.weight", hidden, d));
      in.put(Names.w1(target), in.take(p + "mlp.up_proj.weight", hidden, d));
      in.put(Names.c1(target), new DMatrixRMaj(1, hidden));
      in.put(Names.w2(target), in.take(p + "mlp.down_proj.weight", d, hidden));
      in.put(Names.c2(target), new DMatrixRMaj(1, d));
    }

    @Override
    public DMatrixRMaj embedding(Importer in) {
      return in.take("embed_tokens.weight", arch.vocab(), arch.dModel());
    }

    @Override
    public DMatrixRMaj unembedding(Importer in, Checkpoint checkpoint, DMatrixRMaj embed) {
      in.skip("lm_head.weight");
      return tied ? embed : new Importer(checkpoint, "").take("lm_head.weight", arch.vocab(), arch.dModel());
    }
  }

  /** The whole model in memory. */
  static FastModel decoder(Decoder dec, Checkpoint checkpoint) {
    Importer in = dec.importer(checkpoint, null);
    DMatrixRMaj embed = dec.embedding(in);
    in.put(Names.EMBED, embed);
    for (int l = 0; l < dec.arch().layers(); l++) {
      dec.layer(in, l, l);
    }
    in.put(Names.LNF_G, dec.finalNorm(in)[0]);
    in.put(Names.UNEMBED, dec.unembedding(in, checkpoint, embed));
    return in.finish(dec.arch(), dec.family(), dec::ignorable);
  }

  /** Rows [from, from + k) of m in PrefixProof's RoPE order: row 2i from row from + i, row 2i + 1 from from + k/2 + i. */
  static DMatrixRMaj interleaved(DMatrixRMaj m, int from, int k) {
    DMatrixRMaj out = new DMatrixRMaj(k, m.numCols);
    for (int i = 0; i < k / 2; i++) {
      System.arraycopy(m.data, (from + i) * m.numCols, out.data, 2 * i * m.numCols, m.numCols);
      System.arraycopy(m.data, (from + k / 2 + i) * m.numCols, out.data, (2 * i + 1) * m.numCols, m.numCols);
    }
    return out;
  }

  /** A bias row as a column, so that its entries permute like the rows of the weight. */
  private static DMatrixRMaj column(DMatrixRMaj row) {
    return new DMatrixRMaj(row.numCols, 1, true, row.data);
  }

  private static DMatrixRMaj transposed(DMatrixRMaj column) {
    return new DMatrixRMaj(1, column.numRows, true, column.data);
  }
}
