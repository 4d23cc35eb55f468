package io.prefixproof.report;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.report.Charts.Figure;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.util.Decimal64;
import org.apache.commons.math3.util.Decimal64Field;

/**
 * Attention maps given in double (a real model's head, a trained model's head), drawn side by side: each map
 * as a heatmap and, for a map with prefix columns, its content block with every row divided by its sum (the
 * relative attention LIM-1 says a prefix cannot change), captioned with its largest difference from a
 * reference map of the same shape.
 */
public final class AttentionFigures {
  private AttentionFigures() {}

  static final Arith<Decimal64> DOUBLE = Arith.decimal64();

  /**
   * One map: rows are queries, columns keys, and the first {@code prefixColumns} columns are prefix keys, or with
   * {@code padding} the padding positions the model was trained with (where a prefix later goes).
   */
  public record Map(String label, double[][] weights, int prefixColumns, boolean padding) {

    /** A map whose leading columns are prefix keys. */
    public Map(String label, double[][] weights, int prefixColumns) {
      this(label, weights, prefixColumns, false);
    }

    /** What the leading keys are, for captions and axes. */
    String leading() {
      return padding ? "padding" : "prefix";
    }
  }

  /**
   * Figures {@code <file>-<label>.svg} for every map and {@code <file>-<label>-renormalised.svg} for every map
   * with prefix columns; {@code context} ends each caption; {@code reference} indexes the map the renormalised
   * ones are compared with.
   */
  public static List<Figure> sideBySide(String file, String context, List<Map> maps, int reference) {
    Map ref = maps.get(reference);
    List<Figure> out = new ArrayList<>();
    for (Map m : maps) {
      String name = file + "-" + slug(m.label());
      String what = m.padding() ? "padding position" + (m.prefixColumns() == 1 ? "" : "s") + " the model was trained"
          + " with" : "prefix";
      String prefix = m.prefixColumns() == 1 ? ", the first key is the " + what : ", the first " + m.prefixColumns()
          + " keys are the " + what;
      out.add(new Figure(name + ".svg", "Attention " + m.label() + (m.prefixColumns() > 0 ? prefix : "") + " ("
          + context + ")",
          Charts.heatmap(m.label(), m.weights(), m.prefixColumns(), m.leading())));
      if (m.prefixColumns() > 0) {
        double[][] renorm = renormalised(m.weights(), m.prefixColumns());
        String compared = sameShape(renorm, ref.weights()) && ref.prefixColumns() == 0
            ? "; largest |renormalised − " + ref.label() + "| = " + String.format("%.3g",
                largestDifference(renorm, ref.weights()))
            : "";
        out.add(new Figure(name + "-renormalised.svg", "Attention " + m.label() + ", " + m.leading() + " columns"
            + " removed, rows renormalised (" + context + compared + ")", Charts.heatmap(m.label() + ", renormalised",
            renorm, 0)));
      }
    }
    return out;
  }

  /** The columns from {@code prefixColumns} on, each row divided by its sum in double (one rounding per step). */
  public static double[][] renormalised(double[][] w, int prefixColumns) {
    int cols = w[0].length - prefixColumns;
    Mat<Decimal64> content = Mat.of(Decimal64Field.getInstance(), w.length, cols,
        (i, j) -> new Decimal64(w[i][prefixColumns + j]));
    return ClaimFigures.renormalised(content).toDoubles(DOUBLE);
  }

  /**
   * Throws an {@link IllegalArgumentException} naming {@code where} unless the map has at least one row, all
   * rows of one length, {@code 0 <= prefixColumns <} that length, every entry in [0, 1], and (with prefix
   * columns) a positive content part in every row, so that it can be renormalised.
   */
  public static void validate(String where, Map m) {
    double[][] w = m.weights();
    if (w.length == 0 || w[0].length == 0) {
      throw new IllegalArgumentException(where + ": the matrix is empty");
    }
    if (m.prefixColumns() < 0 || m.prefixColumns() >= w[0].length) {
      throw new IllegalArgumentException(where + ": prefix_positions " + m.prefixColumns() + " must be in [0, "
          + (w[0].length - 1) + "] for " + w[0].length + " columns");
    }
    for (int i = 0; i < w.length; i++) {
      if (w[i].length != w[0].length) {
        throw new IllegalArgumentException(where + ": row " + i + " has " + w[i].length + " entries, row 0 has "
            + w[0].length);
      }
      double content = 0;
      for (int j = 0; j < w[i].length; j++) {
        if (!(w[i][j] >= 0 && w[i][j] <= 1)) {
          throw new IllegalArgumentException(where + ": entry [" + i + "][" + j + "] = " + w[i][j]
              + " is not an attention weight in [0, 1]");
        }
        content += j >= m.prefixColumns() ? w[i][j] : 0;
      }
      if (m.prefixColumns() > 0 && content == 0) {
        throw new IllegalArgumentException(where + ": query " + i + " gives no weight to the content keys, so its"
            + " row cannot be renormalised");
      }
    }
  }

  static boolean sameShape(double[][] a, double[][] b) {
    return a.length == b.length && a[0].length == b[0].length;
  }

  static double largestDifference(double[][] a, double[][] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return worst;
  }

  /** A label as a file-name part: lower case, runs of other characters than letters and digits as one '-'. */
  static String slug(String label) {
    return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }
}
