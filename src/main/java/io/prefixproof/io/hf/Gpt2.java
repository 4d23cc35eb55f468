package io.prefixproof.io.hf;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import io.prefixproof.model.ScoreScale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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

  /** The gpt2 model as read from its config. */
  static Decoder config(HfConfig c) {
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
    return new Decoder(arch, tied);
  }

  /** The whole model in memory. */
  static FastModel convert(HfConfig c, Checkpoint checkpoint) {
    Decoder dec = config(c);
    Importer in = dec.importer(checkpoint, null);
    DMatrixRMaj embed = dec.embedding(in);
    in.put(Names.EMBED, embed);
    in.put(Names.POS, dec.positions(in));
    for (int l = 0; l < dec.arch().layers(); l++) {
      dec.layer(in, l, l);
    }
    DMatrixRMaj[] norm = dec.finalNorm(in);
    in.put(Names.LNF_G, norm[0]);
    in.put(Names.LNF_B, norm[1]);
    in.put(Names.UNEMBED, dec.unembedding(in, checkpoint, embed));
    return in.finish(dec.arch(), "gpt2", dec::ignorable);
  }

  /** GPT-2's conversion, block by block or whole; {@code tied}: the unembedding is the token embedding. */
  record Decoder(Architecture arch, boolean tied) implements BlockReader {
    private static final Pattern BLOCK = Pattern.compile("(?:transformer\\.)?h\\.(\\d+)\\..*");

    @Override
    public String family() {
      return "gpt2";
    }

    @Override
    public Importer importer(Checkpoint checkpoint, Map<String, Object> reuse) {
      return new Importer(checkpoint, prefix(checkpoint), reuse);
    }

    private static String prefix(Checkpoint checkpoint) {
      return checkpoint.has("transformer.wte.weight") ? "transformer." : "";
    }

    @Override
    public Pattern blockTensor() {
      return BLOCK;
    }

    @Override
    public List<String> outside(Checkpoint checkpoint) {
      String p = prefix(checkpoint);
      return List.of(p + "wte.weight", p + "wpe.weight", p + "ln_f.weight", p + "ln_f.bias", "lm_head.weight");
    }

    /** The causal-mask buffers older checkpoints store are not weights. */
    @Override
    public boolean ignorable(String tensor) {
      return tensor.matches("(transformer\\.)?h\\.\\d+\\.attn\\.(masked_)?bias");
    }

    @Override
    public void layer(Importer in, int l, int target) {
      int d = arch.dModel();
      int k = arch.dHead();
      int inner = arch.mlpHidden();
      String p = "h." + l + ".";
      in.put(Names.ln1g(target), in.take(p + "ln_1.weight", 1, d));
      in.put(Names.ln1b(target), in.take(p + "ln_1.bias", 1, d));
      DMatrixRMaj qkv = in.take(p + "attn.c_attn.weight", d, 3 * d);
      DMatrixRMaj qkvBias = in.take(p + "attn.c_attn.bias", 1, 3 * d);
      for (int h = 0; h < arch.heads(); h++) {
        in.put(Names.wq(target, h), Importer.columnsTransposed(qkv, h * k, k));
        in.put(Names.wk(target, h), Importer.columnsTransposed(qkv, d + h * k, k));
        in.put(Names.wv(target, h), Importer.columnsTransposed(qkv, 2 * d + h * k, k));
        in.put(Names.bq(target, h), CommonOps_DDRM.extract(qkvBias, 0, 1, h * k, (h + 1) * k));
        in.put(Names.bk(target, h), CommonOps_DDRM.extract(qkvBias, 0, 1, d + h * k, d + (h + 1) * k));
        in.put(Names.bv(target, h), CommonOps_DDRM.extract(qkvBias, 0, 1, 2 * d + h * k, 2 * d + (h + 1) * k));
      }
      in.put(Names.wo(target), CommonOps_DDRM.transpose(in.take(p + "attn.c_proj.weight", d, d), null));
      in.put(Names.bo(target), in.take(p + "attn.c_proj.bias", 1, d));
      in.put(Names.ln2g(target), in.take(p + "ln_2.weight", 1, d));
      in.put(Names.ln2b(target), in.take(p + "ln_2.bias", 1, d));
      in.put(Names.w1(target), CommonOps_DDRM.transpose(in.take(p + "mlp.c_fc.weight", d, inner), null));
      in.put(Names.c1(target), in.take(p + "mlp.c_fc.bias", 1, inner));
      in.put(Names.w2(target), CommonOps_DDRM.transpose(in.take(p + "mlp.c_proj.weight", inner, d), null));
      in.put(Names.c2(target), in.take(p + "mlp.c_proj.bias", 1, d));
    }

    @Override
    public DMatrixRMaj embedding(Importer in) {
      return in.take("wte.weight", arch.vocab(), arch.dModel());
    }

    @Override
    public DMatrixRMaj positions(Importer in) {
      return in.take("wpe.weight", arch.maxContext(), arch.dModel());
    }

    @Override
    public DMatrixRMaj[] finalNorm(Importer in) {
      return new DMatrixRMaj[] {in.take("ln_f.weight", 1, arch.dModel()), in.take("ln_f.bias", 1, arch.dModel())};
    }

    @Override
    public DMatrixRMaj unembedding(Importer in, Checkpoint checkpoint, DMatrixRMaj embed) {
      in.skip("lm_head.weight");
      return tied ? embed : new Importer(checkpoint, "").take("lm_head.weight", arch.vocab(), arch.dModel());
    }
  }
}
