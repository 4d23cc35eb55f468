#!/usr/bin/env bash
# Runs the whole claim catalogue under many seeds and reports every claim whose verdict (status) is not
# the same under all of them, or differs from what the catalogue expects. Not part of CI: one seed runs
# the catalogue once (minutes), so 100 seeds take hours.
#
#   scripts/seed-sweep.sh [FIRST_SEED] [COUNT] [OUT_DIR]      (defaults 1, 100, target/seed-sweep)
#
# PREFIXPROOF names the command to run (default: the ./prefixproof launcher next to this folder), e.g.
# PREFIXPROOF="java --add-modules jdk.incubator.vector -jar /tmp/pp.jar" to sweep a fixed build while the
# sources change. SEED_TIMEOUT bounds one seed's run (default 1800 s). Exit 0: no verdict changed and every
# verdict as expected; 1: some changed or were unexpected; 2: bad arguments.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
first="${1:-1}"
count="${2:-100}"
out="${3:-$here/target/seed-sweep}"
for v in "$first" "$count"; do
  if ! [[ "$v" =~ ^[0-9]+$ ]]; then
    echo "seed-sweep: FIRST_SEED and COUNT must be non-negative integers, got '$v'" >&2
    exit 2
  fi
done
command -v jq >/dev/null || { echo "seed-sweep: needs jq to read the JSON results" >&2; exit 2; }
read -r -a cmd <<< "${PREFIXPROOF:-$here/prefixproof}"
mkdir -p "$out"
verdicts="$out/verdicts.tsv"
: > "$verdicts"
for ((s = first; s < first + count; s++)); do
  start=$(date +%s)
  set +e
  timeout "${SEED_TIMEOUT:-1800}" "${cmd[@]}" verify --seed "$s" --json "$out/seed-$s.json" > "$out/seed-$s.log" 2>&1
  rc=$?
  set -e
  if [ ! -s "$out/seed-$s.json" ]; then
    echo "seed $s: no result (exit $rc after $(( $(date +%s) - start )) s), see $out/seed-$s.log"
    printf '%s\t%s\t%s\t%s\n' "$s" "*" "no-result(exit $rc)" "-" >> "$verdicts"
    continue
  fi
  jq -r --arg s "$s" '.data[] | [$s, .id, .status, .expected] | @tsv' "$out/seed-$s.json" >> "$verdicts"
  echo "seed $s: exit $rc, $(( $(date +%s) - start )) s"
done
echo
done_seeds=$(cut -f1 "$verdicts" | sort -u | wc -l)
echo "$done_seeds seeds run ($first..$((first + count - 1))); results in $out"
changed=$(awk -F'\t' '$2 != "*" { k = $2 "\t" $3; if (!(k in n)) { kinds[$2]++; list[$2] = list[$2] " " $3 } n[k]++ }
  END { for (id in kinds) if (kinds[id] > 1) print id ":" list[id] }' "$verdicts" | sort)
unexpected=$(awk -F'\t' '$2 == "*" || $3 != $4 { print "seed " $1 ": " $2 " " $3 " (expected " $4 ")" }' "$verdicts")
if [ -z "$changed" ] && [ -z "$unexpected" ]; then
  echo "no verdict changed; every claim as expected under every seed"
  exit 0
fi
[ -n "$changed" ] && { echo "verdicts that changed with the seed:"; echo "$changed"; }
[ -n "$unexpected" ] && { echo "verdicts not as expected:"; echo "$unexpected"; }
exit 1
