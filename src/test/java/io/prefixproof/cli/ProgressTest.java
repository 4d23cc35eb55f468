package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("progress line on stderr")
class ProgressTest {

  /** What the line is erased with before each line of text. */
  static final String ERASE = "\r" + " ".repeat(Progress.WIDTH) + "\r";

  @AfterEach
  void clearProperty() {
    System.clearProperty(Progress.PROPERTY);
  }

  @Test
  @DisplayName("silent without a terminal: no line, and text goes to its stream untouched")
  void silentWithoutTerminal() {
    // surefire's JVM has no console, so the default is silent, as in CI
    assertEquals(null, System.console());
    try (Progress p = Progress.start("task", 3, "steps")) {
      assertFalse(p.shown());
      assertSame(System.out, p.above(System.out));
    }
    System.setProperty(Progress.PROPERTY, "false");
    try (Progress p = Progress.start("task", 3, "steps")) {
      assertFalse(p.shown());
    }
    CliRun r = CliRun.run(120, "certify", "cap3", "--vocab", "5");
    assertEquals("", r.err(), r.toString());
  }

  @Test
  @DisplayName("drawn on the named terminal: task, counts, estimate and current step; each text line whole, after an erase")
  void drawnOnTerminal(@TempDir Path dir) throws Exception {
    Path tty = dir.resolve("tty");
    System.setProperty(Progress.PROPERTY, tty.toString());
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
    try (Progress p = Progress.start("verify", 2, "claims")) {
      assertTrue(p.shown());
      PrintStream above = p.above(out);
      p.now("LIM-1");
      above.print("LIM-1 holds");
      above.println(" (first line)");
      p.step();
      p.now("CONJ-4");
      above.printf("CONJ-4 counterexample%n");
      p.step();
    }
    assertEquals("LIM-1 holds (first line)\nCONJ-4 counterexample\n", text.toString(StandardCharsets.UTF_8));
    String drawn = Files.readString(tty);
    assertTrue(drawn.contains("verify") && drawn.contains("1/2 claims") && drawn.contains("2/2 claims")
        && drawn.contains("LIM-1") && drawn.contains("CONJ-4"), drawn);
    // the estimate of the time left appears once a step is done: "(elapsed / left)"
    assertTrue(drawn.matches("(?s).*1/2 claims \\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), drawn);
    // an erase before each of the two lines of text (the library's own final erase is a third when the drawing
    // thread gets to it; a wrapper that did not erase would leave at most that one)
    assertTrue(count(drawn, ERASE) >= 2, drawn);
    assertTrue(drawn.endsWith("\r"), "the line is erased at the end, without a newline: " + drawn);
  }

  @Test
  @DisplayName("verify draws its progress per claim while its table stays whole on stdout")
  void verifyDrawsPerClaim(@TempDir Path dir) throws Exception {
    Path tty = dir.resolve("tty");
    System.setProperty(Progress.PROPERTY, tty.toString());
    CliRun r = CliRun.run(300, "verify", "--claim", "LIM-2", "--claim", "LIM-5", "--tries", "2");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("\nLIM-2 ") && r.out().contains("\nLIM-5 ") && !r.out().contains("\r"), r.out());
    String drawn = Files.readString(tty);
    assertTrue(drawn.contains("verify") && drawn.contains("LIM-5") && drawn.contains("2/2 claims"), drawn);
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }
}
