#!/usr/bin/env bash
# npm run test:e2e: build (once) the toolchain, start a private Kubernetes cluster (control plane and
# one node, see cluster.sh) and PostgreSQL, run the deploy test against them, and stop everything on exit.
#
# The first run builds helm, the Terraform providers, Kubernetes, etcd, containerd, runc, CNI plugins,
# CoreDNS and kube-network-policies from Go modules and the node's images from Debian packages into
# ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra} (see BENCHMARKS.md for the times on two cores); later runs
# reuse them and take a few minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

eval "$("$here/toolchain.sh")"

# A fresh control plane and state database for every run, so no run depends on an earlier one.
SEI_E2E_WORK="$(mktemp -d /tmp/sei-e2e.XXXXXX)"
export SEI_E2E_WORK
chmod 755 "$SEI_E2E_WORK" # PostgreSQL refuses to run as root; its own user must reach its folder
# The stop runs every step even when one fails (cluster.sh); then no daemon of this cluster may be
# left, or the next cluster finds its ports taken: the run fails, naming them.
cleanup() {
  local rc=$?
  "$here/cluster.sh" stop >&2 || echo "e2e: cluster.sh stop reported a failed step (above)" >&2
  if ! "$here/cluster.sh" survivors >&2; then
    echo "e2e: the processes above outlived cluster.sh stop" >&2
    rc=1
  fi
  [[ "${SEI_E2E_KEEP:-}" == 1 ]] || rm -rf "$SEI_E2E_WORK"
  exit "$rc"
}
trap cleanup EXIT

start=$SECONDS
"$here/cluster.sh" start >&2
echo "e2e: cluster and PostgreSQL up in $((SECONDS - start)) s ($SEI_E2E_WORK)" >&2
eval "$("$here/cluster.sh" env)"

cd "$root"
npx vitest run --config vitest.e2e.config.ts "$@"
