package io.prefixproof.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.prefixproof.model.Architecture;
import java.nio.file.Path;
import org.ejml.data.DMatrixRMaj;

/**
 * Reference logits for a token sequence, {@code {"tokens": [ids], "logits": [[vocab numbers] per
 * position]}}, and their comparison with a model's logits.
 *
 * <p>Error model of {@link #tolerance}, for a reference computed in float64 by another implementation of
 * the same network (the tiny checkpoints' src/golden/hf_tiny.py): both sides evaluate the same real
 * function with round-off only, in different orders. A block evaluates dot products of length at most m
 * = max(d, MLP width, H·k, n) (forward error ≤ m·u·Σ|x_i y_i| each side), a softmax and a norm (a few u
 * relative each), so a block's absolute error is at most (4m + 50)·u·S at activation scale S, and a block
 * may double the error it receives; the unembedding adds one more such step. So
 * {@code tol = 2^L · (L + 1) · (4m + 50) · u · max(1, max|logit|)} (the model of the EJML-versus-Dfp
 * differential test, with the logits' own scale). A reference in float32 or bfloat16 needs a larger,
 * user-given tolerance.
 */
public record ReferenceLogits(int[] tokens, double[][] logits) {

  static final double U = Math.ulp(1.0) / 2;

  /** Reads and validates the file against a vocabulary of {@code vocab} tokens. */
  public static ReferenceLogits read(Path file, int vocab) {
    JsonNode root = HfConfig.json(file);
    if (root == null || !root.isObject() || !root.path("tokens").isArray() || !root.path("logits").isArray()) {
      throw new IllegalArgumentException(file + ": expected an object with arrays \"tokens\" and \"logits\"");
    }
    JsonNode t = root.get("tokens");
    JsonNode l = root.get("logits");
    if (t.isEmpty() || t.size() != l.size()) {
      throw new IllegalArgumentException(file + ": \"tokens\" has " + t.size() + " entries and \"logits\" " + l.size()
          + " rows; they must be equal and non-zero");
    }
    int[] tokens = new int[t.size()];
    double[][] logits = new double[t.size()][];
    for (int i = 0; i < tokens.length; i++) {
      JsonNode id = t.get(i);
      if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() >= vocab) {
        throw new IllegalArgumentException(file + ": tokens[" + i + "] = " + id + " is not a token id in [0, " + vocab
            + ")");
      }
      tokens[i] = id.asInt();
      JsonNode row = l.get(i);
      if (!row.isArray() || row.size() != vocab) {
        throw new IllegalArgumentException(file + ": logits[" + i + "] has " + (row.isArray() ? row.size() : 0)
            + " numbers, expected the vocabulary size " + vocab);
      }
      logits[i] = new double[vocab];
      for (int j = 0; j < vocab; j++) {
        JsonNode v = row.get(j);
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
          throw new IllegalArgumentException(file + ": logits[" + i + "][" + j + "] = " + v + " is not a finite number");
        }
        logits[i][j] = v.doubleValue();
      }
    }
    return new ReferenceLogits(tokens, logits);
  }

  /** The error-model tolerance for a float64 reference (see the class comment). */
  public double tolerance(Architecture a) {
    int m = Math.max(Math.max(a.dModel(), a.mlpHidden()), Math.max(a.heads() * a.dValue(), tokens.length));
    double scale = 1;
    for (double[] row : logits) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    return Math.pow(2, a.layers()) * (a.layers() + 1) * (4.0 * m + 50) * U * scale;
  }

  /** The largest difference and where: position, token, our value and the reference's. */
  public record Comparison(double maxDiff, int position, int token, double ours, double reference, double tolerance) {
    public boolean within() {
      return maxDiff <= tolerance;
    }

    @Override
    public String toString() {
      return String.format("largest logit difference %.3g at position %d, token %d (ours %.17g, reference %.17g);"
          + " tolerance %.3g: %s", maxDiff, position, token, ours, reference, tolerance, within() ? "within" : "NOT within");
    }
  }

  /** Compares {@code ours} (positions × vocab) with the reference under {@code tolerance}. */
  public Comparison compare(DMatrixRMaj ours, double tolerance) {
    if (ours.numRows != logits.length || ours.numCols != logits[0].length) {
      throw new IllegalArgumentException("model logits are " + ours.numRows + "x" + ours.numCols + ", the reference "
          + logits.length + "x" + logits[0].length);
    }
    Comparison worst = new Comparison(-1, 0, 0, 0, 0, tolerance);
    for (int i = 0; i < logits.length; i++) {
      for (int j = 0; j < logits[i].length; j++) {
        double diff = Math.abs(ours.get(i, j) - logits[i][j]);
        if (!(diff <= worst.maxDiff())) {
          worst = new Comparison(diff, i, j, ours.get(i, j), logits[i][j], tolerance);
        }
      }
    }
    return worst;
  }
}
