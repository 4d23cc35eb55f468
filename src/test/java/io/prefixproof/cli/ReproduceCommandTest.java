package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code reproduce} refuses bad input before any training: exit 2, one line naming the option. */
class ReproduceCommandTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "reproduce E3 --scale medium|--scale",
      "reproduce E3 --seed -1|--seed",
      "reproduce E9|E9",
      "reproduce E3 --json /nonexistent-folder/e3.json|--json",
      "reproduce E4 --seed -1|--seed",
      "reproduce E1 --scale huge|--scale",
      "reproduce E4 --out /proc/e4|--out",
      "reproduce E4 --model m.json|--model",
      "reproduce E1 --model /nonexistent-folder/m.json|/nonexistent-folder/m.json",
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
}
