#!/usr/bin/env bash
# Assembles an ONNX Runtime C/C++ SDK in DEST (default .deps/onnxruntime):
#   lib/libonnxruntime.so.1  from the npm package onnxruntime-node (pinned, sha256-checked)
#   include/                 from Debian trixie's libonnxruntime-dev .deb (pinned, sha256-checked)
# Bookworm has no onnxruntime package; see docs/install.md for why these two.
# apt is used through a private sources list and state folder, so the
# system's own apt configuration is left untouched.
set -euo pipefail

ORT_NPM_VERSION=1.30.0
ORT_NPM_SHA256=6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75
ORT_DEB_VERSION=1.21.0+dfsg-1
ORT_DEB_SHA256=14f7d959d5deacbcf1504830d4189f91fc67382b399ed9ae9d3aa9c4050ced08

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-$ROOT/.deps/onnxruntime}
WORK=$ROOT/.deps/download

if [[ -f $DEST/lib/libonnxruntime.so.1 && -f $DEST/include/onnxruntime_cxx_api.h \
      && "$(cat "$DEST/VERSION" 2>/dev/null)" == "$ORT_NPM_VERSION+headers-$ORT_DEB_VERSION" ]]; then
  echo "onnxruntime: SDK already in $DEST"
  exit 0
fi

check_sha256() {  # file expected
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  if [[ $got != "$2" ]]; then
    echo "error: $1: sha256 $got, expected $2 — the download is not the pinned file; delete it and run again" >&2
    exit 1
  fi
}

mkdir -p "$WORK" && chmod 755 "$ROOT/.deps" "$WORK"
tmp=$(mktemp -d "$ROOT/.deps/onnxruntime.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. The runtime library, from the npm registry (no install scripts run).
tarball=$WORK/onnxruntime-node-$ORT_NPM_VERSION.tgz
if [[ ! -f $tarball ]]; then
  echo "onnxruntime: fetching npm package onnxruntime-node@$ORT_NPM_VERSION"
  (cd "$WORK" && npm pack --silent "onnxruntime-node@$ORT_NPM_VERSION" >/dev/null)
fi
check_sha256 "$tarball" "$ORT_NPM_SHA256"
mkdir -p "$tmp/lib"
tar -xzf "$tarball" -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
mv "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$tmp/lib/"
ln -s libonnxruntime.so.1 "$tmp/lib/libonnxruntime.so"

# 2. The headers, from Debian trixie's libonnxruntime-dev (only the headers:
#    its library needs a newer glibc than bookworm's).
deb=$(ls "$WORK"/libonnxruntime-dev_*.deb 2>/dev/null | head -n1 || true)
if [[ -z $deb ]]; then
  echo "onnxruntime: fetching Debian trixie libonnxruntime-dev=$ORT_DEB_VERSION (headers)"
  apt_dir=$WORK/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  # The machine's own bookworm stanza, with the suite changed: same mirror and keyring.
  awk -v RS= -v ORS='\n\n' '/Suites: bookworm bookworm-updates/' /etc/apt/sources.list.d/debian.sources \
    | sed 's/^Suites: .*/Suites: trixie/' > "$apt_dir/trixie.sources"
  if ! grep -q '^Suites: trixie' "$apt_dir/trixie.sources"; then
    echo "error: no 'Suites: bookworm bookworm-updates' stanza in /etc/apt/sources.list.d/debian.sources; cannot derive a trixie source" >&2
    exit 1
  fi
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/trixie.sources" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -qq)
  apt-get "${apt_opts[@]}" update
  (cd "$WORK" && apt-get "${apt_opts[@]}" download "libonnxruntime-dev=$ORT_DEB_VERSION")
  deb=$(ls "$WORK"/libonnxruntime-dev_*.deb | head -n1)
fi
check_sha256 "$deb" "$ORT_DEB_SHA256"
dpkg -x "$deb" "$tmp/deb"
mkdir -p "$tmp/include"
cp -r "$tmp/deb/usr/include/onnxruntime/." "$tmp/include/"
rm -rf "$tmp/deb" "$tmp/package"

chmod 755 "$tmp"
echo "$ORT_NPM_VERSION+headers-$ORT_DEB_VERSION" > "$tmp/VERSION"
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
mv "$tmp" "$DEST"
trap - EXIT
echo "onnxruntime: SDK ready in $DEST"
