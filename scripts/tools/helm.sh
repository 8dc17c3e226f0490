#!/usr/bin/env bash
# Print the path of a Helm 3 CLI, building it from the Go module proxy on first use.
#
#   helm="$(scripts/tools/helm.sh)" && "$helm" template ./charts/foo
#
# Source: helm.sh/helm/v3/cmd/helm at SEI_HELM_VERSION (default below), built with the
# local Go (>= 1.26) into ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}/helm/<version>/helm
# (a few minutes on 2 cores, once). Cached runs only test that file (well under a second).
# Logs go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

# Helm stamps its version through ldflags in its Makefile; so does sei_go_tool, so `helm version` is right.
sei_go_tool helm "${SEI_HELM_VERSION:-v3.22.0}" helm.sh/helm/v3/cmd/helm helm.sh/helm/v3/internal/version.version
