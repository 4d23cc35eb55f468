package io.prefixproof.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The side-by-side runner: unpacking, the interpreter and module checks, reading a baseline's line, medians. */
class BaselinesTest {

  static boolean hasPython() {
    try {
      return new ProcessBuilder("python3", "-c", "pass").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  @DisplayName("the jar's baselines unpack into one folder with the timing loop")
  void unpacks() {
    Path dir = Baselines.unpack();
    for (String f : List.of("timing.py", "w1_numpy.py", "w2_fractions.py", "w3_numpy.py", "w4_hypothesis.py", "train_torch.py")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
  }

  @Test
  @DisplayName("a missing interpreter and a missing module are bad input naming them")
  void missingPythonOrModule(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Baselines.requireModules("/no/such/python3", List.of("numpy"), dir));
    assertTrue(e.getMessage().contains("cannot start /no/such/python3"), e.getMessage());
    assumeTrue(hasPython());
    e = assertThrows(IllegalArgumentException.class,
        () -> Baselines.requireModules("python3", List.of("no_such_module_of_prefixproof"), dir));
    assertTrue(e.getMessage().contains("cannot import no_such_module_of_prefixproof")
        && e.getMessage().contains("ModuleNotFoundError") && e.getMessage().contains("with --python EXE"),
        e.getMessage());
  }

  @Test
  @DisplayName("a baseline's last JSON line is read; a line without a rate is an error")
  void readsTheBaselineLine(@TempDir Path dir) throws IOException {
    assumeTrue(hasPython());
    Files.writeString(dir.resolve("good.py"), "print('warming up')\nprint('{\"checks_per_s\": 2.5, \"x\": 1}')\n");
    assertEquals(2.5, Baselines.runScript("python3", dir, "good.py", 1, "default").get("checks_per_s").asDouble());
    Files.writeString(dir.resolve("bad.py"), "print('{\"checks\": 3}')\n");
    assertThrows(IllegalStateException.class, () -> Baselines.runScript("python3", dir, "bad.py", 1, "default"));
    Files.writeString(dir.resolve("fails.py"), "raise SystemExit(4)\n");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Baselines.runScript("python3", dir, "fails.py", 1, "default"));
    assertTrue(e.getMessage().contains("exit code 4"), e.getMessage());
  }

  @Test
  @DisplayName("the ratio is the Java median over the baseline's median")
  void medianRatio() {
    assertEquals(2.0, Baselines.median(new double[] {3, 1, 2}));
    assertEquals(2.5, Baselines.median(new double[] {4, 1, 2, 3}));
    ObjectNode line = JsonNodeFactory.instance.objectNode().put("checks_per_s", 1.0).put("most_property_calls", 7);
    ObjectNode r = Baselines.result("W4", "default", 5, 1, Baselines.SCRIPTS.get("W4"), new double[][] {{9, 3, 6}, {8, 8, 8}},
        new double[][] {{2, 4, 1}, {1, 2, 4}}, null, line);
    assertEquals(6.0, r.get("java_checks_per_s").asDouble());
    assertEquals(2.0, r.get("baseline_checks_per_s").asDouble());
    assertEquals(3.0, r.get("ratio").asDouble());
    assertEquals(4.0, r.get("cpu_ratio").asDouble());
    assertEquals(7, r.get("baseline_most_property_calls").asInt());
    assertEquals("default", r.get("size").asText());
  }

  @Test
  @DisplayName("the W1 and W2 baselines run the one size they are given and refuse an unknown one")
  void baselineRunsTheNamedSize() {
    assumeTrue(hasPython());
    Path dir = Baselines.unpack();
    ObjectNode line = Baselines.runScript("python3", dir, "w2_fractions.py", 0.05, "small");
    assertEquals("small", line.get("size").asText());
    assertTrue(line.get("checks").asInt() >= 1, line.toString());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Baselines.runScript("python3", dir, "w2_fractions.py", 0.05, "huge"));
    assertTrue(e.getMessage().contains("unknown size 'huge'"), e.getMessage());
  }
}
