package io.prefixproof.constructions;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.model.Names;
import java.util.Map;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * The shared decoder of the constructions (PAPER.md §5): from an attention output whose first {@code m}
 * coordinates are h, {@code z1 = ReLU(h − 1)}, {@code z2 = Σ z1} (already ≥ 0, so the second ReLU of the
 * notebook is the identity), and {@code logit_c = (2c/V − 1)·z2 + 1/4 − (c/V)² = (z2 − 1/2)² − (z2 − c/V)²},
 * so the argmax is the grid point c/V nearest to z2 (the lower index on a tie).
 *
 * <p>In the block: MLP {@code W_1 = [I_m | 0]}, {@code c_1 = −1}, {@code W_2} puts {@code Σ z1} in
 * coordinate 0, {@code c_2 = e_1} puts the constant 1 in coordinate 1; the unembedding row c is
 * {@code [2c/V − 1, 1/4 − (c/V)², 0, …]}.
 */
final class Decoder {
  private Decoder() {}

  /** Adds the MLP (hidden width m) and unembedding weights for width d and vocabulary V. */
  static <T extends FieldElement<T>> void put(Map<String, Mat<T>> p, Arith<T> ar, int d, int m, int vocab) {
    if (d < 2) {
      throw new IllegalArgumentException("the decoder needs a width of at least 2, got " + d);
    }
    T zero = ar.zero();
    T one = ar.one();
    p.put(Names.w1(0), Mat.of(ar.field(), m, d, (i, j) -> i == j ? one : zero));
    p.put(Names.c1(0), Mat.of(ar.field(), 1, m, (i, j) -> one.negate()));
    p.put(Names.w2(0), Mat.of(ar.field(), d, m, (i, j) -> i == 0 ? one : zero));
    p.put(Names.c2(0), Mat.of(ar.field(), 1, d, (i, j) -> j == 1 ? one : zero));
    p.put(Names.UNEMBED, unembedding(ar, vocab, d, 0));
  }

  /** The unembedding reading z2 at coordinate {@code out} and the constant 1 at {@code out + 1}. */
  static <T extends FieldElement<T>> Mat<T> unembedding(Arith<T> ar, int vocab, int d, int out) {
    return Mat.of(ar.field(), vocab, d, (c, j) -> {
      BigFraction g = new BigFraction(c, vocab);
      return j == out ? ar.of(g.multiply(2).subtract(1))
          : j == out + 1 ? ar.of(new BigFraction(1, 4).subtract(g.multiply(g))) : ar.zero();
    });
  }

  /** Checks that {@code t} has {@code rows} rows of {@code cols} tokens in [0, V); throws naming the entry. */
  static void requireTable(int[][] t, int rows, int cols, int vocab, String what) {
    if (t.length != rows) {
      throw new IllegalArgumentException(what + " has " + t.length + " rows, expected " + rows);
    }
    for (int k = 0; k < rows; k++) {
      if (t[k].length != cols) {
        throw new IllegalArgumentException(what + " row " + k + " has " + t[k].length + " tokens, expected " + cols);
      }
      for (int y : t[k]) {
        if (y < 0 || y >= vocab) {
          throw new IllegalArgumentException(what + " row " + k + " has token " + y + " outside [0, " + vocab + ")");
        }
      }
    }
  }

  /** Printable ASCII for V = 94 (c = ord − 32), token indices otherwise. */
  static String text(int[] tokens, int vocab) {
    StringBuilder sb = new StringBuilder();
    for (int t : tokens) {
      if (vocab == 94) {
        sb.append((char) (t + 32));
      } else {
        sb.append(sb.length() == 0 ? "" : " ").append(t);
      }
    }
    return sb.toString();
  }

  /** Token indices of a printable-ASCII string (V = 94); throws naming the first character outside. */
  static int[] encode(String text, int vocab) {
    if (vocab != 94) {
      throw new IllegalArgumentException("text targets need --vocab 94 (printable ASCII); got V=" + vocab
          + ", give token indices instead");
    }
    int[] out = new int[text.length()];
    for (int i = 0; i < text.length(); i++) {
      int c = text.charAt(i) - 32;
      if (c < 0 || c >= 94) {
        throw new IllegalArgumentException("character '" + text.charAt(i) + "' at " + i
            + " is outside the 94 printable ASCII characters ' '..'}'");
      }
      out[i] = c;
    }
    return out;
  }
}
