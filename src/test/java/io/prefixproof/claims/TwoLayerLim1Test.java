package io.prefixproof.claims;

import io.prefixproof.algebra.Arith;
import io.prefixproof.cases.CaseOptions;
import io.prefixproof.cases.Cases;
import io.prefixproof.model.Prefix;
import io.prefixproof.property.Property;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** LIM-1 at layer 1 of 2-layer, 2-head models with a prefix, exactly (equals, no tolerance). */
class TwoLayerLim1Test {

  @ParameterizedTest(name = "{0} prefix")
  @EnumSource(value = Prefix.Kind.class, names = {"RESIDUAL", "KEY_VALUE"})
  @DisplayName("LIM-1 holds with equals on 2-layer 2-head models")
  void lim1AtFirstLayer(Prefix.Kind kind) {
    CaseOptions o = CaseOptions.exactDefaults().withLayers(2, 2).withHeads(2, 2).withKinds(List.of(kind));
    Property.of("LIM-1 2x2 " + kind, Cases.exact(o, Arith.exact(), false)).tries(100).seed(3).check(c ->
        Limitations.check(c.model(), Limitations.run(c.model(), c.prefix(), c.contentInput()), 0, 1,
            EnumSet.of(Limitations.Check.RESCALE)));
  }
}
