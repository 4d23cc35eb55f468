package io.prefixproof.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.prefixproof.cases.DoubleCases;
import io.prefixproof.fast.FastModel;
import io.prefixproof.property.Source;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DoubleLimitations#referenceHeads} reuses the prefixed run's content queries, keys and values; the
 * reference it replaces ran the whole prefix-free layer again on the content rows of the layer input. Both
 * must give the same doubles, bit for bit, on every kind of case the generator draws (residual and
 * key/value prefixes, both masks, every norm, pre- and post-norm, biases, MLP).
 */
class ReferenceHeadsTest {

  /** The heads of the prefix-free layer l run again on the content rows of the prefixed run's input. */
  static List<FastModel.Head> wholeLayer(FastModel model, FastModel.Trace t, int l) {
    int sp = t.streamPrefix();
    int n = t.positions().length - sp;
    DMatrixRMaj input = t.layers().get(l).input();
    DMatrixRMaj x = CommonOps_DDRM.extract(input, sp, input.numRows, 0, input.numCols);
    int[] positions = Arrays.copyOfRange(t.positions(), sp, t.positions().length);
    return model.layer(l, x, positions, null, null, new int[0], n).heads();
  }

  /** The first entry where two heads differ in any intermediate (bitwise), or null when none does. */
  static String firstDifference(FastModel.Head a, FastModel.Head b) {
    String[] names = {"queries", "keys", "values", "scores", "weights", "out"};
    DMatrixRMaj[] x = {a.queries(), a.keys(), a.values(), a.scores(), a.weights(), a.out()};
    DMatrixRMaj[] y = {b.queries(), b.keys(), b.values(), b.scores(), b.weights(), b.out()};
    for (int m = 0; m < names.length; m++) {
      if (x[m].numRows != y[m].numRows || x[m].numCols != y[m].numCols) {
        return names[m] + " shapes " + x[m].numRows + "x" + x[m].numCols + " and " + y[m].numRows + "x" + y[m].numCols;
      }
      for (int i = 0; i < x[m].getNumElements(); i++) {
        if (Double.doubleToLongBits(x[m].data[i]) != Double.doubleToLongBits(y[m].data[i])) {
          return names[m] + " entry " + i + ": " + x[m].data[i] + " and " + y[m].data[i];
        }
      }
    }
    if (!Arrays.equals(a.spread(), b.spread())) {
      return "spread " + Arrays.toString(a.spread()) + " and " + Arrays.toString(b.spread());
    }
    return Arrays.deepEquals(a.allowed(), b.allowed()) ? null : "masks";
  }

  static DoubleCases.Case someCase(long seed) {
    return DoubleCases.cases(DoubleCases.ci()).generate(Source.random(new SplittableRandom(seed), 1000));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  @DisplayName("the reused reference heads equal the whole prefix-free layer's, bit for bit")
  void sameAsWholeLayer(long seed) {
    DoubleCases.Case c = someCase(seed);
    FastModel.Trace t = c.run();
    for (int l = 0; l < c.model().arch().layers(); l++) {
      List<FastModel.Head> old = wholeLayer(c.model(), t, l);
      List<FastModel.Head> reused = DoubleLimitations.referenceHeads(c.model(), t, l);
      assertEquals(old.size(), reused.size());
      for (int h = 0; h < old.size(); h++) {
        assertNull(firstDifference(old.get(h), reused.get(h)), c + ", layer " + l + ", head " + h);
      }
    }
  }

  @Test
  @DisplayName("the comparison sees one ulp in one weight, and a reference built on the prefix's rows")
  void comparisonCatchesPlantedDifferences() {
    DoubleCases.Case c = someCase(3);
    FastModel.Trace t = c.run();
    FastModel.Head old = wholeLayer(c.model(), t, 0).get(0);
    FastModel.Head moved = DoubleLimitations.referenceHeads(c.model(), t, 0).get(0);
    int last = moved.weights().getNumElements() - 1;
    moved.weights().data[last] = Math.nextUp(moved.weights().data[last]);
    assertNotNull(firstDifference(old, moved));

    // keys and values taken from the first n rows (the prefix's rows among them) instead of the last n
    FastModel.Head hp = t.layers().get(0).heads().get(0);
    int n = old.queries().numRows;
    int[] positions = Arrays.copyOfRange(t.positions(), t.streamPrefix(), t.positions().length);
    FastModel.Head wrongRows = c.model().head(0, old.queries(),
        CommonOps_DDRM.extract(hp.keys(), 0, n, 0, hp.keys().numCols),
        CommonOps_DDRM.extract(hp.values(), 0, n, 0, hp.values().numCols), positions, positions, n);
    assertNotNull(firstDifference(old, wrongRows), c.toString());
  }
}
