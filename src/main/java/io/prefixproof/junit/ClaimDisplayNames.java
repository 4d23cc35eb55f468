package io.prefixproof.junit;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Names a {@link Claim} method by its claim, ID first ({@code "MY-1: a prefix cannot change which content
 * key a head attends to most"}), so that IDEs and surefire's XML ({@code usePhrasedTestCaseMethodName})
 * list claims by ID; every other test keeps JUnit's standard name. Turn it on for a project in
 * {@code src/test/resources/junit-platform.properties}:
 * {@code junit.jupiter.displayname.generator.default = io.prefixproof.junit.ClaimDisplayNames}, or for one
 * class with {@code @DisplayNameGeneration(ClaimDisplayNames.class)}.
 */
public class ClaimDisplayNames extends DisplayNameGenerator.Standard {

  /** {@code id: statement}, or {@code id} for a claim without a statement. */
  static String of(Claim claim) {
    return claim.id() + (claim.statement().isEmpty() ? "" : ": " + claim.statement());
  }

  @Override
  public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass,
      Method testMethod) {
    Claim claim = testMethod.getAnnotation(Claim.class);
    return claim == null ? super.generateDisplayNameForMethod(enclosingInstanceTypes, testClass, testMethod)
        : of(claim);
  }
}
