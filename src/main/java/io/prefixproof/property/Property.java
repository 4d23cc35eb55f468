package io.prefixproof.property;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A property "for every generated value, {@code check} holds", and its runner. {@link #check} asserts it
 * (a failure is an {@link AssertionError} showing the shrunk counterexample, the original, the seed and
 * how to replay); {@link #search} treats it as a conjecture expected to be false and returns the shrunk
 * counterexample. Order of cases: a saved counterexample, the simplest case (all choices 0), then random
 * cases from the seed. Overrides: {@code -Dprefixproof.tries=N}, {@code -Dprefixproof.seed=S}.
 *
 * @param <T> the generated type
 */
public final class Property<T> {

  /** The checked statement; return false or throw to fail, {@link Source#reject} to discard a case. */
  @FunctionalInterface
  public interface Check<T> {
    boolean holds(T value) throws Exception;
  }

  private final String name;
  private final Gen<T> gen;
  private int tries = 100;
  private Long seed;
  private int maxShrinkCalls = 20_000;
  private long shrinkMillis = 60_000;
  private long timeMillis = Long.MAX_VALUE;
  private int maxChoices = 50_000;
  private int moreAfterFailure = 0;
  private int shapeFirst = 0;
  private Store store;
  private Function<? super T, String> printer = String::valueOf;

  private Property(String name, Gen<T> gen) {
    this.name = name;
    this.gen = gen;
  }

  public static <T> Property<T> of(String name, Gen<T> gen) {
    return new Property<>(name, gen);
  }

  /** Inside a check: discards the case unless {@code condition} holds (it counts as rejected, not passed). */
  public static void assume(boolean condition, String why) {
    if (!condition) {
      Source.reject(why);
    }
  }

  /** Valid cases to try (overridden by {@code -Dprefixproof.tries}). */
  public Property<T> tries(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("tries must be at least 1, got " + n);
    }
    tries = n;
    return this;
  }

  /** A fixed seed (overridden by {@code -Dprefixproof.seed}); random when never set. */
  public Property<T> seed(long s) {
    seed = s;
    return this;
  }

  /** Most candidate runs and wall time spent shrinking. */
  public Property<T> shrinkBudget(int calls, long millis) {
    maxShrinkCalls = calls;
    shrinkMillis = millis;
    return this;
  }

  /** Stops generating new cases after this much time (the cases run so far count). */
  public Property<T> timeBudget(long millis) {
    timeMillis = millis;
    return this;
  }

  /** Largest choice sequence one case may draw. */
  public Property<T> maxChoices(int n) {
    maxChoices = n;
    return this;
  }

  /**
   * After the first failing case, generates up to {@code n} more random cases and starts shrinking from
   * the simplest failing one (shortlex on choices: for shape-first generators, the smallest shape).
   */
  public Property<T> moreAfterFailure(int n) {
    moreAfterFailure = n;
    return this;
  }

  /**
   * Declares that the first {@code n} choices describe a shape (drawn before the entries). Shrinking then
   * minimises them once before the general passes and, when shrinking has stopped, tries each smaller
   * value of each of them with the remaining choices redrawn at random (from a seed derived from the run's
   * seed, so the run stays deterministic): a counterexample can move to a smaller shape even when its own
   * entries do not fail there.
   */
  public Property<T> shapeFirst(int n) {
    shapeFirst = n;
    return this;
  }

  /** Where counterexamples are saved and replayed from. */
  public Property<T> store(Store s) {
    store = s;
    return this;
  }

  /** How values are printed in results. */
  public Property<T> printer(Function<? super T, String> p) {
    printer = p;
    return this;
  }

  public String name() {
    return name;
  }

  /** The effective number of tries. */
  public int effectiveTries() {
    String t = System.getProperty("prefixproof.tries");
    return t == null || t.isBlank() ? tries : Integer.parseInt(t.trim());
  }

  /** The effective seed. */
  public long effectiveSeed() {
    String s = System.getProperty("prefixproof.seed");
    if (s != null && !s.isBlank()) {
      return Long.parseLong(s.trim());
    }
    return seed != null ? seed : new SplittableRandom().nextLong();
  }

  /** Runs the property; never throws for a falsified property (see {@link Result#failed}). */
  public Result<T> run(Check<? super T> check) {
    long start = System.currentTimeMillis();
    long s = effectiveSeed();
    int n = effectiveTries();
    Map<String, Integer> labels = Stats.newCounts();
    if (store != null) {
      var saved = store.load(name);
      if (saved.isPresent()) {
        Outcome o = evaluate(Source.replay(saved.get()), check);
        if (o.failure != null) {
          return finish(s, 1, 0, labels, shrink(o, check), start);
        }
      }
    }
    Stats.begin(labels);
    Outcome simplest;
    try {
      simplest = evaluate(Source.replay(new long[0]), check);
    } finally {
      Stats.end();
    }
    if (simplest.failure != null) {
      return finish(s, 1, 0, labels, shrink(simplest, check), start);
    }
    SplittableRandom rng = new SplittableRandom(s);
    int valid = simplest.valid ? 1 : 0;
    int rejected = simplest.valid ? 0 : 1;
    long deadline = timeMillis == Long.MAX_VALUE ? Long.MAX_VALUE : start + timeMillis;
    while (valid < n && System.currentTimeMillis() < deadline) {
      Stats.begin(labels);
      Outcome o;
      try {
        o = evaluate(Source.random(rng.split(), maxChoices), check);
      } finally {
        Stats.end();
      }
      if (!o.valid) {
        rejected++;
        if (rejected > Math.max(1000, 10L * n)) {
          throw new IllegalStateException("property " + name + ": " + rejected + " cases rejected for " + valid
              + " valid ones; the generator's filters or assumptions discard too much (seed " + s + ")");
        }
        continue;
      }
      valid++;
      if (o.failure != null) {
        Outcome simplestFailure = o;
        for (int extra = 0; extra < moreAfterFailure; extra++) {
          Outcome x = evaluate(Source.random(rng.split(), maxChoices), check);
          if (x.failure != null && x.signature.equals(o.signature)
              && Shrinker.compare(x.choices, simplestFailure.choices) < 0) {
            simplestFailure = x;
          }
        }
        return finish(s, valid, rejected, labels, shrink(simplestFailure, check), start);
      }
    }
    return finish(s, valid, rejected, labels, null, start);
  }

  /** Asserts the property holds; a failure is an {@link AssertionError} with the shrunk counterexample. */
  public Result<T> check(Check<? super T> check) {
    Result<T> r = run(check);
    if (r.failed()) {
      if (store != null) {
        store.save(name, r.counterexample().choices(), printer.apply(r.counterexample().value()));
      }
      throw new AssertionError(r.describe());
    }
    return r;
  }

  /**
   * Searches for a counterexample to a conjecture; returns it shrunk (and saves it when a store is set),
   * or throws {@link AssertionError} when none was found within the budget.
   */
  public Counterexample<T> search(Check<? super T> check) {
    Result<T> r = run(check);
    if (!r.failed()) {
      throw new AssertionError("no counterexample to " + name + " in " + r.tries() + " cases (seed " + r.seed() + ")");
    }
    if (store != null) {
      store.save(name, r.counterexample().choices(), printer.apply(r.counterexample().value()));
    }
    return r.counterexample();
  }

  private Result<T> finish(long s, int valid, int rejected, Map<String, Integer> labels, Counterexample<T> c,
      long start) {
    return new Result<>(name, s, valid, rejected, Map.copyOf(labels), c, System.currentTimeMillis() - start);
  }

  private final class Outcome {
    final boolean valid;
    final String failure;
    final String signature;
    final T value;
    final long[] choices;

    Outcome(boolean valid, String failure, String signature, T value, long[] choices) {
      this.valid = valid;
      this.failure = failure;
      this.signature = signature;
      this.value = value;
      this.choices = choices;
    }
  }

  private Outcome evaluate(Source src, Check<? super T> check) {
    T value;
    try {
      value = gen.generate(src);
    } catch (Source.Rejected e) {
      return new Outcome(false, null, null, null, src.choices());
    }
    try {
      boolean ok = check.holds(value);
      return ok ? new Outcome(true, null, null, value, src.choices())
          : new Outcome(true, "returned false", "false", value, src.choices());
    } catch (Source.Rejected e) {
      return new Outcome(false, null, null, value, src.choices());
    } catch (Exception | AssertionError | StackOverflowError e) {
      String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      return new Outcome(true, msg, e.getClass().getName(), value, src.choices());
    }
  }

  private Counterexample<T> shrink(Outcome first, Check<? super T> check) {
    String signature = first.signature;
    AtomicReference<Outcome> last = new AtomicReference<>(first);
    int[] calls = {0};
    int[] steps = {0};
    long[] best = shrinkFrom(first, check, signature, last, calls, steps);
    for (int round = 0; round < 4 && shapeFirst > 0; round++) {
      Outcome smaller = resampleSmallerShape(best, check, signature);
      if (smaller == null) {
        break;
      }
      last.set(smaller);
      best = shrinkFrom(smaller, check, signature, last, calls, steps);
    }
    Outcome b = last.get();
    return new Counterexample<>(b.value, b.choices, first.value, first.choices, b.failure, calls[0], steps[0]);
  }

  private long[] shrinkFrom(Outcome start, Check<? super T> check, String signature, AtomicReference<Outcome> last,
      int[] calls, int[] steps) {
    Shrinker sh = new Shrinker(c -> {
      Outcome o = evaluate(Source.replay(c), check);
      boolean same = o.failure != null && signature.equals(o.signature);
      if (same && Shrinker.compare(o.choices, last.get().choices) < 0) {
        last.set(o);
      }
      return new Shrinker.Outcome(same, o.choices);
    }, start.choices, maxShrinkCalls, shrinkMillis, shapeFirst);
    long[] out = sh.shrink();
    calls[0] += sh.calls();
    steps[0] += sh.improvements();
    return out;
  }

  /** 20 deterministic random redraws of the tail after each smaller value of each leading choice. */
  private Outcome resampleSmallerShape(long[] best, Check<? super T> check, String signature) {
    SplittableRandom rng = new SplittableRandom(effectiveSeedForResampling(best));
    for (int i = 0; i < Math.min(shapeFirst, best.length); i++) {
      for (long smaller = 0; smaller < Math.min(best[i], 8); smaller++) {
        long[] prefix = java.util.Arrays.copyOf(best, i + 1);
        prefix[i] = smaller;
        for (int r = 0; r < 20; r++) {
          Outcome o = evaluate(Source.extend(prefix, rng.split(), maxChoices), check);
          if (o.failure != null && signature.equals(o.signature) && Shrinker.compare(o.choices, best) < 0) {
            return o;
          }
        }
      }
    }
    return null;
  }

  /** A seed for resampling that depends only on the case, so the same counterexample resamples the same way. */
  private static long effectiveSeedForResampling(long[] choices) {
    return java.util.Arrays.hashCode(choices) * 0x9E3779B97F4A7C15L;
  }
}
