package io.prefixproof.report;

import io.prefixproof.claims.Claim;
import io.prefixproof.report.Charts.Figure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.commonmark.node.Link;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.AttributeProvider;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The static HTML report: {@code index.html} (run metadata and the claim table), {@code claims/<ID>.html}
 * (statement, outcome, figures, shrunk witness, sources, the proof note rendered from Markdown),
 * {@code experiments/<NAME>.html} and {@code models/<NAME>.html} ({@link Extra}),
 * {@code figures/*.svg} and {@code style.css}. Nothing is fetched at view time.
 */
public final class Site {
  private Site() {}

  /** One claim's run: the claim, its result and its figures. */
  public record Entry(Claim claim, Claim.Result result, List<Figure> figures) {}

  /**
   * A page that is not a catalogue claim (the Section 3 constructions, decided by {@code certify}): its note
   * {@code proofs-notes/<id>.md}, a title and figures.
   */
  public record Page(String id, String title, List<Figure> figures) {}

  /** What the index shows about the run: name → value, in order. */
  public record Metadata(Map<String, String> fields) {}

  /**
   * A page outside the claim catalogue at {@code path} (one folder deep, such as {@code experiments/E3.html}
   * or {@code models/minilm.html}): a title, an HTML body and figures.
   */
  public record Extra(String path, String title, String body, List<Figure> figures) {}

  /**
   * Where the source links of the claim pages point: {@code root} is the project root whose {@code src/} is
   * searched and whose files the notes' relative links name; with {@code baseUrl} null the links are relative
   * paths from the page to the file (the site works wherever it lies beside the sources), otherwise
   * {@code baseUrl + path + "#L" + line} (a published repository, such as {@code
   * https://github.com/OWNER/REPO/blob/COMMIT/}).
   */
  public record Sources(Path root, String baseUrl) {

    /** Throws an {@link IllegalArgumentException} unless the base URL is http(s) and ends with '/'. */
    public Sources {
      if (baseUrl != null && !(baseUrl.matches("https?://[^\\s\"<>]+") && baseUrl.endsWith("/"))) {
        throw new IllegalArgumentException("--source-base must be an http(s) URL ending with '/', got '" + baseUrl
            + "'");
      }
    }

    /** The link from a page in {@code pageDir} to {@code file} under the root; {@code line} 0 names no line. */
    String href(Path file, int line, Path pageDir) {
      String rel = root.relativize(file).normalize().toString().replace('\\', '/');
      if (baseUrl != null) {
        return baseUrl + rel + (line > 0 ? "#L" + line : "");
      }
      return pageDir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString()
          .replace('\\', '/');
    }
  }

  /**
   * Writes the site into {@code out} (created if needed): the claim pages, the construction pages, the pages of
   * trained {@code experiments}, and an index that also links the model pages found in {@code out} and shows
   * {@code bench} (none when null); {@code sources} says where the source links point.
   */
  public static void write(Path out, Metadata meta, List<Entry> entries, List<Page> pages, List<Extra> experiments,
      BenchTable bench, Sources sources) {
    try {
      Files.createDirectories(out.resolve("claims"));
      Files.createDirectories(out.resolve("figures"));
      Files.writeString(out.resolve("style.css"), CSS);
      for (Extra x : experiments) {
        writeExtra(out, x);
      }
      Files.writeString(out.resolve("index.html"), index(meta, entries, pages, experiments, bench, models(out)));
      Path claimDir = out.resolve("claims");
      Set<String> ids = new HashSet<>();
      entries.forEach(e -> ids.add(e.claim().id()));
      pages.forEach(p -> ids.add(p.id()));
      for (Entry e : entries) {
        for (Figure f : e.figures()) {
          Charts.write(f, out.resolve("figures"));
        }
        Files.writeString(claimDir.resolve(e.claim().id() + ".html"), page(e, sources, claimDir, ids));
      }
      for (Page p : pages) {
        for (Figure f : p.figures()) {
          Charts.write(f, out.resolve("figures"));
        }
        Files.writeString(claimDir.resolve(p.id() + ".html"), page(p, sources, claimDir, ids));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes one page outside the catalogue, its figures and the style sheet into the site {@code out} (created
   * if needed); the index lists {@code models/*.html} pages it finds there when it is written.
   */
  public static void writeExtra(Path out, Extra x) {
    try {
      Path page = out.resolve(x.path());
      Files.createDirectories(page.getParent());
      Files.createDirectories(out.resolve("figures"));
      Files.writeString(out.resolve("style.css"), CSS);
      for (Figure f : x.figures()) {
        Charts.write(f, out.resolve("figures"));
      }
      StringBuilder b = new StringBuilder(head(x.title() + " · PrefixProof", "../style.css"));
      b.append("<p><a href=\"../index.html\">report index</a></p>\n<h1>").append(esc(x.title())).append("</h1>\n")
          .append(x.body());
      figures(b, x.figures());
      Files.writeString(page, b.append("</body>\n</html>\n").toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out.resolve(x.path()) + ": " + e.getMessage(), e);
    }
  }

  /** The {@code models/*.html} pages {@code inspect --html} left in {@code out}, with their titles, by file name. */
  static Map<String, String> models(Path out) throws IOException {
    Map<String, String> found = new java.util.TreeMap<>();
    Path dir = out.resolve("models");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".html")).toList()) {
          String html = Files.readString(f);
          int from = html.indexOf("<h1>");
          int to = html.indexOf("</h1>", from + 1);
          found.put("models/" + f.getFileName(), from < 0 || to < 0 ? f.getFileName().toString()
              : html.substring(from + 4, to));
        }
      }
    }
    return found;
  }

  /** Version, seed, tries, Java, machine, date and run time of this run. */
  public static Metadata metadata(String version, long seed, Integer tries, long millis) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("version", version);
    m.put("seed", String.valueOf(seed));
    m.put("tries", tries == null ? "each claim's CI budget" : String.valueOf(tries));
    m.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
        + System.getProperty("java.vm.name") + ")");
    m.put("machine", machine());
    m.put("date", java.time.Instant.now().toString());
    m.put("run time", millis + " ms (claims and figures)");
    return new Metadata(m);
  }

  /** This machine: operating system, architecture, cores and the JVM's heap limit. */
  public static String machine() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
        + ", " + Runtime.getRuntime().availableProcessors() + " cores, max heap " + Runtime.getRuntime().maxMemory()
        / (1 << 20) + " MiB";
  }

  static String index(Metadata meta, List<Entry> entries, List<Page> pages, List<Extra> experiments, BenchTable bench,
      Map<String, String> models) {
    StringBuilder b = new StringBuilder(head("PrefixProof report", "style.css"));
    b.append("<h1>PrefixProof report</h1>\n<table class=\"meta\">\n");
    meta.fields().forEach((k, v) -> b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
        .append("</td></tr>\n"));
    long bad = entries.stream().filter(e -> !e.result().asExpected()).count();
    b.append("</table>\n<p class=\"summary\">").append(entries.size() - bad).append(" as expected, ").append(bad)
        .append(" not</p>\n<table class=\"claims\">\n<tr><th>claim</th><th>statement</th><th>status</th>"
            + "<th>expected</th><th>tries</th><th>max abs err</th><th>ms</th><th>figures</th></tr>\n");
    for (Entry e : entries) {
      Claim.Result r = e.result();
      b.append("<tr class=\"").append(r.asExpected() ? "ok" : "bad").append("\"><td><a href=\"claims/")
          .append(esc(r.id())).append(".html\">").append(esc(r.id())).append("</a></td><td>")
          .append(esc(e.claim().statement())).append("</td><td>").append(Report.word(r.status().name()))
          .append("</td><td>").append(Report.word(r.expected().name())).append("</td><td>").append(r.tries())
          .append("</td><td>").append(r.maxAbsErr() == null ? "-" : String.format("%.3g", r.maxAbsErr()))
          .append("</td><td>").append(r.millis()).append("</td><td>").append(e.figures().size())
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
    if (!pages.isEmpty()) {
      b.append("<h2>Section 3 constructions</h2>\n<ul>\n");
      for (Page p : pages) {
        b.append("<li><a href=\"claims/").append(esc(p.id())).append(".html\">").append(esc(p.id())).append("</a> ")
            .append(esc(p.title())).append(" (").append(p.figures().size()).append(" figures)</li>\n");
      }
      b.append("</ul>\n");
    }
    if (!experiments.isEmpty()) {
      b.append("<h2>Trained experiments</h2>\n<ul>\n");
      for (Extra x : experiments) {
        b.append("<li><a href=\"").append(esc(x.path())).append("\">").append(esc(x.title())).append("</a> (")
            .append(x.figures().size()).append(" figures)</li>\n");
      }
      b.append("</ul>\n");
    }
    if (!models.isEmpty()) {
      b.append("<h2>Models inspected</h2>\n<ul>\n");
      models.forEach((path, title) -> b.append("<li><a href=\"").append(esc(path)).append("\">").append(title)
          .append("</a></li>\n"));
      b.append("</ul>\n");
    }
    if (bench != null) {
      b.append(bench.html());
    }
    return b.append("</body>\n</html>\n").toString();
  }

  static String page(Page p, Sources sources, Path pageDir, Set<String> siblings) {
    StringBuilder b = new StringBuilder(head(p.id() + " · PrefixProof", "../style.css"));
    b.append("<p><a href=\"../index.html\">all claims</a></p>\n<h1>").append(esc(p.id())).append("</h1>\n")
        .append("<p class=\"statement\">").append(esc(p.title())).append("</p>\n");
    figures(b, p.figures());
    b.append("<h2>Checker and tests</h2>\n").append(sourceLinks(p.id(), sources, pageDir));
    b.append("<h2>Proof note</h2>\n<div class=\"note\">\n")
        .append(note(p.id(), "proofs-notes/" + p.id() + ".md", sources, pageDir, siblings)).append("</div>\n");
    return b.append("</body>\n</html>\n").toString();
  }

  static String page(Entry e, Sources sources, Path pageDir, Set<String> siblings) {
    Claim c = e.claim();
    Claim.Result r = e.result();
    StringBuilder b = new StringBuilder(head(c.id() + " · PrefixProof", "../style.css"));
    b.append("<p><a href=\"../index.html\">all claims</a></p>\n<h1>").append(esc(c.id())).append("</h1>\n")
        .append("<p class=\"statement\">").append(esc(c.statement())).append("</p>\n<table class=\"meta\">\n");
    row(b, "paper section", c.section());
    row(b, "status", Report.word(r.status().name()) + (r.asExpected() ? " (as expected)" : " (NOT as expected)"));
    row(b, "expected", Report.word(r.expected().name()));
    row(b, "tries", String.valueOf(r.tries()));
    row(b, "seed", String.valueOf(r.seed()));
    row(b, "max abs err", r.maxAbsErr() == null ? "-" : String.valueOf(r.maxAbsErr()));
    row(b, "time", r.millis() + " ms");
    row(b, "detail", r.detail());
    b.append("</table>\n");
    figures(b, e.figures());
    if (r.witness() != null) {
      b.append("<h2>Shrunk witness</h2>\n<pre class=\"witness\">").append(esc(r.witness())).append("</pre>\n");
    }
    b.append("<h2>Checker and tests</h2>\n").append(sourceLinks(c.id(), sources, pageDir));
    b.append("<h2>Proof note</h2>\n<div class=\"note\">\n").append(note(c.id(), c.note(), sources, pageDir, siblings))
        .append("</div>\n");
    return b.append("</body>\n</html>\n").toString();
  }

  static void figures(StringBuilder b, List<Figure> figures) {
    if (figures.isEmpty()) {
      return;
    }
    b.append("<h2>Figures</h2>\n<div class=\"figures\">\n");
    for (Figure f : figures) {
      b.append("<figure><img src=\"../figures/").append(esc(f.file())).append("\" width=\"").append(Charts.WIDTH)
          .append("\" height=\"").append(Charts.HEIGHT).append("\" alt=\"").append(esc(f.caption()))
          .append("\"><figcaption>").append(esc(f.caption())).append("</figcaption></figure>\n");
    }
    b.append("</div>\n");
  }

  /**
   * The note {@code resource} (a path under the project root, packaged in the jar) rendered to HTML. A relative
   * link of the note to the note of a page in {@code siblings} (IDs of the pages beside it in {@code pageDir})
   * leads to that page, any other relative link to the file under the sources, as {@link Sources#href} writes it.
   */
  static String note(String id, String resource, Sources sources, Path pageDir, Set<String> siblings) {
    try (InputStream in = Site.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException(id + ": no note " + resource + " among the packaged notes");
      }
      String md = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Path noteDir = sources.root().resolve(resource).getParent();
      AttributeProvider links = (node, tag, attributes) -> {
        String href = attributes.get("href");
        if (node instanceof Link && href != null && !href.isEmpty() && !href.startsWith("#")
            && !href.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          String file = href.replaceFirst("#.*", "");
          String fragment = href.substring(file.length());
          String sibling = file.replaceFirst("\\.md$", "");
          attributes.put("href", file.endsWith(".md") && siblings.contains(sibling) ? sibling + ".html" + fragment
              : sources.href(noteDir.resolve(file), 0, pageDir) + fragment);
        }
      };
      return HtmlRenderer.builder().escapeHtml(true).attributeProviderFactory(context -> links).build()
          .render(Parser.builder().build().parse(md));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  /**
   * Links to every source file under {@code sources.root()/src} that names the claim as a string literal
   * (the ID in double quotes): the catalogue entry that defines its checker and the tests that run it.
   */
  static String sourceLinks(String id, Sources sources, Path pageDir) {
    Path src = sources.root().resolve("src");
    if (!Files.isDirectory(src)) {
      return "<p>Sources not available: no src/ directory at " + esc(String.valueOf(sources.root())) + ".</p>\n";
    }
    String needle = "\"" + id + "\"";
    List<String> links = new ArrayList<>();
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains(needle)) {
            String rel = sources.root().relativize(f).toString().replace('\\', '/');
            links.add("<li><a href=\"" + esc(sources.href(f, i + 1, pageDir)) + "\">" + esc(rel)
                + "</a> line " + (i + 1) + (rel.startsWith("src/test/") ? " (test)" : " (source)") + "</li>");
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sources under " + src + ": " + e.getMessage(), e);
    }
    if (links.isEmpty()) {
      return "<p>No source file under " + esc(src.toString()) + " names " + esc(id) + ".</p>\n";
    }
    return "<ul class=\"sources\">\n" + String.join("\n", links) + "\n</ul>\n";
  }

  static void row(StringBuilder b, String k, String v) {
    b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
  }

  static String head(String title, String css) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title)
        + "</title>\n<link rel=\"stylesheet\" href=\"" + css + "\">\n</head>\n<body>\n";
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static final String CSS = """
      body { font-family: sans-serif; margin: 2em; max-width: 1400px; color: #222; }
      table { border-collapse: collapse; margin: 1em 0; }
      th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
      tr.bad td { background: #fdd; }
      .figures { display: flex; flex-wrap: wrap; gap: 1em; }
      figure { margin: 0; width: 420px; }
      figcaption { font-size: 0.85em; }
      pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
      .note { border-top: 1px solid #ccc; }
      """;
}
