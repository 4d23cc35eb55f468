package io.prefixproof.cli;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress line on stderr for a run that can take more than a few seconds: what is running, how many
 * of its steps are done, the time so far and an estimate of the time left (the steps left at the mean
 * time of the steps done), drawn by me.tongfei:progressbar and erased when the run ends. Silent when
 * stderr is not a terminal, so that logs and CI output stay clean. The system property {@value #PROPERTY}
 * decides: {@code false} never draws, {@code true} draws on stderr, a path draws on that file (the
 * launcher passes {@code /dev/fd/4}, its own stderr, when {@code [ -t 2 ]}: the JVM's stderr passes
 * through a filter whose pipe would delay the line behind stdout); without the property the line is drawn
 * on stderr when the JVM has a console.
 */
final class Progress implements AutoCloseable {

  /** System property: {@code false}, {@code true} or the path of the terminal to draw on. */
  static final String PROPERTY = "prefixproof.progress";
  /** Width of the line in characters (a fixed width: the terminal is not queried). */
  static final int WIDTH = 100;

  private final ProgressBar bar;
  private final PrintStream err;
  /** Held while the line is drawn or erased and while a line of text is written above it. */
  private final Object lock = new Object();
  private boolean closed;

  private Progress(String task, long total, String unit, PrintStream err) {
    this.err = err;
    this.bar = err == null ? null : new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .setUnit(" " + unit, 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
        .clearDisplayOnFinish().setConsumer(new ConsoleProgressBarConsumer(err, WIDTH) {
          @Override
          public void accept(String line) {
            synchronized (lock) {
              super.accept(line);
            }
          }

          @Override
          public void close() {
            // the line was erased (clearDisplayOnFinish): end without the library's newline, leaving no blank line
            err.flush();
          }
        }).build();
  }

  /** Where the line is drawn in this JVM: stderr, the file {@value #PROPERTY} names, or nowhere (null). */
  static PrintStream target() {
    String p = System.getProperty(PROPERTY);
    if (p == null) {
      return System.console() != null ? System.err : null;
    }
    if (p.equals("true") || p.equals("false")) {
      return p.equals("true") ? System.err : null;
    }
    try {
      return new PrintStream(new FileOutputStream(p), true, StandardCharsets.UTF_8);
    } catch (FileNotFoundException | SecurityException e) {
      // a terminal that cannot be opened only costs the progress line
      return null;
    }
  }

  /** Starts the line for {@code task}, {@code total} steps counted in {@code unit}; silent unless {@link #target}. */
  static Progress start(String task, long total, String unit) {
    return new Progress(task, total, unit, target());
  }

  /** Whether the line is drawn. */
  boolean shown() {
    return bar != null && !closed;
  }

  /** Names the step now running (shown after the counts). */
  void now(String what) {
    if (bar != null) {
      bar.setExtraMessage(what);
    }
  }

  /** One step done (the line is redrawn at once). */
  void step() {
    if (bar != null) {
      bar.step();
      bar.refresh();
    }
  }

  /**
   * {@code out}, or while the line is drawn a stream into {@code out} that writes whole lines of text, each
   * after erasing the progress line, so that the text starts at the beginning of the terminal's line
   * instead of running on after the progress line; the progress line is drawn again below it.
   */
  PrintStream above(PrintStream out) {
    if (bar == null) {
      return out;
    }
    return new PrintStream(new OutputStream() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        pending.write(b, off, len);
        if (len > 0 && b[off + len - 1] == '\n') {
          flush();
        }
      }

      @Override
      public void flush() {
        synchronized (lock) {
          if (shown()) {
            err.print("\r" + " ".repeat(WIDTH) + "\r");
            err.flush();
          }
          out.write(pending.toByteArray(), 0, pending.size());
          out.flush();
          pending.reset();
          if (shown()) {
            bar.refresh();
          }
        }
      }
    }, false, StandardCharsets.UTF_8);
  }

  /**
   * Erases the line; closing again does nothing. The library stops its drawing thread and clears the line,
   * but its last redraw can land after that clear on a loaded machine, so the line is erased once more here.
   */
  @Override
  public void close() {
    if (bar != null && !closed) {
      bar.close();
      synchronized (lock) {
        err.print("\r" + " ".repeat(WIDTH) + "\r");
        err.flush();
      }
    }
    closed = true;
  }
}
