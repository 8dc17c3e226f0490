#!/usr/bin/env bash
# Build (once) and locate everything the end-to-end deploy test needs, then write
# $CACHE/e2e/env.sh (CACHE = ${SEI_TOOLS_CACHE:-$HOME/.cache/sei-infra}) and print it on stdout.
#
#   eval "$(scripts/e2e/toolchain.sh)"          # or: scripts/e2e/toolchain.sh >/dev/null && . "$CACHE/e2e/env.sh"
#
# Exported by env.sh:
#   TERRAFORM_BINARY_NAME   the engine: as the caller set it (`terraform`, a path), else the absolute path of
#                           the OpenTofu build (the default engine); cdktf and `sei-infra fleet` honour it
#   SEI_E2E_TERRAFORM       absolute path of that engine
#   SEI_E2E_TOFU            absolute path of the OpenTofu build, whichever engine is chosen
#   TF_CLI_CONFIG_FILE      CLI config: providers only from the filesystem mirror below, never the registry
#   SEI_E2E_PROVIDER_MIRROR the mirror (registry.terraform.io/hashicorp/{kubernetes,helm,random}/<version>/linux_amd64/,
#                           same files under registry.opentofu.org/ for OpenTofu)
#   SEI_E2E_BIN             kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl, etcd (on PATH)
#   SEI_E2E_PG_BINDIR       PostgreSQL server binaries (initdb, pg_ctl, postgres)
#   SEI_HELM, SEI_K8S_OPENAPI  from scripts/tools/helm.sh and scripts/tools/k8s-openapi.sh
#   SEI_E2E_VERSITYGW       the off-site backup store's server, from scripts/tools/versitygw.sh (cluster.sh runs it)
#   SEI_KUBE_VERSION        the Kubernetes release of the control plane and the OpenAPI spec
#   SEI_E2E_CNI_BIN         CNI plugins of the node (ptp, host-local, loopback, portmap)
#   SEI_E2E_COREDNS, SEI_E2E_KUBE_NETWORK_POLICIES  binaries that scripts/e2e/images.sh puts in images
#   (containerd, containerd-shim-runc-v2, ctr and runc are in SEI_E2E_BIN too)
#
# What it builds (Go module proxy only, go1.26, -trimpath -ldflags "-s -w", serial):
#   - providers hashicorp/kubernetes, hashicorp/helm, hashicorp/random, installed under the exact
#     versions that the pinned @cdktf/provider-* packages write into cdk.tf.json (see PROVIDERS below
#     and the provenance note there: the Go proxy here only serves newer commits of these repos).
#   - kube-apiserver, kube-controller-manager, kubectl from k8s.io/kubernetes@$SEI_KUBE_VERSION through a
#     wrapper module that replaces each k8s.io staging module with its published v0.X.Y.
#   - etcd from go.etcd.io/etcd/server/v3 through a wrapper module (its go.mod replaces ../api etc.).
#   - OpenTofu $SEI_TOFU_VERSION (default below) from github.com/opentofu/opentofu/cmd/tofu, always (the
#     default engine), through a wrapper module carrying opentofu's own replace directives.
#     TERRAFORM_BINARY_NAME=terraform picks the `terraform` on PATH instead.
#   - PostgreSQL: Debian's `postgresql` package (apt-get install) when initdb/pg_ctl are missing.
#   - kubelet, kube-proxy, kube-scheduler (with the control plane above) and what else a node needs:
#     containerd, runc, CNI plugins, CoreDNS, kube-network-policies (node-toolchain.sh says which and why).
# Re-runs only check marker files and rewrite env.sh (about a second).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tools/lib.sh
. "$here/../tools/lib.sh"

E2E="$SEI_CACHE/e2e"
SRC="$E2E/src"            # wrapper modules
BIN="$E2E/bin"            # control-plane binaries (+ tofu)
MIRROR="$E2E/providers"   # terraform filesystem mirror
mkdir -p "$E2E" "$SRC" "$BIN" "$MIRROR"

ETCD_VERSION="${SEI_ETCD_VERSION:-v3.7.3}"
TOFU_VERSION="${SEI_TOFU_VERSION:-v1.12.6}"

# PROVIDERS: name | version directory (what cdk.tf.json pins) | Go module | module version | package
#
# The versions are the ones the pinned prebuilt bindings declare (read from the npm tarballs:
# @cdktf/provider-kubernetes@12.1.1 -> 2.38.0, @cdktf/provider-helm@12.1.2 -> 3.1.1,
# @cdktf/provider-random@12.0.1 -> 3.7.2; cdktf writes that exact version into required_providers).
# Provenance: the provider repos have major versions > 1 without a /vN module suffix, so their release
# tags are not Go module versions, and the Go module proxy reachable here refuses every version of these
# modules except one commit of each default branch that it has cached. We build those commits and
# install them under the pinned version directory:
#   kubernetes: main of 2026-08-21 (CHANGELOG top: 3.2.1) - 3.x deprecates the non-_v1 resources and drops
#               kubernetes_pod_security_policy; every *_v1 resource of 2.38.0 is there unchanged.
#   helm:       main of 2026-06-29 (CHANGELOG top: 3.2.0) - 3.1.2/3.2.0 are bug fixes and dependency bumps.
#   random:     main of 2026-08-24 (CHANGELOG top: 3.9.0), module path github.com/terraform-providers/...
# Set SEI_E2E_PROVIDERS_FILE to a file with the same columns to use other sources.
PROVIDERS_DEFAULT='
kubernetes|2.38.0|github.com/hashicorp/terraform-provider-kubernetes|v1.13.4-0.20260821094251-3a33fb6cc605|github.com/hashicorp/terraform-provider-kubernetes
helm|3.1.1|github.com/hashicorp/terraform-provider-helm|v1.3.3-0.20260629194918-a4f1c1d8b008|github.com/hashicorp/terraform-provider-helm
random|3.7.2|github.com/terraform-providers/terraform-provider-random|v1.3.2-0.20260824155315-e1092b0cfc07|github.com/terraform-providers/terraform-provider-random
'
if [[ -n "${SEI_E2E_PROVIDERS_FILE:-}" ]]; then PROVIDERS="$(cat "$SEI_E2E_PROVIDERS_FILE")"; else PROVIDERS="$PROVIDERS_DEFAULT"; fi
# The Go release whose provider builds providers.lock.hcl hashes (the builds are reproducible, but only
# with the same Go): building with another one stops, unless SEI_GO_ANY_RELEASE=1 (then run
# scripts/providers-lock.ts). Change it together with providers.lock.hcl.
PROVIDERS_GO="go1.26.8"

# ---------------------------------------------------------------------------------------------
# Go helpers

# go_mod_replaces GOMOD_FILE: print its replace directives, one "OLD[@V] NEW[@V]" per line.
go_mod_replaces() {
  awk '
    { sub(/\/\/.*/, "") }
    /^replace[ \t]*\(/ { inblock = 1; next }
    inblock && /^[ \t]*\)/ { inblock = 0; next }
    /^replace[ \t]/ { sub(/^replace[ \t]+/, ""); line = $0 }
    inblock { line = $0 }
    line != "" {
      n = split(line, f, /[ \t]+/); i = 1; out = ""
      while (i <= n && f[i] == "") i++
      old = f[i++]; if (f[i] != "=>") old = old "@" f[i++]
      i++ # skip =>
      new = f[i++]; if (i <= n && f[i] != "") new = new "@" f[i]
      print old, new; line = ""
    }
  ' "$1"
}

# module_gomod MODULE@VERSION: print the path of that module's go.mod in the module cache.
module_gomod() {
  local json
  json=$(go mod download -json "$1") || sei_die "go mod download $1 failed: $json"
  printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

# build_go_mains NAME MODULE VERSION LOCAL_REPLACE_VERSION OUTDIR PKG...
# Builds main packages PKG... of MODULE@VERSION into OUTDIR. If the module's go.mod has no replace
# directives this is a plain `go install PKG@VERSION`. Otherwise a wrapper module in $SRC/NAME requires
# MODULE@VERSION and carries its replace directives; a replace to a local path (./staging/src/k8s.io/api,
# ../api) is rewritten to the published module of the same path at LOCAL_REPLACE_VERSION.
build_go_mains() {
  local name="$1" module="$2" version="$3" local_version="$4" outdir="$5"; shift 5
  local gomod replaces
  gomod="$(module_gomod "$module@$version")"
  replaces="$(go_mod_replaces "$gomod")"
  mkdir -p "$outdir"
  if [[ -z "$replaces" ]]; then
    local pkgs=() p
    for p in "$@"; do pkgs+=("$p@$version"); done
    GOBIN="$outdir" go install "${SEI_GO_BUILD_FLAGS[@]}" "${pkgs[@]}"
    return
  fi
  local w="$SRC/$name"
  rm -rf "$w" && mkdir -p "$w"
  (
    cd "$w"
    cat >go.mod <<EOF
module sei.invalid/build/$name

go $(go env GOVERSION | sed 's/^go//')
EOF
    local old new edits=()
    while read -r old new; do
      [[ -n "$old" ]] || continue
      if [[ "$new" == .* ]]; then
        [[ -n "$local_version" ]] || sei_die "$module replaces $old with local path $new; no version given"
        new="${old%@*}@$local_version"
      fi
      edits+=("-replace=$old=$new")
    done <<<"$replaces"
    go mod edit "${edits[@]}"
    sei_log "$name: wrapper module $w with ${#edits[@]} replace directive(s) from $module@$version"
    go get "$module@$version" >&2
    GOFLAGS="$GOFLAGS -mod=mod" go build "${SEI_GO_BUILD_FLAGS[@]}" -o "$outdir/" "$@"
  )
}

# ---------------------------------------------------------------------------------------------
# 1. Engine: OpenTofu, always built (the default engine); Terraform when TERRAFORM_BINARY_NAME asks for it

# `go install` refuses modules whose go.mod has replace directives (opentofu replaces hashicorp/hcl/v2
# with its fork), so build_go_mains uses a wrapper module carrying them. The release stamp is set as
# OpenTofu's own release build sets it (.goreleaser.yaml); without it the binary calls itself
# "v1.12.6-dev", and so would every fleet report. An unstamped build of an earlier toolchain is
# rebuilt and renamed over in place (a running tofu keeps its file).
tofu_dir="$BIN/tofu-$TOFU_VERSION"
tofu_stamped() { [[ -x "$tofu_dir/tofu" ]] && ! "$tofu_dir/tofu" version 2>/dev/null | grep -q '^OpenTofu v.*-dev$'; }
if ! tofu_stamped; then
  sei_lock tofu
  if ! tofu_stamped; then
    sei_go_env
    sei_log "building OpenTofu $TOFU_VERSION (5-12 min)"
    SEI_GO_BUILD_FLAGS=(-trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no")
    rm -rf "$tofu_dir.tmp"
    sei_timed "opentofu $TOFU_VERSION" build_go_mains "tofu-$TOFU_VERSION" github.com/opentofu/opentofu \
      "$TOFU_VERSION" "" "$tofu_dir.tmp" github.com/opentofu/opentofu/cmd/tofu
    SEI_GO_BUILD_FLAGS=(-trimpath -ldflags "-s -w")
    mkdir -p "$tofu_dir" && mv -f "$tofu_dir.tmp/tofu" "$tofu_dir/tofu" && rm -rf "$tofu_dir.tmp"
  fi
fi
tofu_bin="$tofu_dir/tofu"
# The engine this run verifies the mirror with; env.sh decides again from the environment it is sourced in.
case "${TERRAFORM_BINARY_NAME:-}" in
  "" | tofu) tf_bin="$tofu_bin" ;;
  */*) tf_bin="$TERRAFORM_BINARY_NAME" ;;
  *) tf_bin="$(command -v "$TERRAFORM_BINARY_NAME" || true)" ;;
esac
[[ -n "$tf_bin" && -x "$tf_bin" ]] || sei_die "TERRAFORM_BINARY_NAME=$TERRAFORM_BINARY_NAME: no such program"

# ---------------------------------------------------------------------------------------------
# 2. Providers -> filesystem mirror + CLI config

providers_changed=0
while IFS='|' read -r pname pver pmod pmodver ppkg; do
  [[ -n "$pname" ]] || continue
  pdir="$MIRROR/registry.terraform.io/hashicorp/$pname/$pver/linux_amd64"
  pbin="$pdir/terraform-provider-${pname}_v$pver"
  stamp="$pmod@$pmodver"
  if [[ -x "$pbin" && "$(cat "$pdir/.source" 2>/dev/null)" == "$stamp" ]]; then continue; fi
  sei_lock "provider-$pname"
  sei_go_env
  sei_require_go_release "$PROVIDERS_GO" "provider hashicorp/$pname (providers.lock.hcl holds the hashes of $PROVIDERS_GO builds)"
  sei_log "building provider hashicorp/$pname $pver from $stamp"
  tmp="$E2E/tmp-provider-$pname"
  rm -rf "$tmp"
  sei_timed "provider $pname ($stamp)" build_go_mains "provider-$pname" "$pmod" "$pmodver" "" "$tmp" "$ppkg"
  built=("$tmp"/*)
  [[ ${#built[@]} -eq 1 && -x "${built[0]}" ]] || sei_die "expected one binary in $tmp"
  rm -rf "$pdir" && mkdir -p "$pdir"
  mv "${built[0]}" "$pbin"
  printf '%s\n' "$stamp" >"$pdir/.source"
  rm -rf "$tmp"
  providers_changed=1
done <<<"$PROVIDERS"

# OpenTofu reads `source = "hashicorp/x"` (what cdktf writes) as registry.opentofu.org/hashicorp/x:
# mirror the same packages under that host too (hard links, no extra space; terraform ignores them).
while IFS='|' read -r pname pver _; do
  [[ -n "$pname" ]] || continue
  pdir="$MIRROR/registry.terraform.io/hashicorp/$pname/$pver/linux_amd64"
  odir="$MIRROR/registry.opentofu.org/hashicorp/$pname/$pver/linux_amd64"
  if [[ "$(cat "$odir/.source" 2>/dev/null)" != "$(cat "$pdir/.source")" ]]; then
    rm -rf "$odir" && mkdir -p "$odir"
    ln -f "$pdir/terraform-provider-${pname}_v$pver" "$odir/" 2>/dev/null || cp "$pdir/terraform-provider-${pname}_v$pver" "$odir/"
    cp "$pdir/.source" "$odir/.source"
    providers_changed=1
  fi
done <<<"$PROVIDERS"

tfrc="$E2E/terraform.rc"
tfrc_new="$(cat <<EOF
# Written by scripts/e2e/toolchain.sh: providers come only from the local filesystem mirror.
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
}
disable_checkpoint = true
EOF
)"
if [[ "$(cat "$tfrc" 2>/dev/null)" != "$tfrc_new" ]]; then
  printf '%s\n' "$tfrc_new" >"$tfrc"
  providers_changed=1
fi

# Offline check: `init` of a throwaway config pinning the three providers must resolve from the mirror.
verified="$E2E/.providers-verified"
if [[ $providers_changed == 1 || ! -f "$verified" || "$(cat "$verified")" != "$tf_bin" ]]; then
  check="$(mktemp -d /tmp/sei-tf-providers.XXXXXX)"
  {
    echo 'terraform {'
    echo '  required_providers {'
    while IFS='|' read -r pname pver _; do
      [[ -n "$pname" ]] || continue
      printf '    %s = { source = "hashicorp/%s", version = "%s" }\n' "$pname" "$pname" "$pver"
    done <<<"$PROVIDERS"
    echo '  }'
    echo '}'
  } >"$check/main.tf"
  sei_log "verifying the provider mirror with '$tf_bin init' in $check"
  if ! (cd "$check" && TF_CLI_CONFIG_FILE="$tfrc" TF_IN_AUTOMATION=1 "$tf_bin" init -input=false -no-color >"$check/init.log" 2>&1); then
    cat "$check/init.log" >&2
    sei_die "provider mirror check failed (config in $check)"
  fi
  while IFS='|' read -r pname pver _; do
    [[ -n "$pname" ]] || continue
    grep -q "hashicorp/$pname v$pver" "$check/init.log" || { cat "$check/init.log" >&2; sei_die "init did not install hashicorp/$pname v$pver"; }
  done <<<"$PROVIDERS"
  printf '%s\n' "$tf_bin" >"$verified"
  rm -rf "$check"
fi

# ---------------------------------------------------------------------------------------------
# 3. Kubernetes control plane and etcd

kube_dir="$BIN/kubernetes-$SEI_KUBE_VERSION"
# The control plane plus what a node needs (kubelet, kube-proxy) and the scheduler that places pods on it.
KUBE_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubectl)
kube_built() {
  local c
  for c in "${KUBE_COMMANDS[@]}"; do [[ -x "$kube_dir/$c" ]] || return 1; done
}
if ! kube_built; then
  sei_lock kubernetes
  if ! kube_built; then
    sei_go_env
    # Staging modules k8s.io/api etc. are published as v0.<minor>.<patch> for release v1.<minor>.<patch>.
    staging_version="v0.${SEI_KUBE_VERSION#v1.}"
    sei_log "building kube-apiserver, kube-controller-manager, kubectl $SEI_KUBE_VERSION (long: 10-20 min cold on 2 cores)"
    rm -rf "$kube_dir.tmp"
    # Version stamping like hack/lib/version.sh, so that `kubectl version` and /version are right.
    kv_pkg="k8s.io/component-base/version"
    minor="${SEI_KUBE_VERSION#v1.}"; minor="${minor%%.*}"
    SEI_GO_BUILD_FLAGS=(-trimpath -ldflags "-s -w -X $kv_pkg.gitVersion=$SEI_KUBE_VERSION -X $kv_pkg.gitMajor=1 -X $kv_pkg.gitMinor=$minor -X $kv_pkg.gitTreeState=clean -X $kv_pkg.buildDate=1970-01-01T00:00:00Z")
    sei_timed "kubernetes $SEI_KUBE_VERSION (${KUBE_COMMANDS[*]})" \
      build_go_mains "kubernetes-$SEI_KUBE_VERSION" k8s.io/kubernetes "$SEI_KUBE_VERSION" "$staging_version" "$kube_dir.tmp" \
      "${KUBE_COMMANDS[@]/#/k8s.io/kubernetes/cmd/}"
    SEI_GO_BUILD_FLAGS=(-trimpath -ldflags "-s -w")
    rm -rf "$kube_dir" && mv "$kube_dir.tmp" "$kube_dir"
  fi
fi

etcd_dir="$BIN/etcd-$ETCD_VERSION"
if [[ ! -x "$etcd_dir/etcd" ]]; then
  sei_lock etcd
  if [[ ! -x "$etcd_dir/etcd" ]]; then
    sei_go_env
    sei_log "building etcd $ETCD_VERSION from go.etcd.io/etcd/server/v3"
    rm -rf "$etcd_dir.tmp"
    sei_timed "etcd $ETCD_VERSION" build_go_mains "etcd-$ETCD_VERSION" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$ETCD_VERSION" \
      "$etcd_dir.tmp" go.etcd.io/etcd/server/v3
    # The main package of the server module is named after the module directory: rename to etcd.
    if [[ ! -x "$etcd_dir.tmp/etcd" ]]; then mv "$etcd_dir.tmp"/* "$etcd_dir.tmp/etcd"; fi
    rm -rf "$etcd_dir" && mv "$etcd_dir.tmp" "$etcd_dir"
  fi
fi

# One folder with stable names for PATH.
for f in "${KUBE_COMMANDS[@]/#/$kube_dir/}" "$etcd_dir/etcd"; do
  ln -sfn "$f" "$BIN/$(basename "$f")"
done
ln -sfn "$tofu_bin" "$BIN/tofu"

# ---------------------------------------------------------------------------------------------
# 3b. The node: container runtime, CNI plugins, cluster DNS, NetworkPolicy enforcement

# shellcheck source=node-toolchain.sh
. "$here/node-toolchain.sh"

# ---------------------------------------------------------------------------------------------
# 4. PostgreSQL (server binaries for a private instance; Debian package)

pg_bindir=""
find_pg() {
  local d
  # shellcheck disable=SC2012
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then pg_bindir="$d"; return 0; fi
  done
  return 1
}
if ! find_pg; then
  sei_log "PostgreSQL server binaries missing: apt-get install postgresql"
  command -v apt-get >/dev/null || sei_die "no apt-get: install PostgreSQL (initdb, pg_ctl, postgres) by hand"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  find_pg || sei_die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
fi
command -v psql >/dev/null || sei_log "warning: no psql client on PATH (only needed for debugging)"

# ---------------------------------------------------------------------------------------------
# 5. Helm, OpenAPI spec and versitygw (shared with unit tests), env.sh

helm_bin="$("$here/../tools/helm.sh")"
openapi_dir="$("$here/../tools/k8s-openapi.sh")"
versitygw_bin="$("$here/../tools/versitygw.sh")"

env_file="$E2E/env.sh"
env_tmp="$env_file.$$"
cat >"$env_tmp" <<EOF
# Written by scripts/e2e/toolchain.sh; source it.
export SEI_E2E_TOFU='$tofu_bin'
# The engine: the caller's TERRAFORM_BINARY_NAME (terraform, a path), else OpenTofu.
if [ -z "\${TERRAFORM_BINARY_NAME:-}" ] || [ "\$TERRAFORM_BINARY_NAME" = tofu ]; then export TERRAFORM_BINARY_NAME='$tofu_bin'; fi
SEI_E2E_TERRAFORM="\$(command -v "\$TERRAFORM_BINARY_NAME")"; export SEI_E2E_TERRAFORM
export TF_CLI_CONFIG_FILE='$tfrc'
export SEI_E2E_PROVIDER_MIRROR='$MIRROR'
export SEI_E2E_BIN='$BIN'
export SEI_E2E_PG_BINDIR='$pg_bindir'
export SEI_HELM='$helm_bin'
export SEI_K8S_OPENAPI='$openapi_dir'
export SEI_E2E_VERSITYGW='$versitygw_bin'
export SEI_KUBE_VERSION='$SEI_KUBE_VERSION'
export SEI_E2E_CNI_BIN='$cni_dir'
export SEI_E2E_COREDNS='$coredns_dir/coredns'
export SEI_E2E_KUBE_NETWORK_POLICIES='$knp_dir/kube-network-policies'
export CHECKPOINT_DISABLE=1
case ":\$PATH:" in *":$BIN:"*) ;; *) export PATH='$BIN':"\$PATH" ;; esac
EOF
mv -f "$env_tmp" "$env_file"
cat "$env_file"
