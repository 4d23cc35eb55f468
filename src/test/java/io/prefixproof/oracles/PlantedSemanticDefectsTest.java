package io.prefixproof.oracles;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.ExactArith;
import io.prefixproof.algebra.Mat;
import io.prefixproof.algebra.RationalKernel;
import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Content;
import io.prefixproof.model.Forward;
import io.prefixproof.model.Model;
import io.prefixproof.model.Names;
import io.prefixproof.model.Prefix;
import io.prefixproof.model.ScoreScale;
import io.prefixproof.model.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.fraction.BigFraction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each oracle of {@link Oracles} run on a planted-wrong variant of what it checks must fail. The variants
 * are the defects an audit planted in the core and the whole suite accepted (the first four), and the
 * prefix defects that only one hand example used to catch. Where the defect lives in the engine, the
 * variant is the real engine on inputs that make it compute exactly the defective formula (negated ALiBi
 * slopes are the sign error; zeroed prefix values are values ignored), or the real engine with the
 * defective piece swapped in through a public seam (the arithmetic's kernel, the RoPE rotation).
 */
class PlantedSemanticDefectsTest {

  /** Asserts the oracle fails on the variant and prints the first line of what it said. */
  static void fails(String defect, Executable oracleOnVariant) {
    AssertionError e = assertThrows(AssertionError.class, oracleOnVariant, defect + " was not caught");
    System.out.println("caught " + defect + ": " + e.getMessage().lines().findFirst().orElse(""));
  }

  // ---- the four defects the whole suite used to accept ----

  @Nested
  @DisplayName("kernel positive but not increasing: kappa(s) = kappa(-s) for s < 0")
  class SymmetricKernel {
    final java.util.function.UnaryOperator<BigFraction> planted = s -> RationalKernel.POLYNOMIAL.apply(s.abs());

    @Test
    @DisplayName("the kernel property fails")
    void kernelProperty() {
      fails("symmetric exact kernel", () -> Oracles.exactKernelPositiveAndIncreasing(planted));
      fails("symmetric double kernel", () -> Oracles.doubleKernelPositiveAndIncreasing(x -> Math.exp(Math.abs(x))));
    }

    @Test
    @DisplayName("the engine with that kernel: weights no longer follow the scores, and the reference differs")
    void engineWithPlantedKernel() {
      Arith<BigFraction> ar = kernelSwapped(planted);
      fails("engine weights under a symmetric kernel", () -> Oracles.weightsFollowScores(s -> Oracles.exactWeights(ar, s)));
      fails("engine under a symmetric kernel on LIM-1 cases",
          () -> Oracles.claimCasesAgreeWithReference("LIM-1", (m, p, c) -> Oracles.FORWARD.run(withArith(m, ar), p, c),
              40));
    }
  }

  @Test
  @DisplayName("LoRA as W + alpha B A instead of W + (alpha/r) B A")
  void loraWithoutOverR() {
    fails("LoRA without 1/r", () -> Oracles.loraRankTwo((lora, m) -> {
      Mat<BigFraction> w = m.param(lora.weight());
      return m.with(lora.weight(), w.plus(lora.b().times(lora.a()).scale(lora.alpha())));
    }));
  }

  @Test
  @DisplayName("ALiBi added instead of subtracted (both engines), and every head given head 0's slope")
  void alibiSign() {
    fails("ALiBi added, exact engine", () -> Oracles.alibiScores((m, x) -> Oracles.exactScores(negatedSlopes(m), x)));
    fails("ALiBi added, double engine", () -> Oracles.alibiScores((m, x) -> Oracles.doubleScores(negatedSlopes(m), x)));
    fails("one slope for all heads", () -> Oracles.alibiScores((m, x) -> {
      Mat<BigFraction> s = m.param(Names.ALIBI);
      return Oracles.exactScores(m.with(Names.ALIBI, Mat.of(s.field(), 1, s.cols(), (i, j) -> s.get(0, 0))), x);
    }));
  }

  @Test
  @DisplayName("RoPE in the double engine rotating one position by the previous position's angle")
  void ropePreviousAngle() {
    fails("double RoPE, last position at the previous angle", () -> Oracles.doubleRope((x, pos, c, s) -> {
      int[] shifted = pos.clone();
      shifted[shifted.length - 1]--;
      FastModel.rope(x, shifted, c, s);
    }));
    fails("exact RoPE, last position at the previous angle", () -> Oracles.exactRope((m, pos) -> {
      int[] shifted = pos.clone();
      shifted[shifted.length - 1]--;
      return Oracles.exactRopeRows(m, shifted);
    }));
  }

  @Test
  @DisplayName("the double RoPE tolerance still catches an error 1.5 times its size")
  void ropeToleranceIsTight() {
    fails("double RoPE off by 1.5 tolerances", () -> Oracles.doubleRope((x, pos, c, s) -> {
      int i = pos.length - 1;
      double size = Math.abs(x.get(i, 0)) + Math.abs(x.get(i, 1));
      FastModel.rope(x, pos, c, s);
      x.add(i, 0, 1.5 * Oracles.ropeTolerance(pos[i], size));
    }));
  }

  // ---- prefix defects ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"values zeroed", "keys as values", "normaliser missing a term"})
  @DisplayName("key/value prefix values zeroed, keys used as values, softmax normaliser missing one term")
  void prefixDefects(String defect) {
    Oracles.Engine planted = switch (defect) {
      case "values zeroed" -> (m, p, c) -> Oracles.FORWARD.run(m, mapValues(p, (k, v) -> zeros(v)), c);
      case "keys as values" -> (m, p, c) -> Oracles.FORWARD.run(m, mapValues(p, (k, v) -> fit(k, v)), c);
      default -> (m, p, c) -> missingFirstTerm(Oracles.FORWARD.run(m, p, c));
    };
    fails(defect + " on fixed cases", () -> {
      for (Oracles.FixedCase c : Oracles.fixedCases()) {
        Oracles.agreesWithReference(planted, c.model(), c.prefix(), c.content());
      }
    });
    fails(defect + " on LIM-3 cases", () -> Oracles.claimCasesAgreeWithReference("LIM-3", planted, 40));
  }

  // ---- the other oracles ----

  @Test
  @DisplayName("greedy decoding that breaks ties to the highest index, or reads the first position")
  void decodingDefects() {
    Model<BigFraction> m = Oracles.decodingModel();
    fails("ties to the highest index", () -> Oracles.greedyDecoding(tokens -> decode(m, tokens, true, false)));
    fails("logits of the first position", () -> Oracles.greedyDecoding(tokens -> decode(m, tokens, false, true)));
  }

  @Test
  @DisplayName("a shape table that sizes W_O for one head's values")
  void wrongShapes() {
    fails("W_O sized for one head", () -> Oracles.parameterCounts(a -> {
      Map<String, int[]> s = new LinkedHashMap<>(Model.shapes(a));
      for (int l = 0; l < a.layers(); l++) {
        s.put(Names.wo(l), new int[] {a.dModel(), a.dValue()});
      }
      return s;
    }));
  }

  @Test
  @DisplayName("a per-sequence scale that counts content positions only")
  void scaleWithoutPrefix() {
    Content<BigFraction> c = Content.vectors(Oracles.SCALE_CONTENT);
    // σ = T/√n with n = 4 content positions only equals the correct σ of temperature T·√(p + n)/√n
    fails("scale without the prefix", () -> Oracles.perSequenceScale((m, p) -> {
      int n = c.length();
      int total = p.length() + n;
      BigFraction t = ((ScoreScale.PerSequence) m.arch().scale()).temperature()
          .multiply(new BigFraction((int) Math.round(Math.sqrt(total)), (int) Math.round(Math.sqrt(n))));
      Model<BigFraction> wrong = new Model<>(m.arch().toBuilder().scale(new ScoreScale.PerSequence(t)).build(),
          m.arith(), m.params());
      return Forward.run(wrong, p, c).head(0, 0).scores();
    }));
  }

  // ---- the variants ----

  /**
   * The exact arithmetic with another kernel, the seam through which the engine reads κ: every method but
   * {@code kernel} goes to {@link ExactArith#POLYNOMIAL}.
   */
  @SuppressWarnings("unchecked")
  static Arith<BigFraction> kernelSwapped(java.util.function.UnaryOperator<BigFraction> kernel) {
    ExactArith base = ExactArith.POLYNOMIAL;
    return (Arith<BigFraction>) java.lang.reflect.Proxy.newProxyInstance(Arith.class.getClassLoader(),
        new Class<?>[] {Arith.class}, (proxy, method, args) -> method.getName().equals("kernel")
            ? kernel.apply((BigFraction) args[0]) : method.invoke(base, args));
  }

  static Model<BigFraction> withArith(Model<BigFraction> m, Arith<BigFraction> ar) {
    return new Model<>(m.arch(), ar, m.params());
  }

  static Model<BigFraction> negatedSlopes(Model<BigFraction> m) {
    return m.with(Names.ALIBI, m.param(Names.ALIBI).map(BigFraction::negate));
  }

  /** The prefix with each head's values replaced by {@code f(keys, values)} (other kinds unchanged). */
  static Prefix<BigFraction> mapValues(Prefix<BigFraction> p,
      java.util.function.BinaryOperator<Mat<BigFraction>> f) {
    if (p.kind() != Prefix.Kind.KEY_VALUE) {
      return p;
    }
    List<List<Mat<BigFraction>>> values = new ArrayList<>();
    for (int l = 0; l < p.keys().size(); l++) {
      List<Mat<BigFraction>> vl = new ArrayList<>();
      for (int h = 0; h < p.keys().get(l).size(); h++) {
        vl.add(f.apply(p.keys().get(l).get(h), p.values().get(l).get(h)));
      }
      values.add(vl);
    }
    return Prefix.keyValue(p.keys(), values);
  }

  static Mat<BigFraction> zeros(Mat<BigFraction> like) {
    return Mat.zeros(like.field(), like.rows(), like.cols());
  }

  /** The keys in the values' shape: cropped, or padded with zeros. */
  static Mat<BigFraction> fit(Mat<BigFraction> keys, Mat<BigFraction> like) {
    return Mat.of(like.field(), like.rows(), like.cols(),
        (i, j) -> j < keys.cols() ? keys.get(i, j) : BigFraction.ZERO);
  }

  /**
   * What an engine whose row normaliser leaves out the first allowed term computes at each head:
   * A'_ij = κ_ij/(S_i − κ_i0) = A_ij/(1 − A_i0), and t'_i = t_i/(1 − A_i0) (rows where key 0 is the only
   * key, 0/0 for that engine, are left as they are).
   */
  static ReferenceTransformer.Observed missingFirstTerm(ReferenceTransformer.Observed o) {
    List<List<Mat<BigFraction>>> w = new ArrayList<>();
    List<List<Mat<BigFraction>>> t = new ArrayList<>();
    for (int l = 0; l < o.weights().size(); l++) {
      List<Mat<BigFraction>> wl = new ArrayList<>();
      List<Mat<BigFraction>> tl = new ArrayList<>();
      for (int h = 0; h < o.weights().get(l).size(); h++) {
        Mat<BigFraction> a = o.weights().get(l).get(h);
        Mat<BigFraction> out = o.outs().get(l).get(h);
        BigFraction[] rest = new BigFraction[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
          BigFraction r = BigFraction.ONE.subtract(a.get(i, 0));
          rest[i] = r.equals(BigFraction.ZERO) ? BigFraction.ONE : r;
        }
        wl.add(Mat.of(a.field(), a.rows(), a.cols(), (i, j) -> a.get(i, j).divide(rest[i])));
        tl.add(Mat.of(out.field(), out.rows(), out.cols(), (i, j) -> out.get(i, j).divide(rest[i])));
      }
      w.add(wl);
      t.add(tl);
    }
    return new ReferenceTransformer.Observed(w, t, o.layerOutputs(), o.hidden());
  }

  /** Greedy decoding with a planted tie rule or the wrong position. */
  static int[] decode(Model<BigFraction> m, int[] tokens, boolean tiesToHighest, boolean firstPosition) {
    int[] seq = Arrays.copyOf(tokens, tokens.length + 5);
    for (int s = 0; s < 5; s++) {
      int len = tokens.length + s;
      Trace<BigFraction> t = Forward.run(m, Prefix.none(), Content.tokens(Arrays.copyOf(seq, len)));
      Mat<BigFraction> row = t.logits().row(firstPosition ? 0 : t.logits().rows() - 1);
      int best = 0;
      for (int j = 1; j < row.cols(); j++) {
        int cmp = row.get(0, j).compareTo(row.get(0, best));
        best = cmp > 0 || tiesToHighest && cmp == 0 ? j : best;
      }
      seq[len] = best;
    }
    return Arrays.copyOfRange(seq, tokens.length, seq.length);
  }
}
