package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md's option table against the options picocli actually has, both ways. */
@DisplayName("docs/cli.md lists exactly the options the commands have")
class CliOptionsDocTest {

  /** "command option" for every option of every subcommand, as picocli declares them. */
  static Set<String> declared() {
    Set<String> out = new TreeSet<>();
    new CommandLine(new Main()).getSubcommands().forEach((name, cl) -> {
      if (!name.equals("help")) {
        cl.getCommandSpec().options().forEach(o -> {
          for (String n : o.names()) {
            out.add(name + " " + n);
          }
        });
      }
    });
    return out;
  }

  /** "command option" for every row of the table; "every command" expands to each subcommand. */
  static Set<String> documented() throws Exception {
    Set<String> commands = new TreeSet<>(new CommandLine(new Main()).getSubcommands().keySet());
    commands.remove("help");
    Set<String> out = new TreeSet<>();
    Pattern option = Pattern.compile("`(-{1,2}[a-zA-Z][a-z-]*)`");
    for (String line : Files.readAllLines(Path.of("docs/cli.md"))) {
      String[] cells = line.split("(?<!\\\\)\\|");
      if (cells.length < 3 || !cells[2].contains("`-")) {
        continue;
      }
      Set<String> on = cells[1].strip().equals("every command") ? commands
          : new TreeSet<>(java.util.List.of(cells[1].strip().split(",\\s*")));
      Matcher m = option.matcher(cells[2]);
      while (m.find()) {
        for (String c : on) {
          out.add(c + " " + m.group(1));
        }
      }
    }
    // report takes every verify option (it extends verify)
    new TreeSet<>(out).stream().filter(s -> s.startsWith("verify ")).forEach(s -> out.add("report" + s.substring(6)));
    return out;
  }

  @Test
  @DisplayName("every declared option is documented and every documented option is declared")
  void tableMatchesTheCommands() throws Exception {
    assertEquals(declared(), documented());
  }

  @Test
  @DisplayName("the comparison catches a planted undocumented option")
  void catchesAnUndocumentedOption() throws Exception {
    Set<String> planted = declared();
    planted.add("construct --tokens");
    org.junit.jupiter.api.Assertions.assertNotEquals(planted, documented());
  }
}
