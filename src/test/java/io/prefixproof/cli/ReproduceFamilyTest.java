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

/** {@code reproduce E5|E6} refuses a checkpoint of another shape before any training (bad options: ReproduceCommandTest). */
class ReproduceFamilyTest {

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
