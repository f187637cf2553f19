#!/usr/bin/env bash
# Fails when a tracked C/C++ file differs from .clang-format's style.
# Fix with: git ls-files '*.cc' '*.h' '*.c' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "check_format: clang-format not installed, skipped (apt-get install clang-format)"
  exit 0
fi
git ls-files '*.cc' '*.h' '*.c' | xargs clang-format --dry-run --Werror
echo "check_format: all files formatted"
