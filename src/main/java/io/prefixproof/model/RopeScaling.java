package io.prefixproof.model;

import io.prefixproof.algebra.Arith;
import io.prefixproof.algebra.Mat;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.math3.FieldElement;
import org.apache.commons.math3.RealFieldElement;
import org.apache.commons.math3.fraction.BigFraction;

/**
 * RoPE whose frequencies or score factor depend on the sequence length, as deployed decoders configure it
 * (CONJ-9). Pair m of a query or key row (coordinates 2m, 2m+1) at position t is rotated by
 * {@code t·θ_m} with the base frequency {@code θ_m = base^(−2m/k)}, k = dHead; the sequence length is
 * {@code L = max position + 1}, as HF transformers' dynamic RoPE update takes it. With {@link Kind#NONE}
 * the rotations are the model's own {@code rope.cos/rope.sin} weights (exact rational rotations) and no
 * length enters. The angles of the other kinds are transcendental, so they run in the real modes only.
 *
 * <ul>
 *   <li>{@link Kind#DYNAMIC_NTK} (HF {@code rope_type="dynamic"}): for {@code L > L_train},
 *       {@code base' = base·(factor·L/L_train − (factor − 1))^(k/(k−2))} replaces base.
 *   <li>{@link Kind#YARN} (HF {@code rope_type="yarn"}, static): frequencies blended between θ_m and θ_m/s by
 *       the linear ramp between the correction dimensions of β_fast = 32 and β_slow = 1 rotations, s the
 *       configured factor; queries and keys multiplied by {@code 0.1·ln s + 1}.
 *   <li>{@link Kind#DYNAMIC_YARN} (YaRN paper, §3.3 "Dynamic Scaling"): YaRN with {@code s = max(1, L/L_train)}.
 *   <li>{@link Kind#LOGN} (Qwen's {@code use_logn_attn}): plain RoPE, and the query at 0-based position t
 *       multiplied by {@code log_{L_train}(t + 1)} when {@code t + 1 > L_train}.
 * </ul>
 *
 * @param kind which scaling
 * @param base the RoPE base (rope_theta)
 * @param trainedContext L_train, the context the model was trained on (original_max_position_embeddings)
 * @param factor the configured scaling factor (dynamic NTK, static YaRN; at least 1)
 */
public record RopeScaling(Kind kind, BigFraction base, int trainedContext, BigFraction factor) {

  /** Which length dependence. */
  public enum Kind {
    NONE,
    DYNAMIC_NTK,
    YARN,
    DYNAMIC_YARN,
    LOGN
  }

  /** YaRN's rotation counts bounding the ramp (HF defaults, from the YaRN paper). */
  private static final int BETA_FAST = 32;

  private static final int BETA_SLOW = 1;

  public RopeScaling {
    if (kind == null || base == null || factor == null) {
      throw new IllegalArgumentException("rope scaling fields must not be null");
    }
    if (kind != Kind.NONE) {
      if (base.compareTo(BigFraction.ONE) <= 0) {
        throw new IllegalArgumentException("rope scaling base must exceed 1, got " + base);
      }
      if (trainedContext < 2) {
        throw new IllegalArgumentException("rope scaling trained context must be at least 2, got " + trainedContext);
      }
      if (factor.compareTo(BigFraction.ONE) < 0) {
        throw new IllegalArgumentException("rope scaling factor must be at least 1, got " + factor);
      }
    }
  }

  /** No length dependence: the model's own rotation weights. */
  public static RopeScaling none() {
    return new RopeScaling(Kind.NONE, BigFraction.ONE, 0, BigFraction.ONE);
  }

  /** A length-dependent kind with LLaMA's base 10000. */
  public static RopeScaling of(Kind kind, int trainedContext, BigFraction factor) {
    return new RopeScaling(kind, new BigFraction(10000), trainedContext, factor);
  }

  /** True when the rotations come from the {@code rope.cos/rope.sin} weights. */
  public boolean usesRotationWeights() {
    return kind == Kind.NONE;
  }

  @Override
  public String toString() {
    return kind == Kind.NONE ? "none" : kind + "(base=" + base + ", L_train=" + trainedContext
        + (kind == Kind.DYNAMIC_NTK || kind == Kind.YARN ? ", factor=" + factor : "") + ")";
  }

  /**
   * Rotates each row of queries or keys {@code x} at {@code positions} and applies the kind's factor
   * (YaRN's attention factor on both, Qwen's log-length factor on queries only).
   */
  public <T extends FieldElement<T>> Mat<T> apply(Arith<T> ar, Mat<T> x, int[] positions, boolean queries) {
    if (kind == Kind.NONE) {
      throw new IllegalStateException("RoPE without length scaling uses the rotation weights");
    }
    if (ar.isExact()) {
      throw new ArithmeticException("exact mode cannot compute " + kind + " RoPE: its angles and factors are"
          + " transcendental; run it in Dfp or double");
    }
    int k = x.cols();
    int length = Arrays.stream(positions).max().orElse(0) + 1;
    // the tables depend on (scheme, arithmetic, k, L) only, and a search meets the same few again and again
    Table table = TABLES.computeIfAbsent(List.of(this, ar.name(), k, length), key -> table(ar, k, length));
    Object[][] cos = new Object[x.rows()][];
    Object[][] sin = new Object[x.rows()][];
    for (int i = 0; i < x.rows(); i++) {
      int t = positions[i];
      cos[i] = (queries ? table.queryCos() : table.keyCos())[t];
      sin[i] = (queries ? table.querySin() : table.keySin())[t];
    }
    return Mat.of(ar.field(), x.rows(), k, (i, j) -> {
      int pair = j / 2;
      T c = cast(cos[i][pair]);
      T s = cast(sin[i][pair]);
      T x0 = x.get(i, 2 * pair);
      T x1 = x.get(i, 2 * pair + 1);
      return j % 2 == 0 ? c.multiply(x0).subtract(s.multiply(x1)) : s.multiply(x0).add(c.multiply(x1));
    });
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  /** {@code f·cos(t θ_m)} and {@code f·sin(t θ_m)} by position t and pair m, f the query or key factor at t. */
  private record Table(Object[][] queryCos, Object[][] querySin, Object[][] keyCos, Object[][] keySin) {}

  private static final Map<List<Object>, Table> TABLES = new ConcurrentHashMap<>();

  /**
   * Forgets the remembered tables. For tests of the formulas: a memo filled before a change of the code (PIT
   * swaps a mutated class into a running JVM, statics kept) would otherwise answer for the changed code.
   */
  static void clearTables() {
    TABLES.clear();
  }

  private <T extends FieldElement<T>> Table table(Arith<T> ar, int k, int length) {
    T[] theta = frequencies(ar, k, length);
    T both = kind == Kind.YARN || kind == Kind.DYNAMIC_YARN ? yarnAttentionFactor(ar, yarnFactor(length)) : ar.one();
    Object[][][] out = new Object[4][length][k / 2];
    for (int m = 0; m < k / 2; m++) {
      // cos(t θ) + i sin(t θ) = (cos θ + i sin θ)^t: one sine and one cosine per pair, the rest products
      T c1 = cos(theta[m]);
      T s1 = sin(theta[m]);
      T c = ar.one();
      T s = ar.zero();
      for (int t = 0; t < length; t++) {
        T query = both;
        if (kind == Kind.LOGN && t + 1 > trainedContext) {
          query = query.multiply(log(ar.of(t + 1)).divide(log(ar.of(trainedContext))));
        }
        out[0][t][m] = c.multiply(query);
        out[1][t][m] = s.multiply(query);
        out[2][t][m] = c.multiply(both);
        out[3][t][m] = s.multiply(both);
        T next = c.multiply(c1).subtract(s.multiply(s1));
        s = c.multiply(s1).add(s.multiply(c1));
        c = next;
      }
    }
    return new Table(out[0], out[1], out[2], out[3]);
  }

  /**
   * θ_m for the k/2 pairs at sequence length {@code length}, in double: the double engine's rotations for
   * {@link Kind#DYNAMIC_NTK}, whose only length dependence is the base.
   */
  public double[] frequencies(int k, int length) {
    return Arrays.stream(frequencies(Arith.decimal64(), k, length)).mapToDouble(x -> x.getReal()).toArray();
  }

  /** θ_m for the k/2 pairs at sequence length {@code length}. */
  private <T extends FieldElement<T>> T[] frequencies(Arith<T> ar, int k, int length) {
    T b = ar.of(base);
    if (kind == Kind.DYNAMIC_NTK && length > trainedContext) {
      T f = ar.of(factor);
      T alpha = f.multiply(ar.of(length)).divide(ar.of(trainedContext)).subtract(f.subtract(ar.one()));
      b = b.multiply(pow(alpha, ar.of(k).divide(ar.of(k - 2))));
    }
    T[] theta = newArray(ar, k / 2);
    for (int m = 0; m < k / 2; m++) {
      theta[m] = pow(b, ar.of(new BigFraction(-2L * m, (long) k)));
    }
    if (kind == Kind.YARN || kind == Kind.DYNAMIC_YARN) {
      BigFraction s = yarnFactor(length);
      BigFraction[] ramp = yarnRamp(k);
      for (int m = 0; m < k / 2; m++) {
        // HF: inv_freq = (θ/s)·ramp + θ·(1 − ramp), ramp 0 at high frequencies (kept), 1 at low (interpolated)
        BigFraction keep = ramp[m].divide(s).add(BigFraction.ONE.subtract(ramp[m]));
        theta[m] = theta[m].multiply(ar.of(keep));
      }
    }
    return theta;
  }

  /** YaRN's s: the configured factor (static), or max(1, L/L_train) (dynamic). */
  private BigFraction yarnFactor(int length) {
    if (kind == Kind.YARN) {
      return factor;
    }
    BigFraction s = new BigFraction(length, trainedContext);
    return s.compareTo(BigFraction.ONE) > 0 ? s : BigFraction.ONE;
  }

  /**
   * HF's YaRN ramp over pairs m: {@code clamp((m − low)/(high − low), 0, 1)} with
   * {@code low = max(⌊dim(β_fast)⌋, 0)}, {@code high = min(⌈dim(β_slow)⌉, k − 1)}
   * (high + 1/1000 when equal),
   * {@code dim(r) = k·ln(L_train/(2πr))/(2 ln base)}. The correction dimensions are configuration-time
   * doubles in HF too; only their floor and ceiling enter.
   */
  private BigFraction[] yarnRamp(int k) {
    double lnBase = Math.log(base.doubleValue());
    long low = Math.max((long) Math.floor(k * Math.log(trainedContext / (BETA_FAST * 2 * Math.PI)) / (2 * lnBase)), 0);
    long high = Math.min((long) Math.ceil(k * Math.log(trainedContext / (BETA_SLOW * 2 * Math.PI)) / (2 * lnBase)),
        k - 1);
    BigFraction hi = high == low ? new BigFraction(high).add(new BigFraction(1, 1000)) : new BigFraction(high);
    BigFraction[] ramp = new BigFraction[k / 2];
    for (int m = 0; m < k / 2; m++) {
      BigFraction r = new BigFraction(m - low).divide(hi.subtract(new BigFraction(low)));
      ramp[m] = r.compareTo(BigFraction.ZERO) < 0 ? BigFraction.ZERO : r.compareTo(BigFraction.ONE) > 0
          ? BigFraction.ONE : r;
    }
    return ramp;
  }

  /** YaRN's factor on queries and keys, {@code 0.1·ln s + 1} (HF's default attention_factor). */
  private static <T extends FieldElement<T>> T yarnAttentionFactor(Arith<T> ar, BigFraction s) {
    return log(ar.of(s)).multiply(ar.of(1, 10)).add(ar.one());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends FieldElement<T>> T pow(T x, T y) {
    return (T) ((RealFieldElement) x).pow(y);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends FieldElement<T>> T log(T x) {
    return (T) ((RealFieldElement) x).log();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends FieldElement<T>> T sin(T x) {
    return (T) ((RealFieldElement) x).sin();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends FieldElement<T>> T cos(T x) {
    return (T) ((RealFieldElement) x).cos();
  }

  @SuppressWarnings("unchecked")
  private static <T extends FieldElement<T>> T[] newArray(Arith<T> ar, int n) {
    return (T[]) java.lang.reflect.Array.newInstance(ar.field().getRuntimeClass(), n);
  }
}
