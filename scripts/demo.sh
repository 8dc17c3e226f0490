#!/usr/bin/env bash
# npm run demo: try the project on one Linux machine. Builds what is missing (the toolchain and the
# local images, into ~/.cache/sei-infra: about 50 minutes the first time on two cores, seconds later),
# starts the local Kubernetes cluster with its node (scripts/e2e/cluster.sh), deploys one example
# municipality with its pods running (scripts/demo.ts), and prints how to reach it.
#
#   npm run demo              start (or bring up to date) the demo; safe to run again
#   npm run demo -- --down    stop it and delete its cluster, state and volumes ($SEI_DEMO_WORK)
#
# The app is a STAND-IN, not SEI (images/standin): SEI is licensed to public bodies and its image is
# not redistributable. Needs root (the node's network namespace, mounts, iptables), like the e2e suite.
# SEI_DEMO_WORK (default /tmp/sei-demo) is the cluster's work dir: its own ports and node network, so it
# runs beside an end-to-end run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export SEI_E2E_WORK="${SEI_DEMO_WORK:-/tmp/sei-demo}"

case "${1:-}" in
  "") ;;
  --down)
    "$here/e2e/cluster.sh" clean
    echo "demo stopped: its cluster, Terraform state and volumes are gone ($SEI_E2E_WORK); the tool cache stays"
    exit 0
    ;;
  *) echo "usage: npm run demo [-- --down]" >&2; exit 2 ;;
esac

[[ "$(id -u)" == 0 ]] || { echo "npm run demo needs root: the cluster's node uses a network namespace, mounts and iptables" >&2; exit 1; }
start=$SECONDS
eval "$("$here/e2e/toolchain.sh")"
"$here/e2e/images.sh" build >/dev/null
"$here/e2e/cluster.sh" start
eval "$("$here/e2e/cluster.sh" env)"
echo "demo: toolchain, images and cluster ready in $((SECONDS - start)) s" >&2
cd "$root"
exec node --import tsx/esm scripts/demo.ts
