package io.prefixproof.junit;

import io.prefixproof.algebra.Arith;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.cases.PrefixCase;
import io.prefixproof.property.Counterexample;
import io.prefixproof.property.Gen;
import io.prefixproof.property.Property;
import io.prefixproof.property.Result;
import io.prefixproof.property.Source;
import io.prefixproof.property.Stats;
import io.prefixproof.property.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs a {@link Claim} method as a property: one test invocation named by the claim's ID, whose parameter
 * JUnit sees as a placeholder; the interceptor then calls the method once per generated case through the
 * property engine, with the model-search defaults of {@link Cases#property}.
 */
public final class ClaimExtension implements TestTemplateInvocationContextProvider, ParameterResolver,
    InvocationInterceptor {

  /** Longest shrunk case printed in a failure message; longer ones are cut and the saved file has them whole. */
  static final int MAX_CASE_CHARS = io.prefixproof.property.Counterexample.MAX_CASE_CHARS;

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().map(m -> m.isAnnotationPresent(Claim.class)).orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    Claim claim = context.getRequiredTestMethod().getAnnotation(Claim.class);
    // reports join the method's name and this one: the claim ID comes first when ClaimDisplayNames named the
    // method, and here otherwise
    String name = !context.getDisplayName().startsWith(claim.id()) ? ClaimDisplayNames.of(claim)
        : claim.expect() == Claim.Expect.HOLDS ? "(checked on generated cases)" : "(counterexample searched)";
    return Stream.of(new TestTemplateInvocationContext() {
      @Override
      public String getDisplayName(int invocationIndex) {
        return name;
      }
    });
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    return p.getIndex() == 0 && p.getDeclaringExecutable().isAnnotationPresent(Claim.class);
  }

  /** A placeholder: the interceptor supplies the generated cases. */
  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    return null;
  }

  @Override
  public void interceptTestTemplateMethod(Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
    invocation.skip();
    Method method = invocationContext.getExecutable();
    Object target = invocationContext.getTarget().orElse(null);
    Claim claim = method.getAnnotation(Claim.class);
    if (method.getParameterCount() != 1) {
      throw new ExtensionConfigurationException("@Claim method " + method.getName()
          + " must take exactly one parameter (the generated case), it takes " + method.getParameterCount());
    }
    method.setAccessible(true);
    run(claim, gen(claim, method, target), v -> call(method, target, v), witnessCheck(claim, method, target));
  }

  /** Runs the claim: a saved failure first (not shrunk again), then the property. */
  static <T> void run(Claim claim, Gen<T> gen, Property.Check<T> check, Property.Check<T> witness) throws Exception {
    Store store = new Store(Path.of(System.getProperty("prefixproof.failures", "target/prefixproof-failures")));
    Optional<long[]> saved = store.load(claim.id());
    if (saved.isPresent()) {
      Optional<Failing<T>> failing = replay(gen, check, saved.get());
      if (failing.isPresent()) {
        String where = "replayed the saved counterexample " + store.path(claim.id()) + " (not shrunk again)";
        if (claim.expect() == Claim.Expect.COUNTEREXAMPLE) {
          witness.holds(failing.get().value());
          return;
        }
        throw new AssertionError(Messages.replayed(claim, failing.get().value(), failing.get().failure(), where));
      }
      store.delete(claim.id());
    }
    long seed = seed(claim);
    Health health = new Health();
    Result<T> r = Cases.property(claim.id(), gen).tries(claim.tries()).seed(seed)
        .shrinkBudget(claim.shrinkRuns(), claim.shrinkSeconds() * 1000L)
        .run(v -> {
          check.holds(v);
          health.count(v);
          return true;
        });
    if (!r.failed() && !r.complete()) {
      throw new AssertionError("claim " + claim.id() + " was not decided: " + r.stopped());
    }
    if (!r.failed()) {
      if (claim.expect() == Claim.Expect.COUNTEREXAMPLE) {
        throw new AssertionError("claim " + claim.id() + " was expected to be false, but held on " + r.tries()
            + " cases (seed " + r.seed() + ")");
      }
      health.verify(claim, r);
      return;
    }
    Counterexample<T> c = r.counterexample();
    store.save(claim.id(), c.choices(), String.valueOf(c.value()));
    if (claim.expect() == Claim.Expect.COUNTEREXAMPLE) {
      witness.holds(c.value());
      return;
    }
    throw new AssertionError(Messages.falsified(claim, r, store.path(claim.id())));
  }

  /** A replayed case that still fails, and how. */
  private record Failing<T>(T value, String failure) {}

  /** The saved case when it still fails, empty when it passes or no longer generates. */
  private static <T> Optional<Failing<T>> replay(Gen<T> gen, Property.Check<T> check, long[] choices) throws Exception {
    T value;
    try {
      value = gen.generate(Source.replay(choices));
    } catch (Source.Rejected e) {
      return Optional.empty();
    }
    try {
      check.holds(value);
      return Optional.empty();
    } catch (Source.Rejected e) {
      return Optional.empty();
    } catch (Exception | AssertionError e) {
      return Optional.of(new Failing<>(value, Messages.failure(e)));
    }
  }

  private static long seed(Claim claim) {
    String s = System.getProperty("prefixproof.seed." + claim.id());
    if (s != null && !s.isBlank()) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ExtensionConfigurationException("-Dprefixproof.seed." + claim.id() + " is not an integer: " + s);
      }
    }
    return claim.seed() != Long.MIN_VALUE ? claim.seed() : new java.util.SplittableRandom().nextLong();
  }

  @SuppressWarnings("unchecked")
  private static <T> Gen<T> gen(Claim claim, Method method, Object target) throws Exception {
    if (claim.cases().isEmpty()) {
      return (Gen<T>) Cases.exact(CaseOptions.exactDefaults(), Arith.exact(), false);
    }
    Method m = find(method.getDeclaringClass(), claim.cases(), 0, "cases");
    Object g = m.invoke(target);
    if (!(g instanceof Gen)) {
      throw new ExtensionConfigurationException("@Claim(cases=\"" + claim.cases() + "\"): method returns "
          + (g == null ? "null" : g.getClass().getName()) + ", not a Gen");
    }
    return (Gen<T>) g;
  }

  private static <T> Property.Check<T> witnessCheck(Claim claim, Method method, Object target) {
    if (claim.witness().isEmpty()) {
      return v -> true;
    }
    Method w = find(method.getDeclaringClass(), claim.witness(), 1, "witness");
    return v -> call(w, target, v);
  }

  private static Method find(Class<?> type, String name, int params, String attribute) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && m.getParameterCount() == params) {
          m.setAccessible(true);
          return m;
        }
      }
    }
    throw new ExtensionConfigurationException("@Claim(" + attribute + "=\"" + name + "\"): no method " + name
        + " with " + params + " parameter(s) in " + type.getName());
  }

  /** Calls a test-class method, rethrowing what it threw (an assertion failure stays one). */
  private static boolean call(Method m, Object target, Object value) throws Exception {
    try {
      m.invoke(target, value);
      return true;
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      if (t instanceof Exception x) {
        throw x;
      }
      throw (Error) t;
    }
  }

  /** Counts of the valid cases that make a proof weak when they dominate. */
  private static final class Health {
    private int prefixCases;
    private int withPrefix;
    private int onePosition;

    void count(Object v) {
      if (v instanceof PrefixCase<?> c) {
        prefixCases++;
        withPrefix += c.prefix().length() > 0 ? 1 : 0;
        onePosition += c.content().rows() == 1 ? 1 : 0;
      }
    }

    /** Fails with a message naming the weakness; passes silently when there is none. */
    void verify(Claim claim, Result<?> r) {
      String why = null;
      if (r.rejected() > r.tries()) {
        why = r.rejected() + " cases were discarded for " + r.tries()
            + " valid ones: the assumptions reject most cases, so few are checked";
      } else if (prefixCases > 0 && withPrefix == 0) {
        why = "no case had a prefix (p = 0 in all " + prefixCases + " cases): the claim was never tested with one";
      } else if (2 * onePosition > prefixCases) {
        why = onePosition + " of " + prefixCases + " cases have a single content position, a trivial case for most"
            + " claims";
      }
      if (why != null) {
        throw new AssertionError("claim " + claim.id() + " failed a health check: " + why + " (seed " + r.seed()
            + ")\nstatistics:\n" + Stats.format(r.labels(), r.tries()));
      }
    }
  }
}
