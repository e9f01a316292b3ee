#!/usr/bin/env bash
# Builds a Go command from its module at a pinned version into a cache keyed by that version, once,
# and prints the binary's path. Nothing is committed; later runs (and CI on the same machine) reuse it.
#
#   scripts/go-tool.sh PACKAGE VERSION        e.g. scripts/go-tool.sh github.com/rhysd/actionlint/cmd/actionlint v1.7.12
#
# The cache is ${GANTRY_TOOLS:-~/.cache/gantry-tools}/go/<command>-<version>/<command>. Progress and the
# build time go to stderr; stdout is only the path, so callers can write bin=$(scripts/go-tool.sh …).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 PACKAGE VERSION" >&2; exit 2; }
package=$1
version=$2
name=$(basename "$package")
dir="${GANTRY_TOOLS:-$HOME/.cache/gantry-tools}/go/$name-$version"
bin="$dir/$name"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "go is required to build $name ($package@$version)" >&2; exit 1; }
  echo "building $name $version from $package (once; cached in $dir)" >&2
  start=$(date +%s)
  mkdir -p "$dir"
  CGO_ENABLED=0 GOBIN="$dir" GOFLAGS=-trimpath go install "$package@$version" >&2
  echo "built $name $version in $(( $(date +%s) - start )) s" >&2
fi
echo "$bin"
