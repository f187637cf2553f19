# Sourced by the build scripts (setup, sanitize, tsan, fuzz): compile through
# ccache when it is installed (scripts/setup.sh installs Debian's), so building
# the same sources again (another checkout, a fresh clone in CI, the sanitizer
# builds after a small change) takes minutes instead of half an hour. The
# cache is ccache's own (~/.cache/ccache, `ccache -s`, `ccache -C` to empty).
# NNPORT_CCACHE=0 turns it off. Needs ROOT (the checkout); sets cache_flags.
cache_flags=(-DCMAKE_C_COMPILER_LAUNCHER= -DCMAKE_CXX_COMPILER_LAUNCHER=)
if [[ ${NNPORT_CCACHE:-1} != 0 ]] && command -v ccache >/dev/null; then
  cache_flags=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths inside the checkout are hashed relative to it: clones share hits.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
