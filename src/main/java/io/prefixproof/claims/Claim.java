package io.prefixproof.claims;

import io.prefixproof.property.Store;

/**
 * One claim of PAPER.md: its stable ID, statement, paper section, proof note, what the catalogue expects
 * (it holds, or a counterexample exists), and how to check it.
 */
public interface Claim {

  /** What the catalogue expects of a claim. */
  enum Expected {
    HOLDS,
    COUNTEREXAMPLE
  }

  /** What a run found. */
  enum Status {
    HOLDS,
    COUNTEREXAMPLE,
    FAILED
  }

  /** Tries, seed and where counterexamples are saved (null: not saved). */
  record Settings(int tries, long seed, Store store) {}

  String id();

  String statement();

  String section();

  /** The proof note, relative to the project root. */
  default String note() {
    return "proofs-notes/" + id() + ".md";
  }

  Expected expected();

  /** Default number of cases (the CI budget). */
  int defaultTries();

  Result run(Settings settings);

  /**
   * One claim's outcome.
   *
   * @param status holds, counterexample found, or failed (not as the catalogue expects)
   * @param maxAbsErr largest measured error of a double check, null for exact checks
   * @param witness the shrunk counterexample as text, null when none
   * @param detail one line: what went wrong, or extra facts
   * @param statistics labelled counts of the generated cases (shapes, masks, prefix kinds)
   */
  record Result(String id, Status status, Expected expected, int tries, long seed, Double maxAbsErr, String witness,
      long millis, String detail, java.util.Map<String, Integer> statistics) {

    /** True when the outcome is what the catalogue expects. */
    public boolean asExpected() {
      return status == Status.HOLDS && expected == Expected.HOLDS
          || status == Status.COUNTEREXAMPLE && expected == Expected.COUNTEREXAMPLE;
    }
  }
}
