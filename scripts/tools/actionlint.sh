#!/usr/bin/env bash
# Print the path of actionlint (the GitHub Actions workflow checker), building it from the Go module
# proxy on first use.
#
#   actionlint="$(scripts/tools/actionlint.sh)" && "$actionlint" .github/workflows/*.yml
#
# Source: github.com/rhysd/actionlint/cmd/actionlint at SEI_ACTIONLINT_VERSION (default below), built
# with the local Go (>= 1.26) into ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}/actionlint/<version>/
# (about 10 s, once). Cached runs only test that file. Logs go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

# actionlint's release build stamps its version the same way, so `actionlint -version` is right.
sei_go_tool actionlint "${SEI_ACTIONLINT_VERSION:-v1.7.12}" github.com/rhysd/actionlint/cmd/actionlint github.com/rhysd/actionlint.version
