package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import io.prefixproof.model.ScoreScale;
import java.util.Set;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * GPT-2 ({@code model_type "gpt2"}): learned positions, pre-LayerNorm blocks with a final LayerNorm,
 * tanh-GELU ({@code "gelu_new"}), biases everywhere, tied embeddings. Its {@code Conv1D} layers compute
 * {@code x W + b} with W stored input × output, so every weight is transposed into PrefixProof's
 * {@code x Wᵀ}; the fused {@code c_attn} (d × 3d) holds the queries, keys and values of all heads side by
 * side, head h's queries in columns [h·k, (h+1)·k), its keys d columns later, its values 2d later.
 */
final class Gpt2 {
  private Gpt2() {}

  /** Dropout, sequence-summary and numerics-only fields: none changes the inference mathematics. */
  private static final Set<String> IGNORED = Set.of("attn_pdrop", "embd_pdrop", "resid_pdrop", "summary_activation",
      "summary_first_dropout", "summary_proj_to_labels", "summary_type", "summary_use_proj", "task_specific_params",
      "reorder_and_upcast_attn");

  static FastModel convert(HfConfig c, Checkpoint checkpoint) {
    int vocab = c.integer("vocab_size");
    int d = c.integer("n_embd");
    int layers = c.integer("n_layer");
    int heads = c.integer("n_head");
    int positions = c.integer("n_positions");
    if (c.integer("n_ctx", positions) != positions) {
      throw c.error("n_ctx", "differs from n_positions = " + positions);
    }
    int inner = c.integer("n_inner", 4 * d);
    String act = c.text("activation_function", "gelu_new");
    Architecture.Activation activation = switch (act) {
      case "gelu_new", "gelu_pytorch_tanh" -> Architecture.Activation.GELU;
      case "gelu" -> Architecture.Activation.GELU_ERF;
      case "relu" -> Architecture.Activation.RELU;
      default -> throw c.error("activation_function", "is " + act + "; supported: gelu_new, gelu_pytorch_tanh, gelu, relu");
    };
    double eps = c.positive("layer_norm_epsilon", 1e-5);
    boolean scaled = c.bool("scale_attn_weights", true);
    if (c.bool("scale_attn_by_inverse_layer_idx", false)) {
      throw c.error("scale_attn_by_inverse_layer_idx", "is true; a per-layer score scale is not supported");
    }
    boolean tied = c.bool("tie_word_embeddings", true);
    c.ignore(IGNORED);
    c.ignore(HfConfig.METADATA);
    c.finish("gpt2");
    if (d % heads != 0) {
      throw c.error("n_head", "= " + heads + " does not divide n_embd = " + d);
    }
    int k = d / heads;
    Architecture arch = Architecture.builder(d).vocab(vocab).layers(layers).heads(heads).dHead(k).dValue(k)
        .mlp(inner, activation).norm(Architecture.NormKind.LAYER, true).normEps(new BigFraction(eps))
        .attnBiases(true).mask(Architecture.Mask.CAUSAL).positions(Architecture.PositionKind.LEARNED)
        .maxContext(positions).scale(ScoreScale.fixed(scaled ? new BigFraction(1 / Math.sqrt(k)) : BigFraction.ONE))
        .build();
    Importer in = new Importer(checkpoint, checkpoint.has("transformer.wte.weight") ? "transformer." : "");
    DMatrixRMaj embed = in.take("wte.weight", vocab, d);
    in.put(Names.EMBED, embed);
    in.put(Names.POS, in.take("wpe.weight", positions, d));
    for (int l = 0; l < layers; l++) {
      String p = "h." + l + ".";
      in.put(Names.ln1g(l), in.take(p + "ln_1.weight", 1, d));
      in.put(Names.ln1b(l), in.take(p + "ln_1.bias", 1, d));
      DMatrixRMaj qkv = in.take(p + "attn.c_attn.weight", d, 3 * d);
      DMatrixRMaj qkvBias = in.take(p + "attn.c_attn.bias", 1, 3 * d);
      for (int h = 0; h < heads; h++) {
        in.put(Names.wq(l, h), Importer.columnsTransposed(qkv, h * k, k));
        in.put(Names.wk(l, h), Importer.columnsTransposed(qkv, d + h * k, k));
        in.put(Names.wv(l, h), Importer.columnsTransposed(qkv, 2 * d + h * k, k));
        in.put(Names.bq(l, h), CommonOps_DDRM.extract(qkvBias, 0, 1, h * k, (h + 1) * k));
        in.put(Names.bk(l, h), CommonOps_DDRM.extract(qkvBias, 0, 1, d + h * k, d + (h + 1) * k));
        in.put(Names.bv(l, h), CommonOps_DDRM.extract(qkvBias, 0, 1, 2 * d + h * k, 2 * d + (h + 1) * k));
      }
      in.put(Names.wo(l), CommonOps_DDRM.transpose(in.take(p + "attn.c_proj.weight", d, d), null));
      in.put(Names.bo(l), in.take(p + "attn.c_proj.bias", 1, d));
      in.put(Names.ln2g(l), in.take(p + "ln_2.weight", 1, d));
      in.put(Names.ln2b(l), in.take(p + "ln_2.bias", 1, d));
      in.put(Names.w1(l), CommonOps_DDRM.transpose(in.take(p + "mlp.c_fc.weight", d, inner), null));
      in.put(Names.c1(l), in.take(p + "mlp.c_fc.bias", 1, inner));
      in.put(Names.w2(l), CommonOps_DDRM.transpose(in.take(p + "mlp.c_proj.weight", inner, d), null));
      in.put(Names.c2(l), in.take(p + "mlp.c_proj.bias", 1, d));
    }
    in.put(Names.LNF_G, in.take("ln_f.weight", 1, d));
    in.put(Names.LNF_B, in.take("ln_f.bias", 1, d));
    if (tied) {
      in.skip("lm_head.weight");
      in.put(Names.UNEMBED, embed);
    } else {
      in.put(Names.UNEMBED, new Importer(checkpoint, "").take("lm_head.weight", vocab, d));
      in.skip("lm_head.weight");
    }
    // the causal-mask buffers older checkpoints store are not weights
    return in.finish(arch, "gpt2", n -> n.matches("(transformer\\.)?h\\.\\d+\\.attn\\.(masked_)?bias"));
  }
}
