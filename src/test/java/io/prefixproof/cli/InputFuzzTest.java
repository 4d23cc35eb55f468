package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prefixproof.io.ModelConfig;
import io.prefixproof.io.ModelFixtures;
import io.prefixproof.io.Safetensors;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import io.prefixproof.property.Stats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing with the project's property engine: random mutations of a valid safetensors file, a valid model
 * config and valid command lines must end, within a time bound, in a normal result or a documented error
 * (an {@link IllegalArgumentException} naming the file; for the command line exit 0, 1 or 2 with one line
 * on stderr and no stack trace). The default budget keeps {@code mvn test} to seconds; raise it with
 * {@code -Dprefixproof.fuzz.tries=N} (cases per target).
 */
class InputFuzzTest {

  /** Cases per target: a few seconds by default. */
  static final int TRIES = Integer.getInteger("prefixproof.fuzz.tries", 150);
  /** A case running longer than this is a hang (valid cases here take milliseconds). */
  static final Duration BOUND = Duration.ofSeconds(10);

  /** Replacement values: wrong JSON types, signs, overflowing and fractional numbers. */
  static final List<String> JSON_VALUES = List.of("\"8\"", "-1", "0", "1", "1e308", "-1e308", "2147483648",
      "9223372036854775808", "3000000000", "0.5", "true", "null", "[]", "{}", "[1,2]", "\"F32\"", "\"\"",
      "\"../outside.safetensors\"", "\"/etc/passwd\"", "\"model.safetensors\"", "\"causal\"", "8");

  @TempDir
  static Path dir;
  static Path folder;

  @BeforeAll
  static void files() throws Exception {
    folder = Files.createDirectories(dir.resolve("cfg"));
    Files.write(folder.resolve("model.safetensors"), Safetensors.write(ModelFixtures.weights()));
    // a loadable model outside the config's folder: reaching it would show an escape
    Files.write(dir.resolve("outside.safetensors"), Safetensors.write(ModelFixtures.weights()));
  }

  /** A mutation: a kind, a position (taken modulo the length) and an index into a pool of values. */
  record Mutation(int kind, int position, int value) {}

  /** One to {@code most} mutations of {@code kinds} kinds with values from a pool of {@code values}. */
  static Gen<List<Mutation>> mutations(int kinds, int values, int most) {
    return Gen.lists(Gen.combine(Gen.pairs(Gen.integers(0, kinds - 1), Gen.integers(0, 1 << 20)),
        Gen.integers(0, values - 1), (kp, v) -> new Mutation(kp.first(), kp.second(), v)), 1, most);
  }

  /**
   * Runs {@code outcome} within the bound and labels its result (labels are kept per thread, so outside the
   * timed thread); the check fails when the outcome starts with "BAD".
   */
  static boolean labelled(org.junit.jupiter.api.function.ThrowingSupplier<String> outcome) {
    String o = assertTimeoutPreemptively(BOUND, outcome);
    Stats.label(o);
    return !o.startsWith("BAD");
  }

  // ---- safetensors ----

  static final byte[] VALID = Safetensors.write(tensors());

  static Map<String, Safetensors.Tensor> tensors() {
    Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
    t.put("a", new Safetensors.Tensor("a", "F32", new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}));
    t.put("b", new Safetensors.Tensor("b", "F64", new long[] {4}, new double[] {-1, 0.5, 0, 7}));
    return t;
  }

  static final Pattern NUMBER_OR_STRING = Pattern.compile("-?\\d+|\"[^\"]*\"");

  /**
   * Applies byte-level mutations (set a byte, truncate, duplicate a span) and header-level ones (replace
   * the k-th number or string of the header by a pool value, keeping the length field right).
   */
  static byte[] mutate(byte[] valid, List<Mutation> ms) {
    byte[] b = valid.clone();
    for (Mutation m : ms) {
      int p = m.position() % Math.max(1, b.length);
      switch (m.kind()) {
        case 0 -> {
          if (b.length > 0) {
            b[p] = (byte) m.value();
          }
        }
        case 1 -> b = Arrays.copyOf(b, p);
        case 2 -> {
          byte[] c = Arrays.copyOf(b, b.length + Math.min(16, b.length - p));
          System.arraycopy(b, p, c, p + Math.min(16, b.length - p), b.length - p);
          b = c;
        }
        default -> b = replaceInHeader(b, m.position(), JSON_VALUES.get(m.value() % JSON_VALUES.size()));
      }
    }
    return b;
  }

  static byte[] replaceInHeader(byte[] b, int k, String value) {
    if (b.length < 8) {
      return b;
    }
    long len = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (len < 0 || len > b.length - 8) {
      return b;
    }
    String header = new String(b, 8, (int) len, StandardCharsets.UTF_8);
    Matcher m = NUMBER_OR_STRING.matcher(header);
    List<int[]> spans = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return b;
    }
    int[] s = spans.get(k % spans.size());
    byte[] h = (header.substring(0, s[0]) + value + header.substring(s[1])).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + b.length - 8 - (int) len).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length).put(h).put(b, 8 + (int) len, b.length - 8 - (int) len).array();
  }

  /** The safetensors fuzzing property; its check is {@link #parses} of a parser. */
  static Property<List<Mutation>> safetensorsProperty() {
    return Property.of("fuzz safetensors", mutations(4, 256, 4)).tries(TRIES).seed(17).shrinkBudget(300, 60_000)
        .printer(ms -> ms + " -> " + Arrays.toString(Arrays.copyOf(mutate(VALID, ms), 24)));
  }

  /**
   * The parser ends within the bound and either accepts a header that an independent check (Jackson, in
   * this test) finds strictly typed, or fails with a one-line message naming the file. Outcomes are
   * labelled by the message's first words, so the statistics show what the fuzzing found.
   */
  static Property.Check<List<Mutation>> parses(Function<byte[], Map<String, Safetensors.Tensor>> parser) {
    return ms -> {
      byte[] bytes = mutate(VALID, ms);
      return labelled(() -> {
        try {
          Map<String, Safetensors.Tensor> t = parser.apply(bytes);
          return strictlyTyped(bytes, t) ? "accepted" : "BAD: accepted a loosely typed header";
        } catch (IllegalArgumentException e) {
          String why = e.getMessage().replaceFirst("^fuzz\\.safetensors: (tensor \\S+ )?", "");
          return (e.getMessage().startsWith("fuzz.safetensors: ") && e.getMessage().lines().count() == 1 ? "refused: "
              : "BAD message: ") + firstWords(why, 3);
        }
      });
    };
  }

  static String firstWords(String s, int n) {
    String[] w = s.split(" ");
    return String.join(" ", Arrays.copyOf(w, Math.min(n, w.length)));
  }

  /** The independent check of an accepted file: integer shapes and offsets, a dtype string, every tensor read. */
  static boolean strictlyTyped(byte[] bytes, Map<String, Safetensors.Tensor> parsed) throws Exception {
    long len = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) len, StandardCharsets.UTF_8));
    int tensors = 0;
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      tensors++;
      JsonNode t = e.getValue();
      for (JsonNode x : t.path("shape")) {
        tensors += x.isIntegralNumber() && x.longValue() >= 0 ? 0 : 1_000_000;
      }
      for (JsonNode x : t.path("data_offsets")) {
        tensors += x.isIntegralNumber() && x.longValue() >= 0 ? 0 : 1_000_000;
      }
      tensors += t.path("dtype").isTextual() ? 0 : 1_000_000;
    }
    return tensors == parsed.size();
  }

  @Test
  @DisplayName("mutated safetensors files parse (strictly typed) or fail with a message naming the file")
  void safetensorsMutations() {
    System.out.println(safetensorsProperty().check(parses(b -> Safetensors.parse(b, "fuzz.safetensors"))).describe());
  }

  @Test
  @DisplayName("the safetensors fuzzer catches a reader that trusts the header length (planted defect)")
  void safetensorsFuzzerCatchesPlantedDefect() {
    Result<List<Mutation>> r = safetensorsProperty().run(parses(b -> {
      // the planted defect: the header is copied out before its length is checked against the file
      long len = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      Arrays.copyOfRange(b, 8, 8 + (int) len);
      return Safetensors.parse(b, "fuzz.safetensors");
    }));
    assertTrue(r.failed(), r.describe());
  }

  // ---- model configs ----

  /** The valid config as ordered (key, JSON text) pairs; "architecture." keys are its fields. */
  static LinkedHashMap<String, String> validConfig() {
    LinkedHashMap<String, String> c = new LinkedHashMap<>();
    for (String field : ModelFixtures.ARCH.split(", ")) {
      String[] kv = field.split(": ", 2);
      c.put("architecture." + kv[0].replace("\"", ""), kv[1]);
    }
    c.put("weights", "\"model.safetensors\"");
    c.put("names", "{\"L0.Wo\": \"L0.Wo\"}");
    return c;
  }

  /** Weights paths a mutation may set: inside the folder, outside it, or not files at all. */
  static final List<String> PATHS = List.of("../outside.safetensors", "/etc/passwd", "../../../etc/passwd",
      "./model.safetensors", "nope/../model.safetensors", "", "..", "/", "missing.safetensors", "config.json");

  /** Replaces, deletes or adds one key, or sets the weights path, per mutation. */
  static String configText(List<Mutation> ms) {
    LinkedHashMap<String, String> c = validConfig();
    List<String> keys = new ArrayList<>(c.keySet());
    for (Mutation m : ms) {
      String key = keys.get(m.position() % keys.size());
      String value = JSON_VALUES.get(m.value() % JSON_VALUES.size());
      switch (m.kind()) {
        case 0 -> c.put(key, value);
        case 1 -> c.remove(key);
        case 2 -> c.put(key.startsWith("architecture.") ? "architecture.extra" : "extra", value);
        default -> c.put("weights", "\"" + PATHS.get(m.value() % PATHS.size()) + "\"");
      }
    }
    StringBuilder arch = new StringBuilder();
    StringBuilder top = new StringBuilder();
    c.forEach((k, v) -> {
      StringBuilder into = k.startsWith("architecture.") ? arch : top;
      into.append(into.length() == 0 ? "" : ", ").append('"').append(k.replace("architecture.", "")).append("\": ")
          .append(v);
    });
    return "{\"architecture\": {" + arch + "}" + (top.length() == 0 ? "" : ", " + top) + "}";
  }

  /**
   * Loading a mutated config ends within the bound and either loads the weights inside the config's
   * folder or fails with one line naming the config or the weights file.
   */
  static Property.Check<List<Mutation>> loads(boolean allowOutsideWeights) {
    return ms -> {
      String text = configText(ms);
      Path cfg = folder.resolve("config.json");
      Files.writeString(cfg, text);
      String w = new ObjectMapper().readTree(text).path("weights").asText();
      return labelled(() -> {
        try {
          ModelConfig.load(cfg, allowOutsideWeights);
          return folder.resolve(w).normalize().equals(folder.resolve("model.safetensors")) ? "loaded"
              : "BAD: loaded weights from " + w;
        } catch (IllegalArgumentException e) {
          boolean namesFile = e.getMessage().contains("config.json") || !w.isEmpty() && e.getMessage().contains(
              folder.resolve(w).normalize().getFileName().toString());
          return (namesFile && e.getMessage().lines().count() == 1 ? "refused: " : "BAD message: ")
              + firstWords(e.getMessage().replaceFirst("^\\S+: ", ""), 2);
        }
      });
    };
  }

  static Property<List<Mutation>> configProperty() {
    return Property.of("fuzz model config", mutations(4, JSON_VALUES.size(), 4)).tries(TRIES).seed(17)
        .shrinkBudget(300, 60_000).printer(InputFuzzTest::configText);
  }

  @Test
  @DisplayName("mutated model configs load or fail naming the file, and never load weights from outside the folder")
  void configMutations() {
    System.out.println(configProperty().check(loads(false)).describe());
  }

  @Test
  @DisplayName("the config fuzzer finds the escape when the folder check is switched off (planted defect)")
  void configFuzzerCatchesPlantedEscape() {
    Result<List<Mutation>> r = configProperty().run(loads(true));
    assertTrue(r.failed() && configText(r.counterexample().value()).contains("\"weights\": \"../outside.safetensors\""),
        r.describe());
  }

  // ---- command lines ----

  /** Valid command lines that end in milliseconds. */
  static final List<List<String>> COMMANDS = List.of(
      List.of("construct", "cap3", "--vocab", "3", "--map", "1,2,0", "--input", "0,2"),
      List.of("construct", "cap5", "--vocab", "3", "--temperature", "1000", "--map", "sum", "--input", "1,2"),
      List.of("construct", "cap2", "--vocab", "5", "--length", "3", "--temperature", "100", "--target-tokens", "1,2,3"),
      List.of("certify", "cap3", "--vocab", "5", "--length", "2"),
      List.of("certify", "cap5", "--vocab", "3", "--temperature", "1000"),
      List.of("certify", "cap2", "--vocab", "3", "--length", "3", "--temperature", "50", "--scale", "fixed"));

  /**
   * Bound on one command line: a mutation can turn a base command into a valid run of a default size
   * (certify cap4 at V = 94, N0 = 20 is estimated at 20 s), which is slow but not a hang.
   */
  static final long COMMAND_BOUND_SECONDS = 60;

  /**
   * Values and options a mutation inserts or substitutes; not --json, whose value names a file to write
   * (a mutated command line would leave files such as "3" in the working folder).
   */
  static final List<String> TOKENS = List.of("-1", "0", "1", "2", "3", "1000000000", "2147483647", "-2147483648",
      "1e308", "NaN", "abc", "", "0.5", "99999999999", "--vocab", "--length", "--temperature", "--scale", "--arith",
      "--map", "--input", "--target-tokens", "--target-text", "--tokens", "--text", "--causal", "--debug", "exact",
      "double", "fixed", "cap4", "sum", "1,2,0", "|", ",", "--help");

  /** Numbers an option's value may become: small ones run, the others are out of range or not numbers. */
  static final List<String> NUMBERS = List.of("0", "1", "2", "3", "4", "5", "-1", "-0", "100000", "2147483647",
      "2147483648", "1e308", "NaN", "0.5", "1,2", "");

  /** Substitutes, deletes, inserts or duplicates a token, or replaces an option's value by a number. */
  static List<String> commandLine(int base, List<Mutation> ms) {
    List<String> a = new ArrayList<>(COMMANDS.get(base));
    for (Mutation m : ms) {
      int p = m.position() % Math.max(1, a.size());
      String t = TOKENS.get(m.value() % TOKENS.size());
      switch (m.kind()) {
        case 0 -> {
          if (!a.isEmpty()) {
            a.set(p, t);
          }
        }
        case 1 -> {
          if (!a.isEmpty()) {
            a.remove(p);
          }
        }
        case 2 -> a.add(p, t);
        case 3 -> {
          List<Integer> values = new ArrayList<>();
          for (int i = 0; i + 1 < a.size(); i++) {
            if (a.get(i).startsWith("--") && !a.get(i + 1).startsWith("--")) {
              values.add(i + 1);
            }
          }
          if (!values.isEmpty()) {
            a.set(values.get(m.position() % values.size()), NUMBERS.get(m.value() % NUMBERS.size()));
          }
        }
        default -> {
          if (!a.isEmpty()) {
            a.add(p, a.get(m.value() % a.size()));
          }
        }
      }
    }
    return a;
  }

  @Test
  @DisplayName("mutated command lines end with exit 0, 1 or 2, one error line and no stack trace")
  void commandLineMutations() {
    Gen<Gen.Pair<Integer, List<Mutation>>> gen = Gen.pairs(Gen.integers(0, COMMANDS.size() - 1),
        mutations(5, TOKENS.size(), 2));
    Result<Gen.Pair<Integer, List<Mutation>>> r = Property.of("fuzz command line", gen)
        .tries(Math.max(1, TRIES / 5)).seed(17).shrinkBudget(100, 120_000)
        .printer(c -> String.join(" ", commandLine(c.first(), c.second())))
        .check(c -> {
          CliRun run = CliRun.run(COMMAND_BOUND_SECONDS, commandLine(c.first(), c.second()).toArray(String[]::new));
          Stats.label("exit " + run.exit());
          boolean normal = (run.exit() == 0 || run.exit() == 1) && !run.showsStackTrace();
          return normal || run.endedCleanly(Main.BAD_INPUT);
        });
    System.out.println(r.describe());
  }
}
