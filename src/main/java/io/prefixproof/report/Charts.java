package io.prefixproof.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/** The report's three kinds of chart (heatmap, point cloud, curves), drawn with JFreeChart into SVG files. */
public final class Charts {
  private Charts() {}

  /** Pixel size of every figure. */
  public static final int WIDTH = 420;
  public static final int HEIGHT = 340;

  /** A chart to be written to {@code figures/<file>} with its caption. */
  public record Figure(String file, String caption, JFreeChart chart) {}

  /**
   * One named series of (x, y) points; {@code line} joins them, otherwise they are drawn as dots; {@code color}
   * null takes the chart's next default colour.
   */
  public record Series(String name, double[] x, double[] y, boolean line, Color color) {

    public Series(String name, double[] x, double[] y, boolean line) {
      this(name, x, y, line, null);
    }
  }

  /**
   * An attention map: cell (key j, query i) coloured by {@code w[i][j]} on a white-to-blue scale over
   * [0, 1], query 0 at the top; a vertical rule after the first {@code prefixColumns} keys.
   */
  public static JFreeChart heatmap(String title, double[][] w, int prefixColumns) {
    return heatmap(title, w, prefixColumns, "prefix");
  }

  /**
   * {@link #heatmap(String, double[][], int)} whose leading keys are named {@code leading} on the axis ("prefix",
   * or "padding" for the padding positions a model was trained with where a prefix later goes).
   */
  public static JFreeChart heatmap(String title, double[][] w, int leadingColumns, String leading) {
    return grid(title, w, leadingColumns > 0 ? "key (" + leading + " keys left of the rule)" : "key", "query",
        leadingColumns, 1, "weight");
  }

  /**
   * A grid of values: cell (column j, row i) coloured by {@code v[i][j]} on a white-to-blue scale over
   * [0, {@code upper}], row 0 at the top; NaN cells are left out (grey background); a vertical rule after the
   * first {@code rule} columns when {@code rule > 0}.
   */
  public static JFreeChart grid(String title, double[][] v, String xLabel, String yLabel, int rule, double upper,
      String legendLabel) {
    int rows = v.length;
    int cols = rows == 0 ? 0 : v[0].length;
    List<double[]> cells = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if (!Double.isNaN(v[i][j])) {
          cells.add(new double[] {j, i, v[i][j]});
        }
      }
    }
    double[][] xyz = new double[3][cells.size()];
    for (int k = 0; k < cells.size(); k++) {
      for (int c = 0; c < 3; c++) {
        xyz[c][k] = cells.get(k)[c];
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("values", xyz);
    XYBlockRenderer renderer = new XYBlockRenderer();
    PaintScale scale = new BlueScale(upper);
    renderer.setPaintScale(scale);
    NumberAxis x = integerAxis(xLabel, cols);
    NumberAxis y = integerAxis(yLabel, rows);
    y.setInverted(true);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.LIGHT_GRAY);
    if (rule > 0) {
      plot.addDomainMarker(new ValueMarker(rule - 0.5, Color.RED, new BasicStroke(2f)));
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    NumberAxis legendAxis = new NumberAxis(legendLabel);
    legendAxis.setRange(0, upper);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setStripWidth(12);
    legend.setMargin(4, 4, 4, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Series of dots or lines on numeric axes; {@code highlight} names series drawn with large squares. */
  public static JFreeChart xy(String title, String xLabel, String yLabel, List<Series> series, List<String> highlight) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      XYSeries xs = new XYSeries(s.name(), false, true);
      for (int i = 0; i < s.x().length; i++) {
        xs.add(s.x()[i], s.y()[i]);
      }
      data.addSeries(xs);
      renderer.setSeriesLinesVisible(k, s.line());
      if (s.color() != null) {
        renderer.setSeriesPaint(k, s.color());
      }
      boolean big = highlight.contains(s.name());
      renderer.setSeriesShapesVisible(k, !s.line() || big);
      renderer.setSeriesShape(k, big ? new Rectangle2D.Double(-6, -6, 12, 12) : new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    }
    NumberAxis x = new NumberAxis(xLabel);
    x.setAutoRangeIncludesZero(false);
    NumberAxis y = new NumberAxis(yLabel);
    y.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Writes the figure as {@code dir/<file>} (SVG, {@link #WIDTH} × {@link #HEIGHT}). */
  public static void write(Figure f, Path dir) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    f.chart().draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    try {
      SVGUtils.writeToSVG(dir.resolve(f.file()).toFile(), g.getSVGElement());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(f.file()) + ": " + e.getMessage(), e);
    }
  }

  static NumberAxis integerAxis(String label, int count) {
    NumberAxis a = new NumberAxis(label);
    a.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    a.setRange(-0.5, count - 0.5);
    return a;
  }

  /**
   * White at 0 to dark blue at {@code upper}, linear in each channel (a value outside [0, upper] makes Color
   * throw: nothing is clamped).
   */
  static final class BlueScale implements PaintScale {
    final double upper;

    BlueScale(double upper) {
      this.upper = upper;
    }

    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return upper;
    }

    @Override
    public Paint getPaint(double v) {
      double t = v / upper;
      return new Color((int) Math.round(255 - 247 * t), (int) Math.round(255 - 207 * t), (int) Math.round(255 - 148 * t));
    }
  }
}
