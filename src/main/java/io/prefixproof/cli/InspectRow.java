package io.prefixproof.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prefixproof.claims.Depth;
import io.prefixproof.claims.Inspection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code inspect}'s table and JSON, with the same fields for every claim: a check (LIM-1..4,
 * CONJ-3: {@code maxAbsErr}, {@code errOverTolerance}, {@code holds}; {@code measured} null) or a depth
 * measurement (CONJ-1, CONJ-5: {@code measured}; the others null). {@code head} is −1 for a layer-wide row.
 *
 * @param input index of the input (sentence) the row was measured on, 0 for a single input
 * @param prefix the prefix kind ("random residual", "aligned key/value", ...)
 */
record InspectRow(int input, String prefix, int layer, int head, String claim, Double maxAbsErr,
    Double errOverTolerance, Double measured, Boolean holds) {

  /** Prefix kind of the depth measurements: a prompt (CONJ-1) and residual rows (CONJ-5). */
  static final String DEPTH_PREFIX = "prompt/residual";

  /**
   * {@code rows} in table order: by input, then by prefix kind in the order the kinds were first run, then
   * layer, head numerically (layer-wide rows first, head 2 before head 10) and claim.
   */
  static List<InspectRow> sorted(List<InspectRow> rows) {
    Map<String, Integer> kinds = new HashMap<>();
    rows.forEach(r -> kinds.putIfAbsent(r.prefix(), kinds.size()));
    return rows.stream().sorted(Comparator.comparingInt(InspectRow::input)
        .thenComparingInt(r -> kinds.get(r.prefix())).thenComparingInt(InspectRow::layer)
        .thenComparingInt(InspectRow::head).thenComparing(InspectRow::claim)).toList();
  }

  static InspectRow check(int input, Inspection.Row r) {
    return new InspectRow(input, r.prefix(), r.layer(), r.head(), r.claim(), r.maxAbsErr(), r.maxRatio(), null,
        r.holds());
  }

  static InspectRow measurement(int input, Depth.Row d) {
    return new InspectRow(input, DEPTH_PREFIX, d.layer(), d.head(), d.claim(), null, null, d.value(), null);
  }

  /** The row as a JSON object: every key present in every row, null where it does not apply. */
  ObjectNode json() {
    ObjectNode o = JsonEnvelope.MAPPER.createObjectNode();
    o.put("input", input);
    o.put("prefix", prefix);
    o.put("layer", layer);
    if (head < 0) {
      o.putNull("head");
    } else {
      o.put("head", head);
    }
    o.put("claim", claim);
    o.put("max_abs_err", maxAbsErr);
    o.put("err_over_tolerance", errOverTolerance);
    o.put("measured", measured);
    o.put("holds", holds);
    return o;
  }
}
