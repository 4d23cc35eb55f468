package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.train.Checkpoint;
import io.prefixproof.train.Data;
import io.prefixproof.train.Gpt;
import io.prefixproof.train.MixFamily;
import io.prefixproof.train.Weights;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code reproduce E5|E6} refuses a bad {@code --from} before any training: exit 2, one line naming it. */
class ReproduceFamilyTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "reproduce E3 --from .|--from applies to E5 and E6",
      "reproduce E6 --from /nonexistent-folder|--from: /nonexistent-folder holds no mix-pretrained.json",
      "reproduce E5 --scale tiny|--scale"})
  @DisplayName("bad input: exit 2 and one stderr line naming it")
  void badInput(String line, String named) {
    CliRun r = CliRun.run(10, line.split(" "));
    assertEquals(Main.BAD_INPUT, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(named), r.err());
  }

  @Test
  @DisplayName("--from with a checkpoint of another shape: exit 2 naming the file and the field")
  void wrongShape(@TempDir Path dir) {
    MixFamily.Settings small = MixFamily.Settings.of(io.prefixproof.train.Experiments.Scale.SMALL);
    Gpt other = new Gpt(Data.VOCAB, Data.context(MixFamily.PADDING), small.layers(), small.heads(),
        small.dModel() + small.heads());
    Checkpoint.write(Weights.init(other, 1), dir, MixFamily.CHECKPOINT);
    CliRun r = CliRun.run(10, "reproduce", "E6", "--from", dir.toString(), "--out", dir.toString());
    assertEquals(Main.BAD_INPUT, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("mix-pretrained.json: architecture field d_model is " + other.dModel()), r.err());
  }
}
