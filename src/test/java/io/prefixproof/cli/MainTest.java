package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @Test
  @DisplayName("verify on one claim exits 0 and writes the JSON fields")
  void verifyOneClaim(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("out.json");
    assertEquals(0, Main.execute("verify", "--claim", "CONJ-2", "--tries", "20", "--json", json.toString()));
    String s = Files.readString(json);
    for (String field : new String[] {"\"id\"", "\"status\" : \"counterexample\"", "\"expected\"", "\"tries\"",
        "\"max_abs_err\"", "\"witness\""}) {
      assertTrue(s.contains(field), field + " missing in " + s);
    }
  }

  @Test
  @DisplayName("bad input exits 2 with a message, no stack trace")
  void badInput() {
    assertEquals(2, Main.execute("verify", "--claim", "NOPE-9"));
    assertEquals(2, Main.execute("verify", "--tries", "0"));
    assertEquals(2, Main.execute("bench", "--workload", "nothing"));
    assertEquals(2, Main.execute("verify", "--no-such-flag"));
  }
}
