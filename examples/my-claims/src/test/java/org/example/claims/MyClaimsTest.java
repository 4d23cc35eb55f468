package org.example.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prefixproof.algebra.Mat;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.claims.Limitations;
import io.prefixproof.junit.Claim;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.Trace;
import org.apache.commons.math3.fraction.BigFraction;

class MyClaimsTest {

  @Claim(id = "MY-1", tries = 100, seed = 1,
      statement = "a prefix cannot change which content key a head attends to most")
  void prefixKeepsTheTopContentKey(PrefixCase<BigFraction> c) {
    Model<BigFraction> m = c.model();
    // the prefixed run and, per layer, the prefix-free heads on the same content inputs and positions
    Limitations.Pair<BigFraction> run = Limitations.run(m, c.prefix(), c.contentInput());
    for (int l = 0; l < m.arch().layers(); l++) {
      for (int h = 0; h < m.arch().heads(); h++) {
        Mat<BigFraction> with = run.prefixed().contentWeights(l, h);
        Mat<BigFraction> without = run.reference().get(l).heads().get(h).weights();
        for (int i = 0; i < with.rows(); i++) {
          assertEquals(Forward.argmax(m.arith(), without.row(i)), Forward.argmax(m.arith(), with.row(i)),
              "layer " + l + ", head " + h + ", query " + i);
        }
      }
    }
  }

  @Claim(id = "MY-2", tries = 100, seed = 1, expect = Claim.Expect.COUNTEREXAMPLE, witness = "minimal",
      statement = "a prefix cannot change the model's output")
  void prefixKeepsTheOutput(PrefixCase<BigFraction> c) {
    assertEquals(contentOutput(Forward.run(c.model(), Prefix.none(), c.contentInput())),
        contentOutput(Forward.run(c.model(), c.prefix(), c.contentInput())));
  }

  private static Mat<BigFraction> contentOutput(Trace<BigFraction> t) {
    return t.hidden().rows(t.streamPrefix(), t.hidden().rows());
  }

  /** The shrunk witness of MY-2: one layer, one head, one content position, one prefix position. */
  void minimal(PrefixCase<BigFraction> c) {
    assertEquals("L1 H1 n1 p1", "L" + c.model().arch().layers() + " H" + c.model().arch().heads() + " n"
        + c.content().rows() + " p" + c.prefix().length());
  }
}
