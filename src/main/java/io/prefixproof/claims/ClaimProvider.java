package io.prefixproof.claims;

import java.util.List;

/**
 * Claims of one's own for {@code prefixproof verify}: an implementation listed in
 * {@code META-INF/services/io.prefixproof.claims.ClaimProvider} of a jar passed with {@code --claims-from}
 * (or on the class path) adds its claims to the table and JSON after the catalogue's.
 */
public interface ClaimProvider {

  /** The claims, each with an ID distinct from the catalogue's and the other providers'. */
  List<Claim> claims();
}
