package io.prefixproof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * Side-by-side runs of a workload and the Python baseline a researcher would write for it
 * ({@code src/bench/python/}, packaged in the jar): Java and Python alternate, each {@link #RUNS} times,
 * and the medians' ratio is reported. numpy runs with one BLAS thread.
 */
public final class Baselines {
  private Baselines() {}

  /** Runs per side; the median is reported. */
  public static final int RUNS = 3;

  /** The baseline script and the Python modules it imports, per workload. */
  public record Script(String file, List<String> modules) {}

  static final Map<String, Script> SCRIPTS = Map.of(
      "W1", new Script("w1_numpy.py", List.of("numpy")),
      "W2", new Script("w2_fractions.py", List.of()),
      "W3", new Script("w3_numpy.py", List.of("numpy")),
      "W4", new Script("w4_hypothesis.py", List.of("hypothesis")),
      "train", new Script("train_torch.py", List.of("torch")));

  /** The baseline of {@code workload}; bad input when it has none. */
  public static Script script(String workload) {
    Script script = SCRIPTS.get(workload);
    if (script == null) {
      throw new IllegalArgumentException("--compare: workload " + workload + " has no Python baseline; available: "
          + workloads());
    }
    return script;
  }

  /** The workloads that have a baseline to compare with. */
  public static List<String> workloads() {
    return SCRIPTS.keySet().stream().sorted().toList();
  }

  /** Python's variables for one thread in every BLAS numpy may be built on. */
  static final Map<String, String> ONE_THREAD = Map.of("OPENBLAS_NUM_THREADS", "1", "OMP_NUM_THREADS", "1",
      "MKL_NUM_THREADS", "1", "VECLIB_MAXIMUM_THREADS", "1", "NUMEXPR_NUM_THREADS", "1");

  /**
   * Runs {@code workload} at {@code size} and its baseline at the same size {@link #RUNS} times each for
   * {@code seconds} per run, and returns the comparison; {@code python} is the interpreter to run. Throws
   * {@link IllegalArgumentException} naming what is missing when the interpreter cannot start or a module
   * does not import.
   */
  public static ObjectNode compare(String workload, String size, double seconds, int threads, String python) {
    Script script = script(workload);
    Path dir = unpack();
    try {
      requireModules(python, script.modules(), dir);
      double[][] ours = new double[2][RUNS];
      double[][] theirs = new double[2][RUNS];
      ObjectNode last = null;
      String note = null;
      Workloads.Run lastRun = null;
      Integer shrinkCalls = null;
      for (int r = 0; r < RUNS; r++) {
        long cpu0 = processCpuNanos();
        Workloads.Run run = Workloads.run(workload, size, seconds, threads);
        ours[0][r] = run.checks() / run.seconds();
        ours[1][r] = run.checks() / ((processCpuNanos() - cpu0) / 1e9);
        note = run.note();
        lastRun = run;
        if (run.shrinkCalls() != null) {
          shrinkCalls = shrinkCalls == null ? run.shrinkCalls() : Math.max(shrinkCalls, run.shrinkCalls());
        }
        last = runScript(python, dir, script.file(), seconds, size);
        theirs[0][r] = last.get("checks_per_s").asDouble();
        theirs[1][r] = last.get("checks").asDouble() / last.get("cpu_seconds").asDouble();
      }
      ObjectNode o = result(workload, size, seconds, threads, script, ours, theirs, note, last);
      // W4: the most shrink calls over every search of the three runs, the last run's shrunk witness
      o.put("shrink_calls", shrinkCalls);
      o.put("witness_nonzero_choices", lastRun.witnessNonzeroChoices());
      return o;
    } finally {
      deleteQuietly(dir);
    }
  }

  /** CPU time of the whole JVM (compiler and collector threads included). */
  private static long processCpuNanos() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime();
  }

  /**
   * The comparison as one JSON object (built here only, so it can be wrapped in a common envelope). Rates
   * per side and run: {@code [0]} checks per wall-clock second, {@code [1]} checks per CPU second of the
   * whole process, which a loaded machine disturbs less.
   */
  static ObjectNode result(String workload, String size, double seconds, int threads, Script script,
      double[][] ours, double[][] theirs, String note, ObjectNode lastBaseline) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    o.put("workload", workload);
    o.put("size", size);
    o.put("seconds_per_run", seconds);
    o.put("runs", RUNS);
    o.put("threads", threads);
    o.put("java_checks_per_s", median(ours[0]));
    o.put("baseline", script.file());
    o.put("baseline_checks_per_s", median(theirs[0]));
    o.put("ratio", median(ours[0]) / median(theirs[0]));
    o.put("java_checks_per_cpu_s", median(ours[1]));
    o.put("baseline_checks_per_cpu_s", median(theirs[1]));
    o.put("cpu_ratio", median(ours[1]) / median(theirs[1]));
    ArrayNode a = o.putArray("java_runs");
    Arrays.stream(ours[0]).forEach(a::add);
    ArrayNode b = o.putArray("baseline_runs");
    Arrays.stream(theirs[0]).forEach(b::add);
    // the Java products may split rows over the common pool; numpy runs on one BLAS thread
    o.put("java_common_pool_parallelism", ForkJoinPool.getCommonPoolParallelism());
    o.put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    // one shape for every workload: the baseline's own numbers where its script prints them, else null
    for (String f : List.of("max_abs_err", "property_calls_per_search", "most_property_calls", "witness")) {
      o.set("baseline_" + f, lastBaseline.hasNonNull(f) ? lastBaseline.get(f) : json.nullNode());
    }
    o.put("note", note);
    return o;
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Copies the packaged baselines into a new temporary folder. */
  static Path unpack() {
    try {
      Path dir = Files.createTempDirectory("prefixproof-baselines");
      List<String> files = new java.util.ArrayList<>(List.of("timing.py"));
      SCRIPTS.values().forEach(s -> files.add(s.file()));
      for (String f : files) {
        try (InputStream in = Baselines.class.getResourceAsStream("/bench/python/" + f)) {
          if (in == null) {
            throw new IllegalStateException("the jar holds no bench/python/" + f);
          }
          Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the Python baselines: " + e.getMessage(), e);
    }
  }

  /** Fails with one line naming the interpreter or the first module that does not import. */
  static void requireModules(String python, List<String> modules, Path dir) {
    for (String m : modules) {
      Outcome o = exec(List.of(python, "-c", "import " + m), dir);
      if (o.code != 0) {
        String last = o.stderr.strip().lines().reduce((a, b) -> b).orElse("exit code " + o.code);
        throw new IllegalArgumentException("--compare: " + python + " cannot import " + m + " (" + last
            + "); name a Python that has it with --python EXE");
      }
    }
  }

  /** Runs one baseline for {@code seconds} at {@code size} and returns its JSON line. */
  static ObjectNode runScript(String python, Path dir, String file, double seconds, String size) {
    Outcome o = exec(List.of(python, file, Double.toString(seconds), size), dir);
    if (o.code != 0) {
      throw new IllegalStateException("baseline " + file + " failed with exit code " + o.code + ": "
          + o.stderr.strip().lines().reduce((a, b) -> b).orElse(""));
    }
    try {
      JsonNode n = new ObjectMapper().readTree(o.stdout.strip().lines().reduce((a, b) -> b).orElse(""));
      if (!(n instanceof ObjectNode obj) || !n.has("checks_per_s")) {
        throw new IllegalStateException("baseline " + file + " printed no rate: " + o.stdout.strip());
      }
      return obj;
    } catch (IOException e) {
      throw new IllegalStateException("baseline " + file + " printed no JSON line: " + o.stdout.strip(), e);
    }
  }

  private record Outcome(int code, String stdout, String stderr) {}

  /** Runs a command in {@code dir} with one BLAS thread and waits for it; stderr goes through a file. */
  private static Outcome exec(List<String> command, Path dir) {
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
    pb.environment().putAll(ONE_THREAD);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalArgumentException("--compare: cannot start " + command.get(0) + " (" + e.getMessage()
          + "); install Python 3 or name it with --python");
    }
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      int code = p.waitFor();
      return new Outcome(code, new String(out, StandardCharsets.UTF_8), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
