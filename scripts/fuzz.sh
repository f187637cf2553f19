#!/usr/bin/env bash
# Builds nnport's libFuzzer targets with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer on) into build-fuzz/ and runs each for a bounded
# time, starting from its seed corpus in tests/fuzz/<target>/.
#   scripts/fuzz.sh [--seconds N] [--jobs N] [TARGET...]
# Targets: fuzz_config (.py/.json/.yaml configs), fuzz_deploy_json (a work dir's deploy.json
# and detail.json), fuzz_npy (.npy files), fuzz_onnx (ONNX loader, inspector, checker, shape
# inference and rewrite passes), fuzz_xnn_format (XNNPACK model files).
# A crash stops the run with the reproducer's path (build-fuzz/crash-*): add
# it under tests/fuzz/<target>/ and as a regression test, then fix.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

seconds=30 jobs=$(nproc) targets=()
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
((${#targets[@]})) || targets=(fuzz_config fuzz_deploy_json fuzz_npy fuzz_onnx fuzz_xnn_format)

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found: apt-get install clang (scripts/setup.sh installs it)" >&2
  exit 1
fi

source scripts/lib/build_cache.sh
mkdir -p build-fuzz
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${cache_flags[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNNPORT_FUZZ=ON -DNNPORT_BUILD_TESTS=OFF \
  -DNNPORT_BUILD_BENCH=OFF >build-fuzz/configure.log 2>&1 ||
  { cat build-fuzz/configure.log >&2; exit 1; }
cmake --build build-fuzz -j "$jobs" --target "${targets[@]}" >build-fuzz/build.log 2>&1 ||
  { tail -40 build-fuzz/build.log >&2; exit 1; }

for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  mkdir -p "$corpus"
  cp -n tests/fuzz/"$t"/* "$corpus"/ 2>/dev/null || true
  echo "== $t: ${seconds}s from $(ls "$corpus" | wc -l) inputs"
  (cd build-fuzz && ASAN_OPTIONS=detect_leaks=1 ./bin/"$t" -max_total_time="$seconds" \
    -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 "corpus/$t" 2>"$t.log") || {
    echo "fuzz.sh: $t found a failure; see build-fuzz/$t.log and build-fuzz/crash-*" >&2
    tail -30 "build-fuzz/$t.log" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "build-fuzz/$t.log" | tr '\n' ' '
  echo
done
