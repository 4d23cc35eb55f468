package io.prefixproof.claims;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/** The catalogue followed by the claims of every {@link ClaimProvider} on the class path or in given jars. */
public final class UserClaims {
  private UserClaims() {}

  /** The catalogue's claims, then the providers' found through {@link ServiceLoader} in {@code jars}. */
  public static List<Claim> all(List<Path> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      Path jar = jars.get(i);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("--claims-from: no such file " + jar);
      }
      try {
        urls[i] = jar.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("--claims-from: not a usable path " + jar);
      }
    }
    ClassLoader loader = new URLClassLoader(urls, UserClaims.class.getClassLoader());
    List<Claim> out = new ArrayList<>(Catalogue.all());
    Set<String> ids = new HashSet<>();
    out.forEach(c -> ids.add(c.id().toLowerCase(java.util.Locale.ROOT)));
    for (ClaimProvider p : ServiceLoader.load(ClaimProvider.class, loader)) {
      for (Claim c : p.claims()) {
        if (!ids.add(c.id().toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException("claim ID " + c.id() + " of " + p.getClass().getName()
              + " is already taken");
        }
        out.add(c);
      }
    }
    return out;
  }

  /** The claim with this ID among {@code all}; an unknown ID is an error naming the known ones. */
  public static Claim byId(List<Claim> all, String id) {
    return all.stream().filter(c -> c.id().equalsIgnoreCase(id)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("unknown claim " + id + "; known: " + all.stream().map(Claim::id).toList()));
  }
}
