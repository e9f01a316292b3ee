#!/usr/bin/env bash
# Installs a pinned Python tool from PyPI into its own virtualenv, keyed by version, once, and prints the
# virtualenv's bin directory. Nothing is committed; later runs (and CI on the same machine) reuse it.
#
#   scripts/py-tool.sh PACKAGE==VERSION [MORE==PINS…]      e.g. scripts/py-tool.sh checkov==3.2.0
#
# The cache is ${GANTRY_TOOLS:-~/.cache/gantry-tools}/py/<package>-<version>/; stdout is only the bin path.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PACKAGE==VERSION [MORE==PINS…]" >&2; exit 2; }
case "$1" in *==*) ;; *) echo "pin the version: $1==VERSION" >&2; exit 2 ;; esac
key=$(echo "$1" | sed 's/==/-/')
dir="${GANTRY_TOOLS:-$HOME/.cache/gantry-tools}/py/$key"
if [ ! -f "$dir/.installed" ]; then
  command -v python3 >/dev/null || { echo "python3 is required to install $1" >&2; exit 1; }
  echo "installing $* into $dir (once)" >&2
  start=$(date +%s)
  rm -rf "$dir"
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$@" >&2
  touch "$dir/.installed"
  echo "installed $1 in $(( $(date +%s) - start )) s" >&2
fi
echo "$dir/bin"
