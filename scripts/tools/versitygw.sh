#!/usr/bin/env bash
# Print the path of versitygw (an S3-compatible object store), building it from the Go module proxy on
# first use. The tests and the local cluster use it as the off-site backup store: its posix backend with
# --iam-dir and --versioning-dir gives per-user credentials, per-bucket isolation, prefix policies,
# versioning and object lock, the features the backup design relies on.
#
#   versitygw="$(scripts/tools/versitygw.sh)" && "$versitygw" --help
#
# Source: github.com/versity/versitygw/cmd/versitygw at SEI_VERSITYGW_VERSION (default below), built
# with the local Go into ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}/versitygw/<version>/ (about 3 min
# cold, once). Cached runs only test that file. Logs go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

sei_go_tool versitygw "${SEI_VERSITYGW_VERSION:-v1.8.0}" github.com/versity/versitygw/cmd/versitygw main.Version
