package io.prefixproof.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

/**
 * Structural check of a written report, independent of {@link Site}'s code: parses the HTML and SVG with
 * jsoup and lists every problem found (empty: the report is whole).
 */
final class SiteCheck {
  private SiteCheck() {}

  /**
   * Problems of the report in {@code out}: the index must link every ID of {@code ids} to an existing
   * page; each page must have its ID as heading, a statement and a rendered note with a heading; page
   * {@code id} must show at least {@code figures.get(id)} images. On every HTML page of the site: every image
   * must be a local SVG file with positive width and height, every local link must name an existing file, no
   * link may be an absolute {@code file:} URL, and nothing may be loaded from the network.
   */
  static List<String> problems(Path out, Collection<String> ids, Map<String, Integer> figures) throws IOException {
    List<String> p = new ArrayList<>();
    Path indexFile = out.resolve("index.html");
    if (!Files.isRegularFile(indexFile)) {
      return List.of("no index.html in " + out);
    }
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".html")).sorted().toList()) {
        String where = out.relativize(f).toString().replace('\\', '/');
        Document d = Jsoup.parse(f.toFile(), "UTF-8");
        external(d, where, p);
        links(d, f, where, p);
        images(d, f, where, p);
      }
    }
    Document index = Jsoup.parse(indexFile.toFile(), "UTF-8");
    for (String id : ids) {
      if (index.select("a[href=claims/" + id + ".html]").isEmpty()) {
        p.add("index.html: no link to claims/" + id + ".html");
      }
      Path pageFile = out.resolve("claims").resolve(id + ".html");
      if (!Files.isRegularFile(pageFile)) {
        p.add("no page for " + id);
        continue;
      }
      Document page = Jsoup.parse(pageFile.toFile(), "UTF-8");
      String where = "claims/" + id + ".html";
      if (!id.equals(page.select("body > h1").text())) {
        p.add(where + ": heading is '" + page.select("body > h1").text() + "'");
      }
      if (page.select("p.statement").text().isBlank()) {
        p.add(where + ": no statement");
      }
      if (page.select("div.note h1, div.note h2").isEmpty()) {
        p.add(where + ": the note has no rendered heading");
      }
      int images = page.select("img").size();
      int want = figures.getOrDefault(id, 0);
      if (images < want) {
        p.add(where + ": " + images + " figures, expected at least " + want);
      }
    }
    return p;
  }

  /** Every image of the page must be an SVG file of positive width and height. */
  static void images(Document page, Path pageFile, String where, List<String> p) throws IOException {
    for (Element img : page.select("img")) {
      Path svg = pageFile.getParent().resolve(img.attr("src")).normalize();
      if (!Files.isRegularFile(svg)) {
        p.add(where + ": figure " + img.attr("src") + " missing");
        continue;
      }
      Element root = Jsoup.parse(Files.readString(svg), "", Parser.xmlParser()).selectFirst("svg");
      if (root == null || size(root.attr("width")) <= 0 || size(root.attr("height")) <= 0) {
        p.add(where + ": figure " + img.attr("src") + " is not an SVG of positive size");
      }
    }
  }

  /** Links: no {@code file:} URLs; a relative link (without its #fragment) must name an existing file. */
  static void links(Document page, Path pageFile, String where, List<String> p) {
    for (Element a : page.select("a[href]")) {
      String ref = a.attr("href");
      if (ref.startsWith("file:")) {
        p.add(where + ": absolute file link " + ref);
      } else if (!ref.matches("[a-z]+:.*") && !ref.startsWith("#")) {
        Path target = pageFile.getParent().resolve(ref.replaceFirst("#.*", "")).normalize();
        if (!Files.exists(target)) {
          p.add(where + ": link " + ref + " leads nowhere");
        }
      }
    }
  }

  /** What the page loads (images, scripts, style sheets) must be local; links to other sites may stay. */
  static void external(Document d, String where, List<String> p) {
    for (Element e : d.select("[src], link[href]")) {
      String ref = e.hasAttr("src") ? e.attr("src") : e.attr("href");
      if (ref.startsWith("http:") || ref.startsWith("https:") || ref.startsWith("//")) {
        p.add(where + ": loads " + ref + " from the network");
      }
    }
  }

  static double size(String attr) {
    try {
      return Double.parseDouble(attr.replace("px", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
