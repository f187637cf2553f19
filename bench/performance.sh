#!/usr/bin/env bash
# Regenerates the measured figures at the end of docs/performance.md (between
# the perf:begin and perf:end markers; nothing else in the file is touched):
#   1. the wrapper's overhead over each engine's own API (nnport_bench_engines);
#   2. nnport's ONNX Runtime backend against onnxruntime-node (bench/peers);
#   3. achieved GFLOP/s per backend on resnet18 against this CPU's fp32 peak
#      (bench/flops.py, nnport_bench_engines --cpu-peak, nnport bench);
#   4. scaling with --threads 1,2 and --concurrency 1,2 (nnport bench).
# Builds what it needs first (-j${JOBS:-2}). About 5 minutes on 2 CPUs.
#
#   bench/performance.sh [--no-write]   # --no-write: print the block only
#
# Environment: NNPORT_BUILD_DIR (default build), NNPORT_MODELS_DIR (default
# tests/models/out), JOBS, NNPORT_PERF_OUT (keep the raw measurements in that
# folder; bench/performance_render.py renders them again). Needs node and npm for item 2, /usr/bin/python3
# with python3-onnx for item 3.
set -euo pipefail

# onnxruntime-node: the npm package nnport's SDK takes its library from
# (scripts/fetch_onnxruntime.sh pins the same file).
ORT_NODE_VERSION=1.30.0
ORT_NODE_SHA256=6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${NNPORT_BUILD_DIR:-$ROOT/build}
MODELS=${NNPORT_MODELS_DIR:-$ROOT/tests/models/out}
PEERS=$ROOT/bench/peers
WRITE=1
[[ ${1:-} == --no-write ]] && WRITE=0

log() { echo "performance.sh: $*" >&2; }
if [[ -n ${NNPORT_PERF_OUT:-} ]]; then  # keep the measurements there
  OUT=$NNPORT_PERF_OUT && mkdir -p "$OUT" && rm -f "$OUT/steps.jsonl"
else
  OUT=$(mktemp -d /tmp/nnport_perf.XXXXXX)
  trap 'rm -rf "$OUT"' EXIT
fi
started=$(date +%s)
echo "{\"started_utc\": \"$(date -u +%Y-%m-%dT%H:%MZ)\", \"load_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" \
  > "$OUT/meta.json"

# 0. Build: only the targets measured here.
if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >&2
fi
cmake --build "$BUILD" -j"${JOBS:-2}" --target nnport_cli nnport_backend_onnxruntime \
  nnport_backend_xnnpack nnport_backend_opencv nnport_bench_engines >&2
NNPORT=$BUILD/bin/nnport
ENGINES=$BUILD/bin/nnport_bench_engines

# The peer: the pinned tarball, sha256-checked, and the lock file's exact
# versions (npm ci checks their integrity); no install scripts run.
tarball=$ROOT/.deps/download/onnxruntime-node-$ORT_NODE_VERSION.tgz
if [[ ! -f $tarball ]]; then
  log "fetching npm package onnxruntime-node@$ORT_NODE_VERSION"
  mkdir -p "$(dirname "$tarball")"
  (cd "$(dirname "$tarball")" && npm pack --silent "onnxruntime-node@$ORT_NODE_VERSION" >/dev/null)
fi
got=$(sha256sum "$tarball" | cut -d' ' -f1)
if [[ $got != "$ORT_NODE_SHA256" ]]; then
  echo "error: $tarball: sha256 $got, expected $ORT_NODE_SHA256 — not the pinned file; delete it and run again" >&2
  exit 1
fi
installed=$(node -p "require('$PEERS/node_modules/onnxruntime-node/package.json').version" 2>/dev/null || true)
if [[ $installed != "$ORT_NODE_VERSION" ]]; then
  (cd "$PEERS" && npm ci --ignore-scripts --no-audit --no-fund >&2)
fi
lib=bin/napi-v6/linux/x64/libonnxruntime.so.1
want=$(tar -xzOf "$tarball" "package/$lib" | sha256sum | cut -d' ' -f1)
if [[ $(sha256sum < "$PEERS/node_modules/onnxruntime-node/$lib" | cut -d' ' -f1) != "$want" ]]; then
  echo "error: bench/peers/node_modules holds another onnxruntime-node build; rm -rf it and run again" >&2
  exit 1
fi
same_lib=false
if [[ -f $ROOT/.deps/onnxruntime/lib/libonnxruntime.so.1 && \
      $(sha256sum < "$ROOT/.deps/onnxruntime/lib/libonnxruntime.so.1" | cut -d' ' -f1) == "$want" ]]; then
  same_lib=true
fi

# Every measurement: its command (with the paths made relative), the load
# average before and after, its output file.
step() {  # name outfile command...
  local name=$1 outfile=$2
  shift 2
  local cmd="$*" before
  cmd=${cmd//$ROOT\//}
  cmd=${cmd//$OUT\//}
  before=$(cut -d' ' -f1 /proc/loadavg)
  log "$name: $cmd (load $before)"
  "$@" > "$outfile"
  python3 -c 'import json,sys; print(json.dumps(dict(zip(["name","out","cmd","load_before","load_after"], sys.argv[1:]))))' \
    "$name" "$(basename "$outfile")" "$cmd" "$before" "$(cut -d' ' -f1 /proc/loadavg)" >> "$OUT/steps.jsonl"
}
inputs_of() {  # model -> --input NAME=FILE for each .npy
  local f
  for f in "$MODELS/$1"/inputs/*.npy; do printf -- '--input %s=%s ' "$(basename "$f" .npy)" "$f"; done
}

# 1. The wrapper against each engine's own API, one process per model set.
step engines "$OUT/engines.txt" "$ENGINES" --models resnet18,tiny_mlp --seconds 8 \
  --json "$OUT/engines.json"

# 2. nnport against onnxruntime-node, same model, inputs and threads, each in
#    its own process (both with ONNX Runtime's default spinning); two rounds,
#    alternating, so that drift in the load hits both.
for round in 1 2; do
  for cfg in resnet18:1 resnet18:2 tiny_mlp:1; do
    m=${cfg%:*} t=${cfg#*:}
    step "node $m $t $round" "$OUT/node-$m-$t-$round.json" node "$PEERS/ort_node_bench.mjs" \
      "$MODELS/$m/model.onnx" "$MODELS/$m/inputs" --threads "$t" --duration 3
    # shellcheck disable=SC2046
    step "nnport $m $t $round" "$OUT/nnport-$m-$t-$round.txt" "$NNPORT" bench "$MODELS/$m/model.onnx" \
      --threads "$t" $(inputs_of "$m") --duration 3 --no-progress --json "$OUT/nnport-$m-$t-$round.json"
  done
done

# 3. FLOPs, the CPU's clock and FMA throughput, each backend on resnet18 at
#    its default threads.
step flops "$OUT/flops.json" /usr/bin/python3 "$ROOT/bench/flops.py" "$MODELS/resnet18/model.onnx" --json
step peak "$OUT/peak.txt" "$ENGINES" --cpu-peak --json "$OUT/peak.json"
# shellcheck disable=SC2046
step gflops "$OUT/gflops.txt" "$NNPORT" bench "$MODELS/resnet18/model.onnx" \
  --backends onnxruntime,xnnpack,opencv $(inputs_of resnet18) --duration 3 --no-progress \
  --json "$OUT/gflops.json"

# 4. Scaling: threads x concurrency, ONNX Runtime and XNNPACK alternating.
for m in resnet18 mobilenet_v2; do
  # shellcheck disable=SC2046
  step "scaling $m" "$OUT/scaling-$m.txt" "$NNPORT" bench "$MODELS/$m/model.onnx" \
    --backends onnxruntime,xnnpack --threads 1,2 --concurrency 1,2 $(inputs_of "$m") \
    --duration 2 --no-progress --json "$OUT/scaling-$m.json"
done

echo "{\"seconds\": $(($(date +%s) - started)), \"load_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \
\"commit\": \"$(git -C "$ROOT" rev-parse --short=12 HEAD)\", \"same_ort_library\": $same_lib, \
\"node\": \"$(node --version)\"}" > "$OUT/meta_end.json"
if [[ $WRITE == 1 ]]; then
  /usr/bin/python3 "$ROOT/bench/performance_render.py" "$OUT" --write "$ROOT/docs/performance.md"
  log "wrote the block in docs/performance.md ($(($(date +%s) - started)) s)"
else
  /usr/bin/python3 "$ROOT/bench/performance_render.py" "$OUT"
fi
