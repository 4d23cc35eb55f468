package io.prefixproof.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * The one envelope around every JSON output of the command line (documented in docs/json-schemas.md):
 *
 * <pre>{"schema": "prefixproof/&lt;kind&gt;/&lt;version&gt;", "tool_version": "0.1.0", "seed": 1 | null,
 *  "weights_sha256": "hex" | null, "generated_at": "2026-11-29T08:40:12Z", "data": ...}</pre>
 *
 * A kind's version changes when its {@code data} changes shape; the envelope's own fields stay. Every
 * command builds its {@code data} as a Jackson tree, wraps it with {@link #of} and writes it with
 * {@link #write}, to a file or, for {@code --json -}, to stdout.
 */
public final class JsonEnvelope {
  private JsonEnvelope() {}

  /** The mapper every JSON output is written with (indented, one document per file). */
  public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The {@code --json} value that means stdout. */
  public static final String STDOUT = "-";

  /** Bytes read per step while hashing weight files, so that files of any size stream through. */
  private static final int HASH_BUFFER = 1 << 20;

  /**
   * The envelope of {@code data}: schema {@code prefixproof/kind/version}, this tool's version, the run's
   * {@code seed} (null when the output does not depend on one), {@code weightsSha256} (null unless the
   * output describes a model read from weight files) and the time it was made, UTC to the second.
   */
  public static ObjectNode of(String kind, int version, Long seed, String weightsSha256, JsonNode data) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("schema", "prefixproof/" + kind + "/" + version);
    o.put("tool_version", Main.VERSION);
    if (seed == null) {
      o.putNull("seed");
    } else {
      o.put("seed", seed);
    }
    o.put("weights_sha256", weightsSha256);
    o.put("generated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    o.set("data", data);
    return o;
  }

  /** True when {@code target} is {@value #STDOUT}: the JSON goes to stdout and the text to stderr. */
  public static boolean toStdout(Path target) {
    return target != null && target.toString().equals(STDOUT);
  }

  /**
   * The stream a command prints its human-readable text to: stderr when its JSON goes to stdout (so
   * that stdout holds one JSON document), else stdout.
   */
  public static PrintStream text(Path json) {
    return toStdout(json) ? System.err : System.out;
  }

  /** Checks before a run that {@code target} ({@code --json FILE} or {@value #STDOUT}) can be written. */
  public static void requireWritable(String option, Path target) {
    if (target != null && !toStdout(target)) {
      Ranges.requireWritableFile(option, target);
    }
  }

  /** Writes {@code envelope} to {@code target}, a file (then says so on stdout) or {@value #STDOUT}. */
  public static void write(Path target, ObjectNode envelope) {
    try {
      if (toStdout(target)) {
        System.out.println(MAPPER.writeValueAsString(envelope));
        System.out.flush();
      } else {
        MAPPER.writeValue(target.toFile(), envelope);
        System.out.println("wrote " + target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * SHA-256, in lower-case hex, of the bytes of {@code files} read one after the other in the given
   * order (for one file, what {@code sha256sum FILE} prints; for shards, {@code cat A B | sha256sum}).
   * Streams the files, so the weights are never held in memory for it.
   */
  public static String sha256(List<Path> files) {
    MessageDigest md = sha256();
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        update(md, in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f + " to hash it: " + e.getMessage(), e);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** SHA-256, in lower-case hex, of what {@code in} yields until its end (read, not closed). */
  public static String sha256(InputStream in, String name) {
    MessageDigest md = sha256();
    try {
      update(md, in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " to hash it: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void update(MessageDigest md, InputStream in) throws IOException {
    byte[] buf = new byte[HASH_BUFFER];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      md.update(buf, 0, n);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // every Java platform must provide SHA-256 (java.security.MessageDigest's documented requirement)
      throw new IllegalStateException(e);
    }
  }
}
