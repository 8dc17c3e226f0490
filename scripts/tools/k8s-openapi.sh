#!/usr/bin/env bash
# Print the folder holding the Kubernetes OpenAPI v3 spec (api/openapi-spec/v3/*.json)
# of release SEI_KUBE_VERSION (default in lib.sh), fetched once from the Go module proxy
# (module k8s.io/kubernetes) into ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}/k8s-openapi/<version>/.
#
#   spec_dir="$(scripts/tools/k8s-openapi.sh)"; ls "$spec_dir"/api__v1_openapi.json
#
# Cached runs only test a marker file. Logs go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

dest="$SEI_CACHE/k8s-openapi/$SEI_KUBE_VERSION"
if [[ ! -f "$dest/.complete" ]]; then
  sei_lock "k8s-openapi-$SEI_KUBE_VERSION"
  if [[ ! -f "$dest/.complete" ]]; then
    sei_go_env
    sei_log "downloading k8s.io/kubernetes@$SEI_KUBE_VERSION from the Go module proxy (about 21 MB, once)"
    src="$(sei_go_mod_dir "k8s.io/kubernetes@$SEI_KUBE_VERSION")"
    [[ -d "$src/api/openapi-spec/v3" ]] || sei_die "no api/openapi-spec/v3 in $src"
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    cp "$src"/api/openapi-spec/v3/*.json "$dest.tmp/"
    chmod -R u+w "$dest.tmp"
    touch "$dest.tmp/.complete"
    rm -rf "$dest" && mkdir -p "$(dirname "$dest")" && mv "$dest.tmp" "$dest"
  fi
fi
printf '%s\n' "$dest"
