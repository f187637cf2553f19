#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer build of nnport and its whole
# CTest suite (library, plugins, CLI, tests; no benchmarks, no Python module).
# Any sanitizer report fails the test it happens in: UBSan does not recover,
# ASan aborts, LeakSanitizer reports leaks at exit. The only suppression is
# for leaks inside ONNX Runtime's own library (tests/sanitizers/lsan.supp):
# never nnport's code.
#
#   scripts/sanitize.sh [--jobs N] [-R REGEX] [--build-only]
#   BUILD=/tmp/asan scripts/sanitize.sh
#
# ccache is used when installed (scripts/lib/build_cache.sh; CCACHE_DISABLE=1
# measures a cold build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

BUILD=${BUILD:-build-asan}
jobs=$(nproc) filter=() build_only=0
while (($#)); do
  case $1 in
    --jobs) jobs=$2; shift ;;
    -R) filter=(-R "$2"); shift ;;
    --build-only) build_only=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sanitize.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

source scripts/lib/build_cache.sh
# -O1 keeps the run fast enough; -g1 gives file:line in reports at a small cost.
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g1"
link="-fsanitize=address,undefined"
mkdir -p "$BUILD"
CC=${CC:-gcc} CXX=${CXX:-g++} cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=None "${cache_flags[@]}" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$link" -DCMAKE_SHARED_LINKER_FLAGS="$link" \
  -DCMAKE_MODULE_LINKER_FLAGS="$link" \
  -DNNPORT_BUILD_TESTS=ON -DNNPORT_BUILD_BENCH=OFF -DNNPORT_BUILD_PYTHON=OFF \
  >"$BUILD/configure.log" 2>&1 || { cat "$BUILD/configure.log" >&2; exit 1; }
cmake --build "$BUILD" -j "$jobs" >"$BUILD/build.log" 2>&1 ||
  { tail -40 "$BUILD/build.log" >&2; exit 1; }
((build_only)) && exit 0

# Child processes (the CLI, conformance and debug children) inherit these.
# handle_segv/sigbus/sigfpe=0: a crash stays a signal, as the tests of the
# crash isolation (a plugin or a conformance test that crashes) expect; a
# crash anywhere else still fails its test.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export NNPORT_UNDER_SANITIZER=1
# until-pass:2: a test that fails is run once more and fails the run only if it
# fails again. Under ASan a forked child very rarely hangs (a conformance child
# timed out once in three full runs; the sanitizer runtime and fork in a
# threaded parent), which a rerun tells apart from a real failure.
(cd "$BUILD" && ctest --output-on-failure -j "$jobs" --timeout 600 --repeat until-pass:2 "${filter[@]}")
