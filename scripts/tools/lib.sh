# shellcheck shell=bash
# Shared helpers for scripts/tools/*.sh and scripts/e2e/*.sh. Source it, do not run it.
#
# Everything built or downloaded lives in the cache, outside the repository:
#   SEI_TOOLS_CACHE   (default: $HOME/.cache/sei-infra)
# Logs go to stderr; scripts print only their result on stdout.

SEI_CACHE="${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}"

sei_log() { printf '[%s] %s\n' "$(basename "${0}")" "$*" >&2; }
sei_die() { sei_log "ERROR: $*"; exit 1; }

# Go environment for reproducible, offline-friendly builds:
# - GOTOOLCHAIN=local: never download another Go; the modules below build with go1.26.
# - GOFLAGS: no VCS stamping (module zips have no .git), and no -mod override.
# - CGO off unless a build asks for it (all binaries here are pure Go).
sei_go_env() {
  command -v go >/dev/null 2>&1 || sei_die "go is not on PATH (need go >= 1.26)"
  export GOTOOLCHAIN=local
  export GOFLAGS="-buildvcs=false"
  export CGO_ENABLED="${CGO_ENABLED:-0}"
  # Build with the default GOMAXPROCS / -p (= cores); no extra parallelism.
}

# sei_require_go_release RELEASE WHAT: stop unless `go` is exactly RELEASE (go1.26.8), saying why.
# For builds whose bytes something else pins (providers.lock.hcl hashes the providers toolchain.sh
# builds): another Go release builds other bytes, which `init` would refuse much later and obscurely.
# SEI_GO_ANY_RELEASE=1 builds anyway (then regenerate what pins the bytes).
sei_require_go_release() {
  local want="$1" what="$2" have
  have="$(go env GOVERSION 2>/dev/null || true)"
  [[ "$have" == "$want" ]] && return 0
  if [[ "${SEI_GO_ANY_RELEASE:-}" == 1 ]]; then
    sei_log "WARNING: building $what with ${have:-an unknown Go}, not $want (SEI_GO_ANY_RELEASE=1): regenerate what pins its bytes"
    return 0
  fi
  sei_die "$what must be built with $want, and go here is ${have:-unknown}: another Go release builds other bytes than the ones pinned. Put $want on PATH, or build anyway with SEI_GO_ANY_RELEASE=1 and regenerate the pins"
}

# Common flags for release-like, small binaries (used by scripts/e2e/toolchain.sh).
# shellcheck disable=SC2034
SEI_GO_BUILD_FLAGS=(-trimpath -ldflags "-s -w")

# sei_timed LABEL CMD...: run CMD, log its wall time to stderr and append to $SEI_CACHE/timings.log.
sei_timed() {
  local label="$1"; shift
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
  sei_log "built ${label} in ${secs}s"
  mkdir -p "$SEI_CACHE"
  printf '%s\t%s\t%ss\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$label" "$secs" >>"$SEI_CACHE/timings.log"
}

# sei_lock NAME: serialise concurrent runs of the same build (flock on a cache file).
sei_lock() {
  mkdir -p "$SEI_CACHE/locks"
  exec {SEI_LOCK_FD}>"$SEI_CACHE/locks/$1.lock"
  flock "$SEI_LOCK_FD"
}

# sei_go_tool NAME VERSION PACKAGE VERSION_VAR: print the path of NAME, a command built once with
# `go install PACKAGE@VERSION` into $SEI_CACHE/NAME/VERSION/NAME (locked, so concurrent callers wait),
# its version stamped into the Go variable VERSION_VAR as the project's own release build does.
sei_go_tool() {
  local name="$1" version="$2" package="$3" version_var="$4"
  local dest="$SEI_CACHE/$name/$version"
  local bin="$dest/$name"
  if [[ ! -x "$bin" ]]; then
    sei_lock "$name-$version"
    if [[ ! -x "$bin" ]]; then
      sei_go_env
      mkdir -p "$dest"
      sei_log "building $name $version (go install $package@$version)"
      sei_timed "$name $version" env GOBIN="$dest.tmp" go install -trimpath \
        -ldflags "-s -w -X $version_var=$version" "$package@$version"
      mv -f "$dest.tmp/$name" "$bin"
      rmdir "$dest.tmp" 2>/dev/null || true
    fi
  fi
  printf '%s\n' "$bin"
}

# sei_go_mod_dir MODULE@VERSION: download a module zip via the Go module proxy, print its directory.
sei_go_mod_dir() {
  local json
  json=$(go mod download -json "$1") || sei_die "go mod download $1 failed: $json"
  printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

# One Kubernetes release for everything: the OpenAPI spec used by unit tests and the
# kube-apiserver / kube-controller-manager / kubectl of the e2e cluster.
SEI_KUBE_VERSION="${SEI_KUBE_VERSION:-v1.37.2}"
