package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import io.prefixproof.model.ScoreScale;
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

  static FastModel convert(HfConfig c, Checkpoint checkpoint) {
    boolean biases = c.bool("attention_bias", false);
    if (c.bool("mlp_bias", false)) {
      throw c.error("mlp_bias", "is true; biases in the gated MLP are not supported");
    }
    // tensor-parallel slicing of the same products during pre-training: no change to the mathematics
    c.get("pretraining_tp");
    return decoder(c, checkpoint, "llama", biases, biases, Integer.MAX_VALUE);
  }

  /**
   * The shared decoder. {@code qkvBias}: q/k/v projections carry biases (Qwen2); {@code oBias}: o_proj does;
   * {@code window}: the sliding-window length, to which the context is capped (within it a sliding window
   * changes nothing).
   */
  static FastModel decoder(HfConfig c, Checkpoint checkpoint, String family, boolean qkvBias, boolean oBias,
      int window) {
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
    int context = Math.min(positions, Math.min(rope.contextCap(), window));
    double sigma = rope.attentionFactor() * rope.attentionFactor() / Math.sqrt(k);
    Architecture arch = Architecture.builder(d).vocab(vocab).layers(layers).heads(heads).dHead(k).dValue(k)
        .mlp(hidden, Architecture.Activation.SWIGLU).norm(Architecture.NormKind.RMS, true)
        .normEps(new BigFraction(eps)).attnBiases(qkvBias || oBias).mask(Architecture.Mask.CAUSAL)
        .positions(Architecture.PositionKind.ROPE).maxContext(context).scale(ScoreScale.fixed(new BigFraction(sigma)))
        .build();
    Importer in = new Importer(checkpoint, checkpoint.has("model.embed_tokens.weight") ? "model." : "");
    DMatrixRMaj embed = in.take("embed_tokens.weight", vocab, d);
    in.put(Names.EMBED, embed);
    DMatrixRMaj cos = new DMatrixRMaj(1, k / 2);
    DMatrixRMaj sin = new DMatrixRMaj(1, k / 2);
    for (int m = 0; m < k / 2; m++) {
      cos.set(0, m, Math.cos(rope.theta()[m]));
      sin.set(0, m, Math.sin(rope.theta()[m]));
    }
    in.put(Names.ROPE_COS, cos);
    in.put(Names.ROPE_SIN, sin);
    int group = heads / kvHeads;
    for (int l = 0; l < layers; l++) {
      String p = "layers." + l + ".";
      in.put(Names.ln1g(l), in.take(p + "input_layernorm.weight", 1, d));
      DMatrixRMaj q = in.take(p + "self_attn.q_proj.weight", heads * k, d);
      DMatrixRMaj kk = in.take(p + "self_attn.k_proj.weight", kvHeads * k, d);
      DMatrixRMaj v = in.take(p + "self_attn.v_proj.weight", kvHeads * k, d);
      DMatrixRMaj qb = qkvBias ? column(in.take(p + "self_attn.q_proj.bias", 1, heads * k)) : null;
      DMatrixRMaj kb = qkvBias ? column(in.take(p + "self_attn.k_proj.bias", 1, kvHeads * k)) : null;
      DMatrixRMaj vb = qkvBias ? column(in.take(p + "self_attn.v_proj.bias", 1, kvHeads * k)) : null;
      DMatrixRMaj[] keyW = new DMatrixRMaj[kvHeads];
      DMatrixRMaj[] valueW = new DMatrixRMaj[kvHeads];
      DMatrixRMaj[] keyB = new DMatrixRMaj[kvHeads];
      DMatrixRMaj[] valueB = new DMatrixRMaj[kvHeads];
      for (int g = 0; g < kvHeads; g++) {
        keyW[g] = interleaved(kk, g * k, k);
        valueW[g] = Importer.rows(v, g * k, k);
        keyB[g] = qkvBias ? transposed(interleaved(kb, g * k, k)) : new DMatrixRMaj(1, k);
        valueB[g] = qkvBias ? transposed(Importer.rows(vb, g * k, k)) : new DMatrixRMaj(1, k);
      }
      for (int h = 0; h < heads; h++) {
        in.put(Names.wq(l, h), interleaved(q, h * k, k));
        in.put(Names.wk(l, h), keyW[h / group]);
        in.put(Names.wv(l, h), valueW[h / group]);
        if (arch.attnBiases()) {
          in.put(Names.bq(l, h), qkvBias ? transposed(interleaved(qb, h * k, k)) : new DMatrixRMaj(1, k));
          in.put(Names.bk(l, h), keyB[h / group]);
          in.put(Names.bv(l, h), valueB[h / group]);
        }
      }
      in.put(Names.wo(l), in.take(p + "self_attn.o_proj.weight", d, heads * k));
      if (arch.attnBiases()) {
        in.put(Names.bo(l), oBias ? in.take(p + "self_attn.o_proj.bias", 1, d) : new DMatrixRMaj(1, d));
      }
      in.put(Names.ln2g(l), in.take(p + "post_attention_layernorm.weight", 1, d));
      in.put(Names.wg(l), in.take(p + "mlp.gate_proj.weight", hidden, d));
      in.put(Names.w1(l), in.take(p + "mlp.up_proj.weight", hidden, d));
      in.put(Names.c1(l), new DMatrixRMaj(1, hidden));
      in.put(Names.w2(l), in.take(p + "mlp.down_proj.weight", d, hidden));
      in.put(Names.c2(l), new DMatrixRMaj(1, d));
    }
    in.put(Names.LNF_G, in.take("norm.weight", 1, d));
    in.skip("lm_head.weight");
    in.put(Names.UNEMBED, tied ? embed : new Importer(checkpoint, "").take("lm_head.weight", vocab, d));
    // older checkpoints store each layer's RoPE inverse frequencies, which the config determines
    return in.finish(arch, family, n -> n.matches("(model\\.)?layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq"));
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
