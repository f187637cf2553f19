#!/usr/bin/env bash
# Builds the `minimal` example backend against an installed nnport and runs
# its tests — what CI does to prove a third party can build a plugin from the
# installed SDK alone.
#
#   examples/plugins/minimal/build_and_test.sh PREFIX [BUILD_DIR]
#
# PREFIX is where nnport was installed (cmake --install ... --prefix PREFIX).
# BUILD_DIR defaults to PREFIX/../build-minimal-example. Environment:
#   JOBS               parallel build jobs (default 2)
#   NNPORT_MODELS_DIR  nnport's exported test models (default: the repo's
#                      tests/models/out; the model tests skip when absent)
# When PREFIX/bin/nnport exists, also runs a model through the CLI with
# --plugin (skipped, with a note, when the test models are absent).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 PREFIX [BUILD_DIR]" >&2
  exit 2
fi
prefix=$(cd "$1" 2>/dev/null && pwd) || { echo "error: nnport prefix '$1' does not exist" >&2; exit 2; }
if [[ ! -f "$prefix/lib/cmake/nnport/nnportConfig.cmake" && \
      -z "$(find "$prefix" -path '*/cmake/nnport/nnportConfig.cmake' -print -quit 2>/dev/null)" ]]; then
  echo "error: no nnportConfig.cmake under '$prefix'; install nnport there first" \
       "(cmake --install <build> --prefix '$prefix')" >&2
  exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${2:-"$prefix/../build-minimal-example"}
jobs=${JOBS:-2}

cmake -S "$src" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs"
(cd "$build" && ctest --output-on-failure -j "$jobs")

plugin="$build/libnnport_backend_minimal.so"
cli="$prefix/bin/nnport"
models=${NNPORT_MODELS_DIR:-"$src/../../../tests/models/out"}
if [[ -x "$cli" ]]; then
  if [[ -f "$models/tiny_mlp/model.onnx" ]]; then
    echo "== nnport run tiny_mlp with --plugin $plugin"
    "$cli" run "$models/tiny_mlp/model.onnx" --plugin "$plugin" --backend minimal \
      --input "input=$models/tiny_mlp/inputs/input.npy"
  else
    echo "== skipped the CLI check: no test models at $models"
  fi
else
  echo "== skipped the CLI check: no $cli"
fi
echo "== minimal example: OK ($plugin)"
