#!/usr/bin/env bash
# ThreadSanitizer build of the concurrency tests: several threads calling
# forward on one shared wrapper and on separate wrappers
# (src/core/wrapper_threads_test.cc). Configures its own build folder with
# -fsanitize=thread, builds only what those tests need (libnnport, the two
# test plugins, the test; the test is compiled from the core's sources,
# NNPORT_CORE_TESTS_STANDALONE, rather than linking all of libnnport) and
# runs them; any race report fails the run.
#
#   scripts/tsan.sh                  # build-tsan, gcc, all CPUs
#   BUILD=/tmp/tsan JOBS=2 CXX=clang++ scripts/tsan.sh
#
# ccache is used when installed (CCACHE_DISABLE=1 measures a cold build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

BUILD=${BUILD:-build-tsan}
JOBS=${JOBS:-$(nproc)}
export CC=${CC:-gcc} CXX=${CXX:-g++}
TARGETS=(core_wrapper_threads_test)

source scripts/lib/build_cache.sh
flags="-fsanitize=thread -g -O1"
mkdir -p "$BUILD"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cache_flags[@]}" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
  -DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=thread \
  -DNNPORT_BUILD_TESTS=ON -DNNPORT_BUILD_BENCH=OFF -DNNPORT_CORE_TESTS_STANDALONE=ON >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log"; exit 1; }
cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]}"

# halt_on_error: the first race ends the test with a non-zero exit code.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
status=0
for t in "${TARGETS[@]}"; do
  echo "== $t (ThreadSanitizer)"
  "$BUILD/bin/$t" || status=1
done
exit $status
