package io.prefixproof.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prefixproof.model.Prefix;
import java.nio.file.Path;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PrefixProof's MiniLM forward pass (double) against ONNX Runtime's fp32 output on the same ids
 * (src/test/resources/golden/minilm.json, made by src/golden/make-minilm-golden.sh).
 *
 * <p>Error model: the reference rounds to fp32 (u = 2⁻²⁴) and the double pass is exact by comparison.
 * Each of the L = 6 blocks evaluates three kinds of dot products of length at most m = 1,536; with the
 * probabilistic rounding-error model of Higham and Mary (2019) an fp32 dot product of length m is accurate
 * to about √m·u relative, and the LayerNorms keep every activation at the scale S = max|h|. So
 * {@code tol = L·(3√m + 10)·u·S}.
 */
class MiniLmGoldenTest {

  static final double U32 = Math.pow(2, -24);

  @Test
  @DisplayName("the forward pass matches ONNX Runtime within the error model, and a planted error is caught")
  void matchesOnnxRuntime() throws Exception {
    MiniLm mini = MiniLm.load();
    JsonNode root = new ObjectMapper().readTree(Path.of("src/test/resources/golden/minilm.json").toFile());
    int layers = mini.model().arch().layers();
    int m = Math.max(mini.model().arch().dModel(), mini.model().arch().mlpHidden());
    for (JsonNode s : root.get("sentences")) {
      int[] ids = new int[s.get("ids").size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = s.get("ids").get(i).asInt();
      }
      assertArrayEquals(ids, mini.tokenizer().encode(s.get("text").asText()), "tokenizer ids differ from the golden");
      DMatrixRMaj ours = mini.model().run(Prefix.Kind.NONE, 0, mini.embed(ids), null, null, null, null)
          .layers().get(layers - 1).output();
      double[][] golden = new double[ids.length][ours.numCols];
      double scale = 0;
      for (int i = 0; i < ids.length; i++) {
        for (int j = 0; j < ours.numCols; j++) {
          golden[i][j] = s.get("hidden").get(i).get(j).asDouble();
          scale = Math.max(scale, Math.abs(golden[i][j]));
        }
      }
      double tol = layers * (3 * Math.sqrt(m) + 10) * U32 * scale;
      double err = maxError(ours, golden);
      System.out.printf("MiniLM vs ONNX Runtime, %d tokens: max |diff| %.3g, tolerance %.3g (ratio %.3g)%n",
          ids.length, err, tol, err / tol);
      assertTrue(err <= tol, "forward pass differs from ONNX Runtime by " + err + " > " + tol);
      ours.add(ids.length / 2, 7, 1.5 * tol);
      assertTrue(maxError(ours, golden) > tol, "planted error of 1.5 tol not caught");
    }
  }

  static double maxError(DMatrixRMaj ours, double[][] golden) {
    double err = 0;
    for (int i = 0; i < golden.length; i++) {
      for (int j = 0; j < golden[i].length; j++) {
        err = Math.max(err, Math.abs(ours.get(i, j) - golden[i][j]));
      }
    }
    return err;
  }
}
