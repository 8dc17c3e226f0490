#!/usr/bin/env bash
# Print the path of actionlint (the GitHub Actions workflow checker), building it from the Go module
# proxy on first use.
#
#   actionlint="$(scripts/tools/actionlint.sh)" && "$actionlint" .github/workflows/*.yml
#
# Source: github.com/rhysd/actionlint/cmd/actionlint at SEI_ACTIONLINT_VERSION (default below), built
# with the local Go (>= 1.26) into ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}/actionlint/<version>/.
# Cached runs only test that file. Logs go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

ACTIONLINT_VERSION="${SEI_ACTIONLINT_VERSION:-v1.7.12}"
dest="$SEI_CACHE/actionlint/$ACTIONLINT_VERSION"
bin="$dest/actionlint"

if [[ ! -x "$bin" ]]; then
  sei_lock "actionlint-$ACTIONLINT_VERSION"
  if [[ ! -x "$bin" ]]; then
    sei_go_env
    mkdir -p "$dest"
    sei_log "building actionlint $ACTIONLINT_VERSION (go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION)"
    # actionlint stamps its version through ldflags in its release build; do the same so -version is right.
    sei_timed "actionlint $ACTIONLINT_VERSION" env GOBIN="$dest.tmp" go install -trimpath \
      -ldflags "-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
      "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
    mv -f "$dest.tmp/actionlint" "$bin"
    rmdir "$dest.tmp" 2>/dev/null || true
  fi
fi
printf '%s\n' "$bin"
