#!/usr/bin/env bash
# Runs nnport's whole test suite; docs/testing.md says what each stage proves:
#   1. CTest (GoogleTest suites of every room, CLI tests, backend tests on real
#      models) in an AddressSanitizer + UndefinedBehaviorSanitizer build
#      (scripts/sanitize.sh, build-asan/)
#   2. the third-party plugin example, built against the installed SDK (install/) only
#   3. the Python module's tests (pytest on python/tests, against install/lib/python)
#   4. the concurrency tests under ThreadSanitizer (scripts/tsan.sh, build-tsan/)
#   5. the libFuzzer targets (scripts/fuzz.sh), 20 s each, when clang is installed
# Options: -R REGEX (only CTest tests matching; skips 2-5), --jobs N,
#          --fuzz-seconds N (0: skip)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

jobs=$(nproc) filter=() fuzz_seconds=20
while (($#)); do
  case $1 in
    -R) filter=(-R "$2"); shift ;;
    --jobs) jobs=$2; shift ;;
    --fuzz-seconds) fuzz_seconds=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ ! -f build/CMakeCache.txt || ! -x install/bin/nnport ]]; then
  echo "test.sh: no build found: run scripts/setup.sh first" >&2
  exit 1
fi

# Rebuild what changed since setup (no-op on a fresh setup), keep install/ in step.
cmake --build build -j "$jobs"
cmake --install build >/dev/null
[[ -f tests/models/out/manifest.json ]] || /usr/bin/python3 tests/models/export.py --out tests/models/out

echo "== format"
scripts/check_format.sh

echo "== CTest under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
scripts/sanitize.sh --jobs "$jobs" "${filter[@]}"

if ((${#filter[@]} == 0)); then
  echo "== third-party plugin example against install/"
  examples/plugins/minimal/build_and_test.sh "$ROOT/install" "$ROOT/build/minimal-example"
fi

if ((${#filter[@]} == 0)); then
  echo "== Python module (pytest)"
  if [[ -f install/lib/python/nnport/__init__.py ]]; then
    # The installed module, whatever nnport.pth says; no caches in the source tree.
    PYTHONPATH="$ROOT/install/lib/python" PYTHONDONTWRITEBYTECODE=1 \
      /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests
  else
    echo "test.sh: the Python module was not built (pybind11-dev missing? see the CMake output)" >&2
    exit 1
  fi
fi

if ((${#filter[@]} == 0)); then
  echo "== concurrency tests under ThreadSanitizer (build-tsan/)"
  JOBS=$jobs scripts/tsan.sh
fi

if ((${#filter[@]} == 0 && fuzz_seconds > 0)); then
  echo "== fuzzers (${fuzz_seconds}s each)"
  if command -v clang++ >/dev/null; then
    scripts/fuzz.sh --seconds "$fuzz_seconds" --jobs "$jobs"
  else
    echo "skipped: clang++ not installed (scripts/setup.sh installs it)"
  fi
fi
