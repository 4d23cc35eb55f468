package io.prefixproof.constructions;

import io.prefixproof.adapt.SoftPrompt;
import io.prefixproof.algebra.Arith;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.math3.dfp.Dfp;
import org.apache.commons.math3.fraction.BigFraction;
import org.ejml.data.DMatrixRMaj;

/**
 * CAP-5 measured on random tables: how many tables [V]×[V] → [V] a construction answers at every pair (a, b), for
 * PrefixProof's own construction ({@link Cap5}, run in doubles), the paper's packed construction
 * ({@link Cap5Paper}, run in Dfp: slow, seconds per table) and the companion notebook's float64 procedure
 * ({@link Cap5Notebook}). The tables are the ones numpy
 * draws ({@link Cap5Notebook#randomTables}).
 */
public final class Cap5Tables {
  private Cap5Tables() {}

  /** Which CAP-5 construction to run. */
  public enum Construction {
    OWN,
    PAPER,
    NOTEBOOK;

    /** {@code own}, {@code paper} or {@code notebook}; throws naming the option otherwise. */
    public static Construction parse(String s) {
      return switch (s) {
        case "own" -> OWN;
        case "paper" -> PAPER;
        case "notebook" -> NOTEBOOK;
        default -> throw new IllegalArgumentException("--construction must be own, paper or notebook, got '" + s + "'");
      };
    }
  }

  /**
   * One table's result: the pairs (a, b) answered wrongly, each {@code {a, b, answer}}.
   *
   * @param table the table f
   * @param wrong the wrong pairs, in the order a, then b
   */
  public record TableResult(int[][] table, List<int[]> wrong) {
    public boolean correct() {
      return wrong.isEmpty();
    }

    /** Asks {@code answer(a, b)} at every pair of table f and keeps the wrong ones. */
    public static TableResult of(int[][] f, java.util.function.IntBinaryOperator answer) {
      List<int[]> wrong = new ArrayList<>();
      for (int a = 0; a < f.length; a++) {
        for (int b = 0; b < f.length; b++) {
          int y = answer.applyAsInt(a, b);
          if (y != f[a][b]) {
            wrong.add(new int[] {a, b, y});
          }
        }
      }
      return new TableResult(f, List.copyOf(wrong));
    }
  }

  /**
   * Counts over random tables.
   *
   * @param tables how many tables were run
   * @param tablesCorrect how many were answered right at all V² pairs
   * @param pairsWrong wrong pairs over all tables
   * @param firstFailing the first table with a wrong pair, null when none
   */
  public record Measurement(int tables, int tablesCorrect, long pairsWrong, TableResult firstFailing) {}

  /** Runs {@code count} tables drawn from {@code seed} through the construction at settings s. */
  public static Measurement measure(Construction c, Settings s, int count, int seed) {
    int[][][] tables = Cap5Notebook.randomTables(s.vocab(), count, seed);
    Function<int[][], TableResult> run = switch (c) {
      case NOTEBOOK -> notebook(s);
      case OWN -> inDoubles(Cap5.model(s, Arith.exact()), f -> Cap5.prompt(f, s, Arith.exact()));
      case PAPER -> inDfp(s);
    };
    int correct = 0;
    long pairs = 0;
    TableResult first = null;
    for (int[][] f : tables) {
      TableResult r = run.apply(f);
      correct += r.correct() ? 1 : 0;
      pairs += r.wrong().size();
      first = first == null && !r.correct() ? r : first;
    }
    return new Measurement(count, correct, pairs, first);
  }

  /**
   * The packed construction in Dfp at 40 digits: doubles cannot run its unpacking, whose ramp units reach
   * 2⁹·V^V and are summed by the matrix products in an order that rounds away the digits below them.
   */
  private static Function<int[][], TableResult> inDfp(Settings s) {
    Arith<Dfp> ar = Arith.dfp(40);
    Model<Dfp> m = Cap5Paper.model(s, ar);
    return f -> {
      SoftPrompt<Dfp> prompt = Cap5Paper.prompt(f, s, ar);
      return TableResult.of(f, (a, b) -> Cap5Paper.answer(m, prompt, a, b));
    };
  }

  private static Function<int[][], TableResult> notebook(Settings s) {
    if (!s.notebookScale() || s.causal()) {
      throw new IllegalArgumentException("--construction notebook is the notebook's procedure: T/sqrt(n) scale and no"
          + " mask only (drop --scale fixed and --causal)");
    }
    double t = s.temperature().doubleValue();
    return f -> Cap5Notebook.run(f, t);
  }

  /** Runs a construction whose weights are exact rationals in doubles (the fast engine), answer at position 3. */
  private static Function<int[][], TableResult> inDoubles(Model<BigFraction> m,
      Function<int[][], SoftPrompt<BigFraction>> prompt) {
    FastModel fast = FastModel.of(m);
    return f -> {
      DMatrixRMaj rows = FastModel.toDense(m.arith(), prompt.apply(f).vectors());
      return TableResult.of(f, (a, b) -> {
        DMatrixRMaj logits = fast.run(Prefix.Kind.STREAM, rows.numRows, fast.embed(new int[] {a, b}), rows, null,
            null, null).logits();
        return argmaxRow(logits, logits.numRows - 1);
      });
    };
  }

  /** Index of the largest entry of row i, the lowest among ties (as {@code Forward.argmax}). */
  private static int argmaxRow(DMatrixRMaj m, int i) {
    int best = 0;
    for (int j = 1; j < m.numCols; j++) {
      if (m.get(i, j) > m.get(i, best)) {
        best = j;
      }
    }
    return best;
  }
}
