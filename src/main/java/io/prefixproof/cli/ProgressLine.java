package io.prefixproof.cli;

import io.prefixproof.train.Experiments;
import java.io.PrintStream;

/**
 * A training progress line on stderr: phase, iteration, loss, iterations per second and the time left in the
 * phase. On a terminal it is redrawn in place (at most five times a second); otherwise one line per tenth of
 * the phase.
 */
final class ProgressLine implements Experiments.Progress {
  private final PrintStream err;
  private final boolean terminal = System.console() != null;
  private String phase;
  private long start;
  private long lastDraw;

  ProgressLine(PrintStream err) {
    this.err = err;
  }

  @Override
  public void phase(String name, int iterations) {
    phase = name;
    start = System.nanoTime();
    lastDraw = 0;
  }

  @Override
  public void step(int iteration, int iterations, double loss) {
    long now = System.nanoTime();
    boolean tenth = iteration * 10L / iterations != (iteration - 1) * 10L / iterations;
    if (terminal ? now - lastDraw < 200_000_000L && iteration < iterations : !tenth) {
      return;
    }
    lastDraw = now;
    double rate = iteration / ((now - start) / 1e9);
    long left = Math.round((iterations - iteration) / rate);
    String line = String.format("%s: iteration %d/%d, loss %.4f, %.1f it/s, %d:%02d left", phase, iteration,
        iterations, loss, rate, left / 60, left % 60);
    if (terminal) {
      err.print("\r" + line + "   " + (iteration == iterations ? "\n" : ""));
    } else {
      err.println(line);
    }
    err.flush();
  }
}
