package io.prefixproof.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
   * page; each page must have its ID as heading, a statement and a rendered note with a heading; every
   * image must be a local SVG file with positive width and height; page {@code id} must show at least
   * {@code figures.get(id)} images; nothing may be loaded from the network.
   */
  static List<String> problems(Path out, Collection<String> ids, Map<String, Integer> figures) throws IOException {
    List<String> p = new ArrayList<>();
    Path indexFile = out.resolve("index.html");
    if (!Files.isRegularFile(indexFile)) {
      return List.of("no index.html in " + out);
    }
    Document index = Jsoup.parse(indexFile.toFile(), "UTF-8");
    external(index, "index.html", p);
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
      external(page, where, p);
      if (!id.equals(page.select("body > h1").text())) {
        p.add(where + ": heading is '" + page.select("body > h1").text() + "'");
      }
      if (page.select("p.statement").text().isBlank()) {
        p.add(where + ": no statement");
      }
      if (page.select("div.note h1, div.note h2").isEmpty()) {
        p.add(where + ": the note has no rendered heading");
      }
      List<Element> images = page.select("img");
      int want = figures.getOrDefault(id, 0);
      if (images.size() < want) {
        p.add(where + ": " + images.size() + " figures, expected at least " + want);
      }
      for (Element img : images) {
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
    return p;
  }

  static void external(Document d, String where, List<String> p) {
    for (Element e : d.select("[src], [href]")) {
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
