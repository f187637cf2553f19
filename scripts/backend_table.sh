#!/usr/bin/env bash
# Regenerates the measured table of docs/backends.md: every test model on
# every backend (converts? agrees with ONNX Runtime? latency), by running
# bench/bench_backends.cc from build/ and splicing its Markdown between the
# table markers. Also writes build/backend_table.json with the same figures.
# Needs: scripts/setup.sh done (build/ and tests/models/out). Takes a few minutes.
#
# Usage: scripts/backend_table.sh [extra nnport_bench_backends options, e.g. --rounds 80]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

bench=build/bin/nnport_bench_backends
cmake --build build --target nnport_bench_backends >/dev/null
[[ -x $bench ]] || { echo "backend_table.sh: $bench was not built (is Google Benchmark installed? see scripts/setup.sh)" >&2; exit 1; }

table=$(mktemp)
trap 'rm -f "$table"' EXIT
"$bench" --markdown "$table" --json build/backend_table.json "$@" >/dev/null

doc=docs/backends.md
begin='<!-- backend-table:begin (scripts/backend_table.sh writes this part) -->'
end='<!-- backend-table:end -->'
grep -qF "$begin" "$doc" && grep -qF "$end" "$doc" ||
  { echo "backend_table.sh: $doc lacks the table markers" >&2; exit 1; }
tmp_doc=$(mktemp "$doc.XXXXXX")
awk -v begin="$begin" -v end="$end" -v table="$table" '
  $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
  $0 == end { skip = 0 }
  !skip { print }' "$doc" >"$tmp_doc"
mv "$tmp_doc" "$doc"
echo "backend_table.sh: wrote the table into $doc (figures also in build/backend_table.json)"
