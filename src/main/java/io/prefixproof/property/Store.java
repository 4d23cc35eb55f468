package io.prefixproof.property;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Saved counterexamples: one text file per property, {@code <name>.choices}, holding a comment with the
 * printed value and a line {@code choices: c1 c2 …}. A saved sequence is replayed before any random case.
 */
public final class Store {
  private final Path dir;

  public Store(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  private Path file(String name) {
    return dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".choices");
  }

  /** The saved sequence for {@code name}, if any; a malformed file is an error naming it. */
  public Optional<long[]> load(String name) {
    Path f = file(name);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (line.startsWith("choices:")) {
          String body = line.substring("choices:".length()).trim();
          return Optional.of(body.isEmpty() ? new long[0]
              : Arrays.stream(body.split("\\s+")).mapToLong(Long::parseLong).toArray());
        }
      }
      throw new IllegalArgumentException("saved counterexample " + f + " has no 'choices:' line");
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("saved counterexample " + f + " has a non-integer choice: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read saved counterexample " + f, e);
    }
  }

  /** Forgets the saved sequence for {@code name} (once its case passes again). */
  public void delete(String name) {
    Path f = file(name);
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete saved counterexample " + f, e);
    }
  }

  /** The file that holds the saved sequence for {@code name}. */
  public Path path(String name) {
    return file(name);
  }

  /**
   * Saves (or replaces) the sequence and its printed value; leaves an identical file untouched. Trailing
   * zeros are dropped: replay reads 0 past the end, so the case is the same.
   */
  public void save(String name, long[] choices, String printed) {
    int end = choices.length;
    while (end > 0 && choices[end - 1] == 0) {
      end--;
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# counterexample for ").append(name).append('\n');
    for (String l : printed.split("\n")) {
      sb.append("# ").append(l).append('\n');
    }
    sb.append("choices:");
    for (int i = 0; i < end; i++) {
      sb.append(' ').append(choices[i]);
    }
    sb.append('\n');
    Path f = file(name);
    try {
      if (Files.exists(f) && Files.readString(f, StandardCharsets.UTF_8).equals(sb.toString())) {
        return;
      }
      Files.createDirectories(dir);
      Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save counterexample " + f, e);
    }
  }
}
