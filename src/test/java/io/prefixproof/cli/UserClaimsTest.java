package io.prefixproof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prefixproof.claims.Catalogue;
import io.prefixproof.claims.Claim;
import io.prefixproof.claims.ClaimProvider;
import io.prefixproof.claims.PropertyClaim;
import io.prefixproof.claims.UserClaims;
import io.prefixproof.property.Gen;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims of one's own, found through ServiceLoader in a jar, join the catalogue in verify's table and JSON. */
class UserClaimsTest {

  /** A user's provider: one claim that holds. */
  public static final class Mine implements ClaimProvider {
    @Override
    public List<Claim> claims() {
      return List.of(PropertyClaim.holds("USR-1", "every digit is below 10", "-", 50, Gen.integers(0, 9), x -> x < 10));
    }
  }

  /** A provider that reuses a catalogue ID. */
  public static final class Clashing implements ClaimProvider {
    @Override
    public List<Claim> claims() {
      return List.of(PropertyClaim.holds("LIM-1", "a second LIM-1", "-", 1, Gen.integers(0, 9), x -> true));
    }
  }

  @TempDir
  Path dir;

  private Path jar(Class<? extends ClaimProvider> provider) throws Exception {
    return jar(dir, provider);
  }

  /** A jar in {@code dir} whose only content is the service entry naming {@code provider}. */
  static Path jar(Path dir, Class<? extends ClaimProvider> provider) throws Exception {
    Path jar = dir.resolve(provider.getSimpleName() + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("META-INF/services/" + ClaimProvider.class.getName()));
      out.write((provider.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }

  @Test
  void aProvidersClaimsFollowTheCatalogueAndRunInVerifysTableAndJson() throws Exception {
    List<Claim> all = UserClaims.all(List.of(jar(Mine.class)));
    assertEquals(Catalogue.all().size() + 1, all.size());
    assertEquals("USR-1", all.get(all.size() - 1).id());
    assertEquals(Catalogue.all().size(), UserClaims.all(List.of()).size());
    Path json = dir.resolve("out.json");
    int code = Main.execute("verify", "--claims-from", jar(Mine.class).toString(), "--claim", "USR-1", "--json",
        json.toString());
    assertEquals(0, code);
    String text = Files.readString(json);
    assertTrue(text.contains("\"id\" : \"USR-1\"") && text.contains("\"status\" : \"holds\""), text);
  }

  @Test
  void aMissingJarOrATakenIdIsAnErrorNamingIt() throws Exception {
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> UserClaims.all(List.of(jar(Clashing.class))));
    assertTrue(taken.getMessage().contains("claim ID LIM-1") && taken.getMessage().contains("Clashing"),
        taken.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> UserClaims.all(List.of(dir.resolve("none.jar"))));
    assertEquals("--claims-from: no such file " + dir.resolve("none.jar"), missing.getMessage());
    assertEquals(2, Main.execute("verify", "--claims-from", dir.resolve("none.jar").toString()));
  }
}
