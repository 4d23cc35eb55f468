package io.prefixproof.cli;

import io.prefixproof.fast.FastModel;
import io.prefixproof.io.hf.ReferenceLogits;
import io.prefixproof.model.Architecture;
import io.prefixproof.model.Prefix;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;

/**
 * What a user's model computes, shown before any claim is checked on it: the top next-token logits after
 * the given tokens, a greedy continuation, and, with reference logits, their largest difference.
 */
final class Preview {
  private Preview() {}

  static final int TOP = 5;

  /** The model's logits for the tokens, positions × vocabulary. */
  static DMatrixRMaj logits(FastModel m, int[] tokens) {
    return m.run(Prefix.Kind.NONE, 0, m.embed(tokens), null, null, null, null).logits();
  }

  /**
   * Prints the preview; returns false when a reference was given and some logit differs from it by more
   * than {@code tolerance} (null: the reference's float64 error-model tolerance).
   */
  static boolean show(FastModel m, int[] tokens, int steps, ReferenceLogits ref, Double tolerance, PrintStream out) {
    return show(m.arch(), t -> logits(m, t), tokens, steps, ref, tolerance, out);
  }

  /** As {@link #show(FastModel, int[], int, ReferenceLogits, Double, PrintStream)} for any forward pass. */
  static boolean show(Architecture arch, Function<int[], DMatrixRMaj> forward, int[] tokens, int steps,
      ReferenceLogits ref, Double tolerance, PrintStream out) {
    DMatrixRMaj logits = forward.apply(tokens);
    int last = tokens.length - 1;
    Integer[] order = IntStream.range(0, logits.numCols).boxed()
        .sorted(Comparator.comparingDouble((Integer j) -> -logits.get(last, j)).thenComparingInt(j -> j))
        .toArray(Integer[]::new);
    StringBuilder top = new StringBuilder("top next-token logits after " + Arrays.toString(tokens) + ":");
    for (int r = 0; r < Math.min(TOP, order.length); r++) {
      top.append(String.format(" %d (%.6g)", order[r], logits.get(last, order[r])));
    }
    out.println(top);
    int room = Math.min(steps, arch.maxContext() - tokens.length);
    out.println("greedy continuation (" + room + " tokens): " + Arrays.toString(continuation(forward, tokens, room)));
    if (ref == null) {
      return true;
    }
    ReferenceLogits.Comparison c = ref.compare(logits, tolerance == null ? ref.tolerance(arch) : tolerance);
    out.println(c + (tolerance == null ? " (float64 error model; --tolerance sets another)" : " (--tolerance)"));
    return c.within();
  }

  /** {@code steps} tokens, each the argmax (lowest index among ties) of the last position's logits. */
  static int[] continuation(Function<int[], DMatrixRMaj> forward, int[] tokens, int steps) {
    int[] seq = Arrays.copyOf(tokens, tokens.length + steps);
    for (int s = 0; s < steps; s++) {
      int len = tokens.length + s;
      DMatrixRMaj logits = forward.apply(Arrays.copyOf(seq, len));
      int best = 0;
      for (int j = 1; j < logits.numCols; j++) {
        best = logits.get(len - 1, j) > logits.get(len - 1, best) ? j : best;
      }
      seq[len] = best;
    }
    return Arrays.copyOfRange(seq, tokens.length, seq.length);
  }
}
