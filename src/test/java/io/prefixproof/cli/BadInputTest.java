package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.io.ModelFixtures;
import io.prefixproof.io.Safetensors;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad inputs an audit found hanging, running out of memory, overflowing, escaping the config's folder or
 * printing stack traces (issue 17). Each now ends within 10 seconds with exit code 2, one line on stderr that
 * names the option, file, field or tensor, and no stack trace.
 */
class BadInputTest {

  /** Bound on each run; the runs below are refused before any work, in milliseconds. */
  static final long SECONDS = 10;

  @TempDir
  Path dir;

  /** A case: the arguments and a fragment the one-line message must contain. */
  record Case(String name, String fragment, String... args) {}

  /** A config file of its own, {@code name}.json, next to the valid model.safetensors. */
  Path config(String name, String arch, String weights) throws Exception {
    Files.write(dir.resolve("model.safetensors"), Safetensors.write(ModelFixtures.weights()));
    Path cfg = dir.resolve(name + ".json");
    Files.writeString(cfg, "{\"architecture\": {" + arch + "}, \"weights\": \"" + weights + "\"}");
    return cfg;
  }

  /** A safetensors file with one tensor named w whose header is written by hand. */
  static byte[] crafted(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
        .array();
  }

  List<Case> cases() throws Exception {
    List<Case> c = new ArrayList<>();
    // options: hangs, out-of-memory, int overflow, a negative temperature accepted
    c.add(new Case("hang: certify cap2 N = 10^9", "--length must be in [1, 100000], got 1000000000", "certify", "cap2",
        "--length", "1000000000"));
    c.add(new Case("hang: certify cap2 T = 1e308", "--temperature must be in [0, 1000000], got 1e308", "certify",
        "cap2", "--temperature", "1e308"));
    c.add(new Case("hang: bench with 10^9 threads", "--threads must be in [1, 256]", "bench", "--workload", "W1",
        "--threads", "1000000000"));
    c.add(new Case("exit 0: construct cap2 T = -1", "--temperature must be in [0, 1000000], got -1", "construct",
        "cap2", "--temperature", "-1", "--target-text", "hi"));
    c.add(new Case("overflow: V = 2·10^9", "--vocab must be in [1, 1000000], got 2000000000", "certify", "cap2",
        "--vocab", "2000000000"));
    c.add(new Case("OOM: construct cap2 with V = 10^6", "cap2 with V=1000000 N=20 is too large", "construct",
        "cap2", "--vocab", "1000000", "--target-tokens", "1"));
    c.add(new Case("OOM: construct cap2 with N = 10^5", "cap2 with V=94 N=100000 is too large", "construct",
        "cap2", "--length", "100000", "--target-tokens", "1"));
    c.add(new Case("overflow: cap5 width 2V² at V = 50000", "cap5 with V=50000 on 1 inputs is too large",
        "construct", "cap5", "--vocab", "50000", "--map", "sum", "--input", "3,4"));
    c.add(new Case("OOM: certify cap4 map of V·N0 = 10^11", "certify cap4 with V=1000000 N0=100000 is too large",
        "certify", "cap4", "--vocab", "1000000", "--length", "100000"));
    Path cfg = config("valid", ModelFixtures.ARCH, "model.safetensors");
    c.add(new Case("overflow: prefix + content", "--prefix must be in [1, 4096], got 2147483647", "inspect",
        "--model", cfg.toString(), "--random-content", "1", "--prefix", "2147483647"));
    c.add(new Case("OOM: 10^9 random content rows", "--random-content must be in [1, 4096]", "inspect", "--model",
        cfg.toString(), "--random-content", "1000000000"));
    c.add(new Case("stack trace after the run: inspect --json", "--json /missing/dir/x.json: the folder /missing/dir"
        + " does not exist", "inspect", "--json", "/missing/dir/x.json"));
    c.add(new Case("stack trace after the run: verify --json", "the folder /missing/dir does not exist", "verify",
        "--json", "/missing/dir/out.json"));
    c.add(new Case("hang: bench for 1e308 seconds", "--seconds must be in (0, 3600.0], got 1.0E308", "bench",
        "--workload", "W4", "--seconds", "1e308"));
    c.add(new Case("hang: verify with 2·10^9 tries", "--tries must be in [1, 1000000]", "verify", "--tries",
        "2000000000"));
    c.add(new Case("usage text instead of one line", "Invalid value for option '--vocab': 'abc' is not an int",
        "construct", "cap2", "--vocab", "abc", "--target-tokens", "1"));
    // configs: file-read escapes, leaks, loose types, unnamed fields
    c.add(new Case("escape: weights ../../../etc/passwd", "\"weights\" names ../../../etc/passwd, outside the"
        + " config's folder", "inspect", "--model", config("dotdot", ModelFixtures.ARCH, "../../../etc/passwd").toString(),
        "--random-content", "2"));
    c.add(new Case("escape: weights /etc/passwd", "\"weights\" names /etc/passwd, outside the config's folder",
        "inspect", "--model", config("absolute", ModelFixtures.ARCH, "/etc/passwd").toString(), "--random-content", "2"));
    Path outside = Files.createTempFile("prefixproof-outside", ".bin");
    Files.writeString(outside, "SECRET12 not for the error message");
    Files.createSymbolicLink(dir.resolve("link.safetensors"), outside);
    c.add(new Case("escape: a symbolic link in the folder", "\"weights\" names link.safetensors, outside the config's"
        + " folder", "inspect", "--model", config("link", ModelFixtures.ARCH, "link.safetensors").toString(),
        "--random-content", "2"));
    Files.writeString(dir.resolve("passwd.safetensors"), "root:x:0:0:root:/root:/bin/bash\n");
    c.add(new Case("leak: 8 bytes of a non-safetensors file", "passwd.safetensors: not a safetensors file: its"
        + " header length field does not fit in a file of 32 bytes", "inspect", "--model",
        config("passwd", ModelFixtures.ARCH, "passwd.safetensors").toString(), "--random-content", "2"));
    Files.write(dir.resolve("strings.safetensors"), crafted(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"8\",\"8\"],\"data_offsets\":[0,256]}}", 256));
    c.add(new Case("loose types: shape dims as strings", "tensor w has dimension 0 of JSON type string; expected an"
        + " integer", "inspect", "--model", config("strings", ModelFixtures.ARCH, "strings.safetensors").toString(),
        "--random-content", "2"));
    Files.write(dir.resolve("wide.safetensors"), crafted(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[0,3000000000],\"data_offsets\":[0,0]}}", 0));
    c.add(new Case("overflow: dimension 3·10^9", "tensor w has dimension 1 3000000000; expected an integer in [0,"
        + " 2147483647]", "inspect", "--model", config("wide", ModelFixtures.ARCH, "wide.safetensors").toString(),
        "--random-content", "2"));
    c.add(new Case("scale 0 reported as overflow", "scale.json: \"scale\" must be a number in (0, 1000000.0], got 0",
        "inspect", "--model", config("scale", ModelFixtures.ARCH.replace("\"scale\": 0.5", "\"scale\": 0"),
        "model.safetensors").toString(), "--random-content", "2"));
    c.add(new Case("loose types: d_model as a string", "dmodel.json: \"d_model\" must be an integer in [1, 65536],"
        + " got \"8\"", "inspect", "--model", config("dmodel", ModelFixtures.ARCH.replace("\"d_model\": 8",
        "\"d_model\": \"8\""), "model.safetensors").toString(), "--random-content", "2"));
    c.add(new Case("unnamed field: max_context 10^12", "context.json: \"max_context\" must be an integer in [1,"
        + " 1048576], got 1000000000000", "inspect", "--model", config("context", ModelFixtures.ARCH.replace(
        "\"max_context\": 8", "\"max_context\": 1000000000000"), "model.safetensors").toString(),
        "--random-content", "2"));
    Path big = dir.resolve("big.safetensors");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: no disk blocks are written
    }
    c.add(new Case("OOM: a 3 GiB safetensors file", "big.safetensors: 3221225472 bytes is too large to read",
        "inspect", "--model", config("big", ModelFixtures.ARCH, "big.safetensors").toString(), "--random-content", "2"));
    return c;
  }

  @TestFactory
  @DisplayName("each audited bad input ends with exit 2, one line naming the problem, no stack trace")
  Stream<DynamicTest> auditedBadInputs() throws Exception {
    List<Case> cases = cases();
    assertEquals(26, cases.size());
    return cases.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
      CliRun r = CliRun.run(SECONDS, k.args());
      assertTrue(r.endedCleanly(Main.BAD_INPUT), r.toString());
      assertTrue(r.err().contains(k.fragment()), "expected '" + k.fragment() + "' in " + r);
      assertFalse(r.err().contains("SECRET") || r.err().contains("root:") || r.err().contains(
          Long.toString(ByteBuffer.wrap("root:x:0".getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN)
              .getLong())), "file contents leaked: " + r);
    }));
  }

  @Test
  @DisplayName("a failing certificate too large to run prints its verdict (exit 1) instead of running out of memory")
  void largeFailingCertificate() {
    CliRun r = CliRun.run(SECONDS, "certify", "cap5", "--vocab", "100000", "--temperature", "1");
    assertEquals(Main.NOT_AS_EXPECTED, r.exit(), r.toString());
    assertTrue(r.out().contains("NOT correct for every target") && r.out().contains("too large to build"), r.toString());
    assertFalse(r.showsStackTrace(), r.toString());
  }

  @Test
  @DisplayName("an internal error is one line with exit 3; --debug adds the stack trace")
  void internalError() {
    StringWriter quiet = new StringWriter();
    assertEquals(Main.INTERNAL_ERROR, Main.report(new OutOfMemoryError("Java heap space"), false, new PrintWriter(quiet)));
    assertEquals("internal error: OutOfMemoryError: Java heap space (rerun with --debug for the stack trace)",
        quiet.toString().strip());
    StringWriter loud = new StringWriter();
    assertEquals(Main.INTERNAL_ERROR, Main.report(new IllegalStateException("broken"), true, new PrintWriter(loud)));
    assertTrue(loud.toString().startsWith("internal error: IllegalStateException: broken\n")
        && loud.toString().contains("\tat "), loud.toString());
    // bad input stays exit 2, whatever its message
    assertEquals(Main.BAD_INPUT, Main.report(new IllegalArgumentException("x\ny"), true, new PrintWriter(new StringWriter())));
  }

  @Test
  @DisplayName("--debug is accepted by every subcommand")
  void debugFlag() {
    CliRun r = CliRun.run(SECONDS, "construct", "cap3", "--vocab", "3", "--map", "1,2,0", "--input", "0,2", "--debug");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("1 0", r.out().strip(), r.toString());
  }

  @Test
  @DisplayName("a weights file outside the folder is read only with --allow-outside-weights")
  void allowOutsideWeights() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("cfg"));
    Files.write(dir.resolve("model.safetensors"), Safetensors.write(ModelFixtures.weights()));
    Path cfg = sub.resolve("config.json");
    Files.writeString(cfg, "{\"architecture\": {" + ModelFixtures.ARCH + "}, \"weights\": \"../model.safetensors\"}");
    assertEquals(Main.BAD_INPUT, CliRun.run(SECONDS, "inspect", "--model", cfg.toString(), "--random-content", "2")
        .exit());
    CliRun ok = CliRun.run(60, "inspect", "--model", cfg.toString(), "--random-content", "2", "--allow-outside-weights");
    assertEquals(0, ok.exit(), ok.toString());
  }

  @Test
  @DisplayName("the harness's verdict fails on a hang, a stack trace, a second line or another exit code")
  void harnessCatchesPlantedFailures() {
    String[] a = {"x"};
    assertTrue(new CliRun(a, 2, "", "error: bad --vocab\n").endedCleanly(2));
    assertFalse(new CliRun(a, -1, "", "").endedCleanly(2));
    assertFalse(new CliRun(a, 2, "", "error: x\n\tat io.prefixproof.cli.Main.execute(Main.java:1)\n").endedCleanly(2));
    assertFalse(new CliRun(a, 2, "", "java.lang.NegativeArraySizeException: -1\n").endedCleanly(2));
    assertFalse(new CliRun(a, 2, "", "error: x\nUsage: prefixproof\n").endedCleanly(2));
    assertFalse(new CliRun(a, 1, "", "error: x\n").endedCleanly(2));
  }
}
