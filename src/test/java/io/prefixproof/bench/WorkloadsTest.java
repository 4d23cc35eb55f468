package io.prefixproof.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.claims.DoubleLimitations;
import io.prefixproof.claims.Limitations;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Trace;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The benchmark checks are real checks: they pass on their cases and fail on a planted violation. */
class WorkloadsTest {

  @Test
  @DisplayName("W1: LIM-1/LIM-3 hold on every size; one prefixed weight moved by 1e-12 is caught")
  void w1() {
    for (String size : Workloads.SIZES.get("W1")) {
      int[] s = Workloads.w1Shape(size);
      java.util.List<FastModel.Head> h = Workloads.w1Case(s, new SplittableRandom(3)).heads();
      DoubleLimitations.Meter meter = new DoubleLimitations.Meter();
      DoubleLimitations.checkHead(h.get(0), 0, s[3], h.get(1), 0, 0, meter);
      assertTrue(meter.maxRatio(Set.of("LIM-1", "LIM-2", "LIM-3")) < 1, size);
    }
    int[] s = Workloads.w1Shape("small");
    java.util.List<FastModel.Head> h = Workloads.w1Case(s, new SplittableRandom(3)).heads();
    int last = s[2] - 1;
    h.get(0).weights().set(last, s[3], h.get(0).weights().get(last, s[3]) + 1e-12);
    AssertionError e = assertThrows(AssertionError.class,
        () -> DoubleLimitations.checkHead(h.get(0), 0, s[3], h.get(1), 0, 0, new DoubleLimitations.Meter()));
    assertTrue(e.getMessage().startsWith("LIM-1 violated"), e.getMessage());
  }

  @Test
  @DisplayName("W1: keys and values projected apart for prefix and content equal the product of the stacked rows,"
      + " bit for bit")
  void w1ProjectionsApart() {
    for (String size : Workloads.SIZES.get("W1")) {
      int[] s = Workloads.w1Shape(size);
      Workloads.W1Case c = Workloads.w1Case(s, new SplittableRandom(5));
      java.util.List<FastModel.Head> h = c.heads();
      org.ejml.data.DMatrixRMaj all = org.ejml.dense.row.CommonOps_DDRM.concatRowsMulti(c.prefix(), c.content());
      for (String w : java.util.List.of("K", "V")) {
        org.ejml.data.DMatrixRMaj stacked = new org.ejml.data.DMatrixRMaj(s[2] + s[3], s[1]);
        io.prefixproof.fast.Gemm.multTransB(all, c.model().param(w.equals("K") ? io.prefixproof.model.Names.wk(0, 0)
            : io.prefixproof.model.Names.wv(0, 0)), stacked);
        org.ejml.data.DMatrixRMaj prefixed = w.equals("K") ? h.get(0).keys() : h.get(0).values();
        org.ejml.data.DMatrixRMaj plain = w.equals("K") ? h.get(1).keys() : h.get(1).values();
        for (int i = 0; i < stacked.getNumElements(); i++) {
          assertEquals(Double.doubleToRawLongBits(stacked.data[i]), Double.doubleToRawLongBits(prefixed.data[i]),
              size + " " + w + " entry " + i);
        }
        for (int i = 0; i < plain.getNumElements(); i++) {
          assertEquals(Double.doubleToRawLongBits(stacked.data[s[3] * s[1] + i]),
              Double.doubleToRawLongBits(plain.data[i]), size + " content " + w + " entry " + i);
        }
      }
    }
  }

  @Test
  @DisplayName("W1 on reused buffers (first filled with NaN, then holding the previous case), the prefix-free head"
      + " on the prefixed head's scores: FastModel.head's on fresh matrices, bit for bit up to the exponentials")
  void w1ReusedBuffers() throws IllegalAccessException {
    for (String size : Workloads.SIZES.get("W1")) {
      int[] s = Workloads.w1Shape(size);
      Workloads.W1Buffers b = new Workloads.W1Buffers(s);
      for (java.lang.reflect.Field f : Workloads.W1Buffers.class.getDeclaredFields()) {
        Object m = f.get(b);
        if (m instanceof org.ejml.data.DMatrixRMaj x) {
          java.util.Arrays.fill(x.data, Double.NaN);
        } else if (m instanceof FastModel.HeadBuffers hb) {
          java.util.Arrays.fill(hb.scores().data, Double.NaN);
          java.util.Arrays.fill(hb.weights().data, Double.NaN);
          java.util.Arrays.fill(hb.out().data, Double.NaN);
          java.util.Arrays.fill(hb.spread(), Double.NaN);
        }
      }
      FastModel.Mask[] masks = Workloads.w1Masks(Workloads.W1_MASK, s[2], s[3]);
      int cases = size.equals("large") ? 2 : 4;
      for (long seed = 1; seed <= cases; seed++) {
        java.util.List<FastModel.Head> got = Workloads.w1Case(new SplittableRandom(seed), b).heads(masks, b);
        java.util.List<FastModel.Head> fresh = separateHeads(Workloads.w1Case(s, new SplittableRandom(seed)), masks);
        for (int h = 0; h < 2; h++) {
          FastModel.Head x = got.get(h);
          FastModel.Head y = fresh.get(h);
          String at = size + " seed " + seed + " head " + h;
          assertBits(y.queries().data, x.queries().data, at + " queries");
          assertBits(y.keys().data, x.keys().data, at + " keys");
          assertBits(y.values().data, x.values().data, at + " values");
          assertBits(y.scores().data, x.scores().data, at + " scores");
          assertBits(y.spread(), x.spread(), at + " spread");
          assertExpsApart(y, x, at);
        }
      }
    }
  }

  /**
   * The oracle: both heads of a W1 case by {@link FastModel#head} on fresh matrices, each computing its own
   * score product (the keys and values of the stacked prefix and content rows, the content rows extracted).
   */
  private static java.util.List<FastModel.Head> separateHeads(Workloads.W1Case c, FastModel.Mask[] masks) {
    int n = c.content().numRows;
    int p = c.prefix().numRows;
    FastModel.Head k = c.heads().get(0);
    int[] plain = java.util.stream.IntStream.range(0, n).toArray();
    int[] keys = java.util.stream.IntStream.range(0, p + n).toArray();
    int[] queries = java.util.stream.IntStream.range(p, p + n).toArray();
    org.ejml.data.DMatrixRMaj kc = org.ejml.dense.row.CommonOps_DDRM.extract(k.keys(), p, p + n, 0, k.keys().numCols);
    org.ejml.data.DMatrixRMaj vc = org.ejml.dense.row.CommonOps_DDRM.extract(k.values(), p, p + n, 0,
        k.values().numCols);
    return java.util.List.of(c.model().head(0, k.queries(), k.keys(), k.values(), masks[0], queries, keys, p + n),
        c.model().head(0, k.queries(), kc, vc, masks[1], plain, plain, n));
  }

  /**
   * Weights and outputs of two heads on the same scores, whose exponentials may come from different kernels:
   * the vector EXP compiled or not, and Math.exp, each within 1 ulp of exp, so two of them within 2 ulp
   * (relative 4u, u = 2⁻⁵³). A weight e_j/Σe is then within 4u + 4u (the sums, terms within 4u) + 2u (two
   * roundings of the quotient): 10u relative. An output Σ_j w_j v_j (fma chain over m keys, each side within
   * m·u·Σ|w_j v_j| of the exact sum) differs by at most (10 + 2m)·u·Σ_j |w_j v_j|. Stale or misplaced entries
   * are far outside (and NaN fails both).
   */
  private static void assertExpsApart(FastModel.Head y, FastModel.Head x, String at) {
    double u = Math.ulp(1.0) / 2;
    double[] wy = y.weights().data;
    double[] wx = x.weights().data;
    assertEquals(wy.length, wx.length, at);
    for (int i = 0; i < wy.length; i++) {
      assertTrue(Math.abs(wy[i] - wx[i]) <= 10 * u * Math.abs(wy[i]), at + " weight " + i + ": " + wy[i] + " vs " + wx[i]);
    }
    int m = y.weights().numCols;
    int kv = y.out().numCols;
    for (int i = 0; i < y.out().numRows; i++) {
      for (int c = 0; c < kv; c++) {
        double mass = 0;
        for (int j = 0; j < m; j++) {
          mass += Math.abs(wy[i * m + j] * y.values().get(j, c));
        }
        double d = Math.abs(y.out().get(i, c) - x.out().get(i, c));
        assertTrue(d <= (10 + 2 * m) * u * mass, at + " output " + i + "," + c + ": " + d);
      }
    }
  }

  /** Equal arrays, bit for bit (NaN and the sign of zero included). */
  private static void assertBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), what + " " + i);
    }
  }

  @Test
  @DisplayName("W1: rows compared at once give the largest error and error/tolerance of single comparisons, bit for"
      + " bit")
  void w1RowsEqualSingleComparisons() {
    for (String size : java.util.List.of("small", "medium")) {
      int[] s = Workloads.w1Shape(size);
      SplittableRandom r = new SplittableRandom(4);
      for (int k = 0; k < 6; k++) {
        java.util.List<FastModel.Head> h = Workloads.w1Case(s, r.split()).heads();
        DoubleLimitations.Meter rows = new DoubleLimitations.Meter();
        DoubleLimitations.Meter single = new DoubleLimitations.Meter().recordTolerances();
        DoubleLimitations.checkHead(h.get(0), 0, s[3], h.get(1), 0, 0, rows);
        DoubleLimitations.checkHead(h.get(0), 0, s[3], h.get(1), 0, 0, single);
        for (String id : java.util.List.of("LIM-1", "LIM-3")) {
          assertEquals(single.maxAbsErr(Set.of(id)), rows.maxAbsErr(Set.of(id)), size + " " + id);
          assertEquals(single.maxRatio(Set.of(id)), rows.maxRatio(Set.of(id)), size + " " + id);
          assertTrue(single.maxRatio(Set.of(id)) > 0, "the comparison measures something");
        }
      }
    }
  }

  @Test
  @DisplayName("W2: LIM-1/LIM-3 hold exactly; a head output changed by 2^-2000 is caught")
  void w2() {
    int[] s = Workloads.w2Shape("small");
    java.util.List<Trace.Head<BigFraction>> h = Workloads.w2Case(s, new SplittableRandom(3)).heads();
    var checks = EnumSet.of(Limitations.Check.RESCALE, Limitations.Check.OUTPUT);
    var ar = io.prefixproof.algebra.ExactArith.DYADIC;
    assertEquals(s[2], Limitations.checkHead(ar, 0, 0, h.get(0), 0, s[3], h.get(1), checks).size());
    BigFraction tiny = new BigFraction(java.math.BigInteger.ONE, java.math.BigInteger.TWO.pow(2000));
    var out = h.get(0).out().with(1, 0, h.get(0).out().get(1, 0).add(tiny));
    Trace.Head<BigFraction> p = h.get(0);
    var bad = new Trace.Head<>(p.queries(), p.keys(), p.values(), p.scores(), p.allowed(), p.weights(), out);
    AssertionError e = assertThrows(AssertionError.class, () -> Limitations.checkHead(ar, 0, 0, bad, 0, s[3], h.get(1),
        checks));
    assertTrue(e.getMessage().startsWith("LIM-3 violated"), e.getMessage());
  }

  @Test
  @DisplayName("W2's prefix-free head, from the prefixed head's scores and kernel values, is the head Forward computes anew")
  void w2SharedKernels() {
    SplittableRandom r = new SplittableRandom(11);
    for (String size : java.util.List.of("tiny", "tiny", "small", "small")) {
      int[] s = Workloads.w2Shape(size);
      Workloads.W2Case c = Workloads.w2Case(s, r.split());
      var m = c.model();
      var x = c.content().vectors();
      var q = x.timesTransposed(m.param(io.prefixproof.model.Names.wq(0, 0)));
      var k = x.timesTransposed(m.param(io.prefixproof.model.Names.wk(0, 0)));
      var v = x.timesTransposed(m.param(io.prefixproof.model.Names.wv(0, 0)));
      int[] positions = java.util.stream.IntStream.range(0, s[2]).toArray();
      Trace.Head<BigFraction> anew = io.prefixproof.model.Forward.head(m, 0, q, k, v, positions, positions, s[2]);
      Trace.Head<BigFraction> shared = c.heads().get(1);
      assertEquals(anew.scores(), shared.scores(), size);
      assertTrue(java.util.Arrays.deepEquals(anew.allowed(), shared.allowed()), size);
      assertEquals(anew.weights(), shared.weights(), size);
      assertEquals(anew.out(), shared.out(), size);
    }
    // a score scale by sequence length gives the content other scores without the prefix: refused
    int[] s = Workloads.w2Shape("tiny");
    Workloads.W2Case c = Workloads.w2Case(s, new SplittableRandom(12));
    var byLength = io.prefixproof.model.Architecture.builder(s[0]).dHead(s[1]).dValue(s[1]).maxContext(s[2] + s[3])
        .residual(false).scale(new io.prefixproof.model.ScoreScale.PerSequence(BigFraction.ONE)).build();
    var other = new Workloads.W2Case(new io.prefixproof.model.Model<>(byLength, c.model().arith(), c.model().params()),
        c.prefix(), c.content());
    assertThrows(IllegalArgumentException.class, other::heads);
  }

  @Test
  @DisplayName("W2 modulo primes: the same heads as BigFraction's residues; a head output moved by 2^-2000 is caught")
  void w2Modular() {
    int[] s = Workloads.w2Shape("small");
    Workloads.W2Case c = Workloads.w2Case(s, new SplittableRandom(3));
    var ar = io.prefixproof.algebra.ModularArith.random(io.prefixproof.algebra.RationalKernel.DYADIC, 4,
        new SplittableRandom(4));
    var h = c.heads(ar);
    java.util.List<Trace.Head<BigFraction>> exact = c.heads();
    assertEquals(exact.get(0).out().convert(ar, ar::of), h.get(0).out());
    var checks = EnumSet.of(Limitations.Check.RESCALE, Limitations.Check.OUTPUT);
    assertEquals(s[2], Limitations.checkHead(ar, 0, 0, h.get(0), 0, s[3], h.get(1), checks).size());
    var tiny = ar.of(new BigFraction(java.math.BigInteger.ONE, java.math.BigInteger.TWO.pow(2000)));
    var p = h.get(0);
    var bad = new Trace.Head<>(p.queries(), p.keys(), p.values(), p.scores(), p.allowed(), p.weights(),
        p.out().with(1, 0, p.out().get(1, 0).add(tiny)));
    AssertionError e = assertThrows(AssertionError.class, () -> Limitations.checkHead(ar, 0, 0, bad, 0, s[3], h.get(1),
        checks));
    assertTrue(e.getMessage().startsWith("LIM-3 violated"), e.getMessage());
  }

  @Test
  @DisplayName("W2 with one prime set for many cases: the heads' residues are BigFraction's; a planted 2^-2000 is caught")
  void w2ReusedPrimes() {
    var base = io.prefixproof.algebra.ModularArith.random(io.prefixproof.algebra.RationalKernel.DYADIC, 4,
        new SplittableRandom(6));
    var checks = EnumSet.of(Limitations.Check.RESCALE, Limitations.Check.OUTPUT);
    var tiny = new BigFraction(java.math.BigInteger.ONE, java.math.BigInteger.TWO.pow(2000));
    SplittableRandom r = new SplittableRandom(7);
    for (String size : java.util.List.of("tiny", "tiny", "small")) {
      for (int i = 0; i < 8; i++) {
        int[] s = Workloads.w2Shape(size);
        Workloads.W2Case c = Workloads.w2Case(s, r.split());
        var ar = base.fresh();
        var h = c.heads(ar);
        var exact = c.heads();
        for (int head = 0; head < 2; head++) {
          var e = exact.get(head).out();
          var m = h.get(head).out();
          for (int q = 0; q < e.rows(); q++) {
            for (int v = 0; v < e.cols(); v++) {
              for (int k = 0; k < ar.primes().length; k++) {
                assertEquals(residue(e.get(q, v), ar.primes()[k]), ar.residue(m.get(q, v), k), size + " case " + i);
              }
            }
          }
        }
        assertEquals(s[2], Limitations.checkHead(ar, 0, 0, h.get(0), 0, s[3], h.get(1), checks).size());
        var p = h.get(0);
        int row = i % s[2];
        var bad = new Trace.Head<>(p.queries(), p.keys(), p.values(), p.scores(), p.allowed(), p.weights(),
            p.out().with(row, 0, p.out().get(row, 0).add(ar.of(tiny))));
        AssertionError err = assertThrows(AssertionError.class, () -> Limitations.checkHead(ar, 0, 0, bad, 0, s[3],
            h.get(1), checks));
        assertTrue(err.getMessage().matches("LIM-[23] violated at layer 0 head 0: query " + row + " value 0:.*"),
            err.getMessage());
      }
    }
  }

  /** The residue of a rational modulo p, by BigInteger (independent of the Montgomery arithmetic). */
  private static long residue(BigFraction v, long p) {
    java.math.BigInteger q = java.math.BigInteger.valueOf(p);
    return v.getNumerator().multiply(v.getDenominator().modInverse(q)).mod(q).longValue();
  }
}
