#!/usr/bin/env bash
# A real Kubernetes control plane for the tests, on 127.0.0.1, built from Go modules:
# etcd → kube-apiserver → kube-controller-manager → kube-scheduler → kwok (simulated nodes and pods).
#
#   scripts/kube-test-cluster.sh build      build the binaries once into the cache (prints the build time)
#   scripts/kube-test-cluster.sh paths      print NAME=PATH of each binary (exit 1 when one is not built)
#   scripts/kube-test-cluster.sh up         start a control plane in the background; prints its env lines
#   scripts/kube-test-cluster.sh env        print the running one's env lines (eval "$(… env)")
#   scripts/kube-test-cluster.sh down       stop what `up` started, by PID
#
# The binaries go to ${GANTRY_TOOLS:-~/.cache/gantry-tools}/go/<name>-<version>/ (the layout of
# scripts/go-tool.sh), keyed by version: later runs and CI on the same machine reuse them. Only
# tools/kube/go.{mod,sum} and tools/etcd/go.{mod,sum} are committed, never a binary. A cold build took
# 22 min on a 2-core machine shared with other builds (727 CPU-s); with warm Go caches 1 min; cached 0.3 s.
# `up`'s state (certs, etcd data, logs, kubeconfig, PIDs) lives in ${GANTRY_KUBE_CLUSTER:-/tmp/gantry-kube-test-cluster}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# Every k8s.io module at one release: k8s.io/kubernetes v1.36.N with its staging modules at v0.36.N
# (tools/kube/go.mod pins both; change them together).
KUBE_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
# CRDs installed at start, from the manifests published in these modules.
GATEWAY_API_VERSION=v1.6.3
EXTERNAL_SECRETS_VERSION=v0.16.2

tools="${GANTRY_TOOLS:-$HOME/.cache/gantry-tools}/go"
kube_dir="$tools/kube-$KUBE_VERSION"
etcd_dir="$tools/etcd-$ETCD_VERSION"
kwok_dir="$tools/kwok-$KWOK_VERSION"
crds_dir="$tools/kube-test-crds-gateway-api-$GATEWAY_API_VERSION-external-secrets-$EXTERNAL_SECRETS_VERSION"

# The directory of a module's source in the module cache (downloaded once through the module proxy).
module_dir() {
  (cd "$root/tools/kube" && go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
}

# One `go build` for the three Kubernetes binaries (they share most packages), static, without paths
# or debug info (-trimpath, -s -w: a smaller link, the slowest step), with the version ldflags that
# hack/lib/version.sh sets, so /version says v1.36.N and not v0.0.0-master.
build_kube() {
  [ -x "$kube_dir/kube-scheduler" ] && return
  local minor=${KUBE_VERSION#v1.}
  minor=${minor%%.*}
  local v=k8s.io/component-base/version
  local ldflags="-s -w -X $v.gitVersion=$KUBE_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  echo "building kube-apiserver, kube-controller-manager, kube-scheduler $KUBE_VERSION (once; cached in $kube_dir)" >&2
  mkdir -p "$kube_dir.tmp"
  (cd "$root/tools/kube" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$kube_dir.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler) >&2
  rm -rf "$kube_dir" && mv "$kube_dir.tmp" "$kube_dir"
}

build_etcd() {
  [ -x "$etcd_dir/etcd" ] && return
  echo "building etcd $ETCD_VERSION (once; cached in $etcd_dir)" >&2
  mkdir -p "$etcd_dir.tmp"
  (cd "$root/tools/etcd" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$etcd_dir.tmp/etcd" go.etcd.io/etcd/server/v3) >&2
  rm -rf "$etcd_dir" && mv "$etcd_dir.tmp" "$etcd_dir"
}

# kwok has no replace directives: scripts/go-tool.sh builds it. Its shipped stages (nodes become
# Ready and keep a lease; pods become Ready, complete, are deleted) and the CRDs of the kinds it
# serves as objects (Logs, PortForward, …) are copied beside the binary.
build_kwok() {
  "$root/scripts/go-tool.sh" sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION" >/dev/null
  [ -d "$kwok_dir/crds" ] && return
  local src
  src=$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")
  local stage=$src/kustomize/stage
  for f in "$stage"/node/fast/node-initialize.yaml "$stage"/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    "$stage"/pod/fast/pod-ready.yaml "$stage"/pod/fast/pod-complete.yaml "$stage"/pod/fast/pod-delete.yaml; do
    echo "---"
    cat "$f"
  done >"$kwok_dir/stages.yaml"
  mkdir -p "$kwok_dir/crds.tmp"
  cp "$src"/kustomize/crd/bases/*.yaml "$kwok_dir/crds.tmp/"
  chmod -R u+w "$kwok_dir/crds.tmp"
  mv "$kwok_dir/crds.tmp" "$kwok_dir/crds"
}

# The Gateway API's standard CRDs (HTTPRoute, Gateway, …) and the External Secrets Operator's
# (ExternalSecret, SecretStore, …). CloudNativePG's module is not served by the module proxy here,
# so its CRD is not installed: the tests use that for "a CRD that is not installed".
build_crds() {
  [ -d "$crds_dir" ] && return
  mkdir -p "$crds_dir.tmp"
  cp "$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"/config/crd/standard/gateway.networking.k8s.io_*routes.yaml \
    "$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"/config/crd/standard/gateway.networking.k8s.io_gateway*.yaml \
    "$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"/config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml \
    "$crds_dir.tmp/"
  local eso
  eso=$(module_dir "github.com/external-secrets/external-secrets@$EXTERNAL_SECRETS_VERSION")/config/crds/bases
  cp "$eso"/external-secrets.io_*.yaml "$crds_dir.tmp/"
  chmod -R u+w "$crds_dir.tmp"
  mv "$crds_dir.tmp" "$crds_dir"
}

paths() {
  cat <<EOF
etcd=$etcd_dir/etcd
kube-apiserver=$kube_dir/kube-apiserver
kube-controller-manager=$kube_dir/kube-controller-manager
kube-scheduler=$kube_dir/kube-scheduler
kwok=$kwok_dir/kwok
kwok-stages=$kwok_dir/stages.yaml
kwok-crds=$kwok_dir/crds
crds=$crds_dir
kube-version=$KUBE_VERSION
EOF
}

built() {
  [ -x "$etcd_dir/etcd" ] && [ -x "$kube_dir/kube-scheduler" ] && [ -x "$kwok_dir/kwok" ] && [ -d "$kwok_dir/crds" ] && [ -d "$crds_dir" ]
}

case "${1:-}" in
  build)
    command -v go >/dev/null || { echo "go is required to build the test control plane" >&2; exit 1; }
    start=$(date +%s)
    build_etcd
    build_kwok
    build_crds
    build_kube
    echo "control plane binaries ready in $(($(date +%s) - start)) s" >&2
    ;;
  paths)
    paths
    built || { echo "the test control plane is not built: run scripts/kube-test-cluster.sh build" >&2; exit 1; }
    ;;
  up | env | down)
    exec node --import tsx "$root/test/support/kube-cluster-cli.ts" "$1"
    ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
