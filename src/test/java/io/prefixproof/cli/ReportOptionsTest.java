package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's own options on bad input: exit 2, one stderr line naming the option, file or field, no
 * claim run (the stdout would show the table header), within 10 s.
 */
class ReportOptionsTest {

  @Test
  @DisplayName("bad --experiments, --bench, --bench-run, --source-base and inspect --html-head stop before any work")
  void badInputStopsFirst(@TempDir Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path shape = Files.writeString(dir.resolve("shape.json"), "{\"attention_maps\": {\"input\": [1, 2],"
        + " \"pretrained\": {\"layer\": 0, \"head\": 0, \"matrix\": [[1, 0]]}}}");
    Path lines = Files.writeString(dir.resolve("b.jsonl"), "{\"workload\": \"W1\"}\nnot json\n");
    Map<String[], String> cases = Map.of(
        new String[] {"report", "--out", out.toString(), "--experiments", dir.resolve("none.json").toString()},
        "cannot read experiment file " + dir.resolve("none.json"),
        new String[] {"report", "--out", out.toString(), "--experiments", shape.toString()},
        "attention_maps.pretrained.matrix is 1 × 2, expected 2 × 2",
        new String[] {"report", "--out", out.toString(), "--bench", lines.toString()},
        "--bench " + lines + " line 2 is not valid JSON",
        new String[] {"report", "--out", out.toString(), "--bench-run", "0"}, "--bench-run",
        new String[] {"report", "--out", out.toString(), "--bench-run", "1", "--bench", lines.toString()},
        "give --bench FILE or --bench-run SECONDS, not both",
        new String[] {"report", "--out", out.toString(), "--source-base", "ftp://example.org/"},
        "--source-base must be an http(s) URL ending with '/', got 'ftp://example.org/'",
        new String[] {"report", "--out", out.toString(), "--source-base", "https://example.org/repo"},
        "--source-base must be an http(s) URL ending with '/'",
        new String[] {"inspect", "--html-head", "0,0", "--model", "minilm"}, "--html-head needs --html");
    for (Map.Entry<String[], String> c : cases.entrySet()) {
      CliRun r = CliRun.run(10, c.getKey());
      assertTrue(r.endedCleanly(2) && r.err().contains(c.getValue()) && !r.out().contains("claim"), r::toString);
    }
  }
}
