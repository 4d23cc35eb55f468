package io.prefixproof.bench;

import io.prefixproof.fast.FastModel;
import io.prefixproof.model.Trace;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.fraction.BigFraction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH micro-benchmarks of the inner kernels of W1 and W2 without case generation and checking: the two
 * heads of one case (prefixed and prefix-free, projections shared) in double and in exact arithmetic
 * (BigFraction, dyadic kernel). Run by hand (proofs-notes/performance.md); not part of {@code mvn test}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KernelsBench {

  /** A W1 case of the given size. */
  @State(Scope.Benchmark)
  public static class DoubleLayer {
    @Param({"small", "medium", "large"})
    public String size;

    Workloads.W1Case c;

    @Setup
    public void setup() {
      c = Workloads.w1Case(Workloads.w1Shape(size), new SplittableRandom(7));
    }
  }

  /** A W2 case of the given size. */
  @State(Scope.Benchmark)
  public static class ExactLayer {
    @Param({"tiny", "small", "medium"})
    public String size;

    Workloads.W2Case c;

    @Setup
    public void setup() {
      c = Workloads.w2Case(Workloads.w2Shape(size), new SplittableRandom(7));
    }
  }

  @Benchmark
  public java.util.List<FastModel.Head> attentionDouble(DoubleLayer s) {
    return s.c.heads();
  }

  @Benchmark
  public java.util.List<Trace.Head<BigFraction>> attentionExact(ExactLayer s) {
    return s.c.heads();
  }
}
