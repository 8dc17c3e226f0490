#!/usr/bin/env bash
# Print the path of a Helm 3 CLI, building it from the Go module proxy on first use.
#
#   helm="$(scripts/tools/helm.sh)" && "$helm" template ./charts/foo
#
# Source: helm.sh/helm/v3/cmd/helm at SEI_HELM_VERSION (default below), built with the
# local Go (>= 1.26) into ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}/helm/<version>/helm.
# Cached runs only test that file (well under a second). Logs go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

HELM_VERSION="${SEI_HELM_VERSION:-v3.22.0}"
dest="$SEI_CACHE/helm/$HELM_VERSION"
bin="$dest/helm"

if [[ ! -x "$bin" ]]; then
  sei_lock "helm-$HELM_VERSION"
  if [[ ! -x "$bin" ]]; then
    sei_go_env
    mkdir -p "$dest"
    sei_log "building helm $HELM_VERSION (go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION), a few minutes on 2 cores"
    # Helm stamps its version through ldflags in its Makefile; do the same so `helm version` is right.
    sei_timed "helm $HELM_VERSION" env GOBIN="$dest.tmp" go install -trimpath \
      -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
      "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
    mv -f "$dest.tmp/helm" "$bin"
    rmdir "$dest.tmp" 2>/dev/null || true
  fi
fi
printf '%s\n' "$bin"
