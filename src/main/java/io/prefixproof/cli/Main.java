package io.prefixproof.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code prefixproof} command line. */
@Command(name = "prefixproof", mixinStandardHelpOptions = true, version = "prefixproof 0.1.0",
    description = "Executable proofs of what prompting and prefix-tuning can and cannot do to a transformer.",
    subcommands = {VerifyCommand.class, ConstructCommand.class, CertifyCommand.class, InspectCommand.class,
        BenchCommand.class, ReportCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Exit codes: 0 as expected, 1 a claim not as expected, 2 bad input. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code; expected errors print one line, no stack trace. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException || ex instanceof ArithmeticException
          || ex instanceof java.io.UncheckedIOException) {
        commandLine.getErr().println("error: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    cl.setExitCodeExceptionMapper(ex -> 2);
    return cl.execute(args);
  }
}
