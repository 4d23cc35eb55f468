package io.prefixproof.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code prefixproof} command line. */
@Command(name = "prefixproof", mixinStandardHelpOptions = true, version = "prefixproof " + Main.VERSION,
    description = "Executable proofs of what prompting and prefix-tuning can and cannot do to a transformer.",
    subcommands = {VerifyCommand.class, ConstructCommand.class, CertifyCommand.class, InspectCommand.class,
        BenchCommand.class, ReportCommand.class, ReproduceCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /** This tool's version (also {@code tool_version} in every JSON output). */
  public static final String VERSION = "0.1.0";

  /** Exit code: a claim came out not as expected. */
  public static final int NOT_AS_EXPECTED = 1;
  /** Exit code: bad input (option, file, field or value out of range); one line on stderr. */
  public static final int BAD_INPUT = 2;
  /** Exit code: an internal error (out of memory, a bug); one line on stderr, the stack trace with --debug. */
  public static final int INTERNAL_ERROR = 3;

  /** The exit codes, listed in every command's --help. */
  static final Map<String, String> EXIT_CODES = Map.of("0", "as expected", "1",
      "a claim not as expected", "2", "bad input: an option, file, field or value outside its documented range"
      + " (one line on stderr)", "3", "internal error, out of memory included (one line; --debug prints the stack"
      + " trace)");

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "On an internal error, also print the stack trace.")
  boolean debug;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Exit codes: 0 as expected, 1 a claim not as expected, 2 bad input, 3 internal error. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs the command line and returns the exit code. Bad input prints one line and returns 2; any other
   * throwable, {@link OutOfMemoryError} included, prints one line and returns 3 (with the stack trace only
   * under {@code --debug}).
   */
  public static int execute(String... args) {
    Main main = new Main();
    CommandLine cl = new CommandLine(main);
    PrintWriter err = new PrintWriter(System.err, true);
    cl.setErr(err);
    for (CommandLine c : java.util.stream.Stream.concat(java.util.stream.Stream.of(cl), cl.getSubcommands().values()
        .stream()).toList()) {
      c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(new java.util.TreeMap<>(
          EXIT_CODES));
    }
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, main.debug, err));
    cl.setParameterExceptionHandler((ex, args1) -> {
      err.println("error: " + firstLine(ex.getMessage()) + " (see --help)");
      return BAD_INPUT;
    });
    try {
      return cl.execute(args);
    } catch (Throwable t) {
      // errors (OutOfMemoryError, StackOverflowError) pass picocli's handler, which only sees exceptions
      return report(t, main.debug, err);
    }
  }

  /** Prints one line for {@code t} and returns its exit code. */
  static int report(Throwable t, boolean debug, PrintWriter err) {
    if (t instanceof IllegalArgumentException || t instanceof ArithmeticException
        || t instanceof java.io.UncheckedIOException) {
      err.println("error: " + firstLine(t.getMessage()));
      return BAD_INPUT;
    }
    err.println("internal error: " + t.getClass().getSimpleName() + (t.getMessage() == null ? ""
        : ": " + firstLine(t.getMessage())) + (debug ? "" : " (rerun with --debug for the stack trace)"));
    if (debug) {
      t.printStackTrace(err);
    }
    err.flush();
    return INTERNAL_ERROR;
  }

  /** The first line of a message, so that every error stays one line. */
  static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
