package io.prefixproof.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON schemas as docs/json-schemas.md writes them (its tables: path, type, meaning), and a check of
 * a document against them in both directions: every documented field present with a documented type,
 * every present field documented.
 *
 * @param envelope the envelope's fields, path to allowed types
 * @param kinds each schema ({@code prefixproof/verify/1}, ...) to its {@code data} fields
 */
record DocumentedSchemas(Map<String, Set<String>> envelope, Map<String, Map<String, Set<String>>> kinds) {

  static final Path FILE = Path.of("docs/json-schemas.md");
  static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object", "null");

  static DocumentedSchemas read() throws IOException {
    Map<String, Set<String>> envelope = new LinkedHashMap<>();
    Map<String, Map<String, Set<String>>> kinds = new LinkedHashMap<>();
    Map<String, Set<String>> section = null;
    for (String line : Files.readAllLines(FILE)) {
      if (line.startsWith("## ")) {
        String title = line.substring(3).strip();
        section = title.equals("Envelope") ? envelope : title.startsWith("prefixproof/")
            ? kinds.computeIfAbsent(title, k -> new LinkedHashMap<>()) : null;
      } else if (section != null && line.startsWith("| `")) {
        String[] cells = line.split("(?<!\\\\)\\|");
        String path = cells[1].strip().replace("`", "");
        Set<String> types = new LinkedHashSet<>(List.of(cells[2].strip().split(" or ")));
        if (!TYPES.containsAll(types)) {
          throw new IllegalStateException(FILE + ": " + path + " has an unknown type in '" + cells[2].strip() + "'");
        }
        section.put(path, types);
      }
    }
    return new DocumentedSchemas(envelope, kinds);
  }

  /** What in {@code doc} disagrees with its documented schema (empty when it conforms). */
  List<String> violations(JsonNode doc) {
    List<String> out = new ArrayList<>();
    String kind = doc.path("schema").asText("");
    if (!kinds.containsKey(kind)) {
      out.add("schema '" + kind + "' is not documented");
      return out;
    }
    Map<String, Set<String>> fields = new LinkedHashMap<>(envelope);
    fields.putAll(kinds.get(kind));
    walk("", doc, fields, out);
    return out;
  }

  private static void walk(String path, JsonNode node, Map<String, Set<String>> fields, List<String> out) {
    if (node.isObject()) {
      String any = path.isEmpty() ? "*" : path + ".*";
      if (fields.containsKey(any)) {
        node.fields().forEachRemaining(e -> child(any, e.getValue(), fields, out));
        return;
      }
      String prefix = path.isEmpty() ? "" : path + ".";
      Set<String> documented = new LinkedHashSet<>();
      for (String p : fields.keySet()) {
        if (p.startsWith(prefix) && p.substring(prefix.length()).matches("[^.\\[\\]*]+")) {
          documented.add(p.substring(prefix.length()));
        }
      }
      for (String name : documented) {
        if (!node.has(name)) {
          out.add("missing " + prefix + name);
        } else {
          child(prefix + name, node.get(name), fields, out);
        }
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!documented.contains(name)) {
          out.add("undocumented " + prefix + name);
        }
      }
    } else if (node.isArray() && !node.isEmpty()) {
      if (!fields.containsKey(path + "[]")) {
        out.add("undocumented elements " + path + "[]");
        return;
      }
      node.forEach(e -> child(path + "[]", e, fields, out));
    }
  }

  private static void child(String path, JsonNode node, Map<String, Set<String>> fields, List<String> out) {
    Set<String> types = fields.get(path);
    if (types.stream().noneMatch(t -> is(node, t))) {
      out.add(path + " is " + node.getNodeType().name().toLowerCase() + " " + abbreviate(node) + ", documented as "
          + String.join(" or ", types));
    }
    walk(path, node, fields, out);
  }

  static boolean is(JsonNode n, String type) {
    return switch (type) {
      case "string" -> n.isTextual();
      case "integer" -> n.isIntegralNumber();
      case "number" -> n.isNumber();
      case "boolean" -> n.isBoolean();
      case "array" -> n.isArray();
      case "object" -> n.isObject();
      default -> n.isNull();
    };
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
