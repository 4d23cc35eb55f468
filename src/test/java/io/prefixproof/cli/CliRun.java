package io.prefixproof.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One in-process run of the command line (picocli, as {@code main} runs it) with stdout and stderr
 * captured and a wall-clock bound: a run past the bound is reported as a hang, not waited for.
 *
 * @param exit the exit code, or -1 when the run did not end within the bound
 * @param out what the run printed on stdout
 * @param err what it printed on stderr
 */
record CliRun(String[] args, int exit, String out, String err) {

  /** Runs {@code args} for at most {@code seconds}; tests run one at a time, so redirecting System.out is safe. */
  static CliRun run(long seconds, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cli-run");
      t.setDaemon(true);
      return t;
    });
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      Future<Integer> f = worker.submit(() -> Main.execute(args));
      try {
        exit = f.get(seconds, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        exit = -1;
      }
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new AssertionError("running " + Arrays.toString(args) + " failed in the harness", e);
    } finally {
      worker.shutdownNow();
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new CliRun(args, exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  long stderrLines() {
    return err.lines().count();
  }

  /** A Java stack trace or an uncaught-exception banner anywhere in the output. */
  boolean showsStackTrace() {
    String all = out + err;
    return all.contains("\tat ") || all.contains("Exception in thread") || all.matches("(?s).*\\bjava\\.\\w+\\.\\w+(Exception|Error)\\b.*");
  }

  /** Ended within the bound with {@code code}, one line on stderr and no stack trace. */
  boolean endedCleanly(int code) {
    return exit == code && stderrLines() == 1 && !showsStackTrace();
  }

  @Override
  public String toString() {
    return Arrays.toString(args) + " -> exit " + (exit < 0 ? "none (did not end within the bound)" : exit)
        + "\nstderr: " + err + "stdout: " + (out.length() > 400 ? out.substring(0, 400) + "..." : out);
  }
}
