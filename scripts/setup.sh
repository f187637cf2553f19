#!/usr/bin/env bash
# Sets up nnport on a fresh Debian 12 machine, then runs the main job once:
#   1. Debian packages (build tools, libonnx, protobuf, json, yaml, CLI11, GoogleTest,
#      Google Benchmark, clang with libFuzzer, XNNPACK and OpenCV DNN for their
#      backends, chromium (headless, to check nnport bench's HTML report), and
#      Debian's torch/torchvision/onnx/numpy for the test models, ccache: see
#      scripts/lib/build_cache.sh)
#   2. the ONNX Runtime SDK (scripts/fetch_onnxruntime.sh: pinned, sha256-checked)
#   3. CMake build into build/, install into install/ (the CLI is install/bin/nnport;
#      the Python module is install/lib/python/nnport, made importable for
#      /usr/bin/python3 by a nnport.pth file in its site folder)
#   4. the test models (tests/models/export.py, PyTorch's outputs as references)
#   5. the main job on a small model: convert + run + verify against PyTorch's outputs
# Safe to run again: each step skips what is already done.
#
# Options: --no-packages (skip apt), --no-models (skip steps 4-5), --jobs N
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

packages=yes models=yes jobs=$(nproc)
while (($#)); do
  case $1 in
    --no-packages) packages=no ;;
    --no-models) models=no ;;
    --jobs) jobs=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n== %s\n' "$*"; }

DEBIAN_PACKAGES=(
  build-essential cmake pkg-config git ca-certificates clang-format clang libclang-rt-14-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy python3-onnx python3-torch python3-torchvision
  libonnx-testdata
  libxnnpack-dev libpthreadpool-dev libcpuinfo-dev libopencv-dnn-dev
  chromium zlib1g-dev
  pybind11-dev python3-dev python3-pytest
  libhdf5-dev libopencv-imgcodecs-dev python3-h5py
  ccache
)

if [[ $packages == yes ]]; then
  step "1/5 Debian packages"
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # npm fetches the ONNX Runtime library; a Node.js install that ships its own npm is fine.
  command -v npm >/dev/null || missing+=(npm)
  if ((${#missing[@]})); then
    sudo=""
    if [[ $(id -u) != 0 ]]; then
      command -v sudo >/dev/null || { echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
      sudo=sudo
    fi
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "all ${#DEBIAN_PACKAGES[@]} packages present"
  fi
fi

step "2/5 ONNX Runtime SDK"
scripts/fetch_onnxruntime.sh

step "3/5 build (build/) and install (install/)"
# The tests are built by scripts/test.sh, in a sanitizer build of their own.
source scripts/lib/build_cache.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$ROOT/install" \
  -DNNPORT_BUILD_TESTS=OFF "${cache_flags[@]}" >/dev/null
cmake --build build -j "$jobs"
cmake --install build >/dev/null
echo "installed: $ROOT/install/bin/nnport"

# The Python module (install/lib/python/nnport) for Debian's /usr/bin/python3:
# a nnport.pth in its site folder names install/lib/python (rewritten on every
# run, so it follows a moved checkout). Without root or sudo, the user's site
# folder instead. A venv: see docs/python.md.
pyroot="$ROOT/install/lib/python"
if [[ -f $pyroot/nnport/__init__.py ]]; then
  site=${NNPORT_PYTHON_SITE:-$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')}
  sudo_py=""
  if [[ $(id -u) != 0 ]] && ! { [[ -d $site ]] && [[ -w $site ]]; }; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo_py=sudo
    else
      site=$(/usr/bin/python3 -c 'import site; print(site.getusersitepackages())')
    fi
  fi
  $sudo_py mkdir -p "$site"
  echo "$pyroot" | $sudo_py tee "$site/nnport.pth" >/dev/null
  # NNPORT_PYTHON_SITE (a folder Python does not search by itself) is for trying this out.
  check='import site, sys; [site.addsitedir(d) for d in sys.argv[1:]]; import nnport; print("nnport", nnport.__version__, "from", nnport.__file__)'
  if ! found=$(cd / && /usr/bin/python3 -c "$check" ${NNPORT_PYTHON_SITE:+"$site"}); then
    echo "setup.sh: /usr/bin/python3 cannot import nnport from $pyroot (see above)" >&2
    exit 1
  fi
  echo "python: $site/nnport.pth -> $pyroot: $found"
else
  echo "python: module not built (pybind11-dev or python3-dev missing?)"
fi

if [[ $models == no ]]; then
  echo "done (models and the first deployment skipped)"
  exit 0
fi

step "4/5 test models (tests/models/out)"
/usr/bin/python3 tests/models/export.py --out tests/models/out

step "5/5 main job: convert + run + verify tiny_mlp on onnxruntime"
nnport=install/bin/nnport
model=tests/models/out/tiny_mlp
work=build/work/tiny_mlp
$nnport check-env
$nnport convert configs/generic/generic_onnxruntime_static.py "$model/model.onnx" --work-dir "$work" --force
$nnport run "$work" --input "input=$model/inputs/input.npy" --output-dir build/work/tiny_mlp_outputs
# Checked against PyTorch's own outputs for the same input, not against another backend.
$nnport verify "$work" --input "input=$model/inputs/input.npy" --expected "$model/outputs" --atol 1e-5
echo
echo "nnport is set up. Try: install/bin/nnport --help    Tests: scripts/test.sh"
