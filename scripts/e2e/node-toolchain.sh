# shellcheck shell=bash
# What a node of the local cluster needs besides kubelet, kube-proxy and kube-scheduler (which
# toolchain.sh builds with the control plane). Sourced by toolchain.sh, after its Go helpers; each
# part is built once into $BIN/<name>-<version>/ and only checked (a file test) afterwards.
#
#   containerd  v2.4.2  github.com/containerd/containerd/v2 (containerd, containerd-shim-runc-v2, ctr),
#                       CGO off. The CRI plugin is built in. Debian's containerd is 1.6, which is past
#                       its end of life and outside the range Kubernetes 1.37 supports.
#   runc        v1.5.3  github.com/opencontainers/runc, CGO on with libseccomp (Debian libseccomp-dev):
#                       the "restricted" Pod Security level requires the RuntimeDefault seccomp profile.
#                       Debian's runc (1.1.5) predates the 2025 container-escape fixes.
#   CNI plugins v1.10.0 github.com/containernetworking/plugins: ptp, host-local, loopback, portmap.
#                       ptp (a routed veth per pod, no bridge) makes every pod packet cross the node's
#                       IP netfilter hooks, where the policy engine below sees it.
#   CoreDNS     v1.15.0 github.com/coredns/coredns through a wrapper main that links only the plugins
#                       cluster DNS uses (the stock build pulls in every cloud SDK: slower to build).
#   NetworkPolicy enforcement: sigs.k8s.io/kube-network-policies v0.8.0 (Kubernetes SIG Network).
#                       Why this one: kube-router is served only at v2.1.0, which has reported security
#                       flaws; Calico and Cilium are not served as Go modules and are far larger. Why a
#                       patch: it sends new pod connections to user space with the nftables `queue`
#                       expression, and this kernel has no nft_queue (CONFIG_NFT_QUEUE is off, no
#                       loadable modules). It does have nft_compat and the xtables NFQUEUE target
#                       (CONFIG_NFT_COMPAT, CONFIG_NETFILTER_XT_TARGET_NFQUEUE), which hand packets to
#                       the same nfnetlink queue. The build copies the module and replaces each
#                       `expr.Queue` by that target (kube-network-policies-nfqueue.go below); the
#                       policy evaluation itself is upstream code, unchanged.
# Debian packages (apt-get install when missing): iptables and conntrack (kube-proxy's iptables mode), jq,
# libseccomp-dev (runc), mmdebstrap (image root file systems, scripts/e2e/images.sh), gcc/libc6-dev.

CONTAINERD_VERSION="${SEI_CONTAINERD_VERSION:-v2.4.2}"
RUNC_VERSION="${SEI_RUNC_VERSION:-v1.5.3}"
CNI_PLUGINS_VERSION="${SEI_CNI_PLUGINS_VERSION:-v1.10.0}"
COREDNS_VERSION="${SEI_COREDNS_VERSION:-v1.15.0}"
KNP_VERSION="${SEI_KNP_VERSION:-v0.8.0}"

# Debian packages: command -> package.
node_debian_packages() {
  local missing=() pair
  for pair in iptables-restore:iptables conntrack:conntrack mmdebstrap:mmdebstrap jq:jq gcc:gcc nsenter:util-linux ip:iproute2; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [[ -f /usr/include/seccomp.h ]] || missing+=(libseccomp-dev)
  [[ -f /usr/lib/x86_64-linux-gnu/libc.a || -f /usr/lib/libc.a ]] || missing+=(libc6-dev)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || sei_die "no apt-get: install ${missing[*]} by hand"
  sei_log "node: apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# node_build NAME DIR FILE... : run the rest of the arguments (a build into DIR.tmp) unless every FILE
# exists in DIR; under a lock, timed, then DIR.tmp becomes DIR.
node_built() {
  local dir="$1" f; shift
  for f in "$@"; do [[ -x "$dir/$f" ]] || return 1; done
}
node_build() {
  local name="$1" dir="$2"; shift 2
  local files=()
  while [[ "$1" != -- ]]; do files+=("$1"); shift; done
  shift
  node_built "$dir" "${files[@]}" && return 0
  sei_lock "$name"
  node_built "$dir" "${files[@]}" && return 0
  sei_go_env
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  sei_log "building $name (${files[*]})"
  sei_timed "$name" "$@"
  node_built "$dir.tmp" "${files[@]}" || sei_die "$name: the build did not produce ${files[*]} in $dir.tmp"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

build_containerd() {
  local v="$1" out="$2"
  local SEI_GO_BUILD_FLAGS=(-trimpath -ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$v")
  build_go_mains "containerd-$v" github.com/containerd/containerd/v2 "$v" "" "$out" \
    github.com/containerd/containerd/v2/cmd/containerd \
    github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/v2/cmd/ctr
}

build_runc() {
  local v="$1" out="$2"
  # runc's nsenter is C: cgo is required. Its Makefile builds with the seccomp tag, as here.
  local SEI_GO_BUILD_FLAGS=(-trimpath -tags "seccomp urfave_cli_no_docs" -ldflags "-s -w -X main.version=${v#v}")
  local -x CGO_ENABLED=1
  build_go_mains "runc-$v" github.com/opencontainers/runc "$v" "" "$out" github.com/opencontainers/runc
}

build_cni_plugins() {
  local v="$1" out="$2" m=github.com/containernetworking/plugins
  build_go_mains "cni-plugins-$v" "$m" "$v" "" "$out" \
    "$m/plugins/main/ptp" "$m/plugins/main/loopback" "$m/plugins/ipam/host-local" "$m/plugins/meta/portmap"
}

# CoreDNS with the plugins of a cluster DNS only. Directive order stays the stock one
# (core/dnsserver/zdirectives.go); importing a plugin package registers it.
build_coredns() {
  local v="$1" out="$2"
  local w="$SRC/coredns-$v"
  rm -rf "$w" && mkdir -p "$w"
  cat >"$w/main.go" <<'EOF'
// CoreDNS with only the plugins a cluster DNS needs. Written by scripts/e2e/node-toolchain.sh.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
	_ "github.com/coredns/coredns/plugin/template"
)

func main() { coremain.Run() }
EOF
  (
    cd "$w" || exit 1
    printf 'module sei.invalid/build/coredns\n\ngo %s\n' "$(go env GOVERSION | sed 's/^go//')" >go.mod
    go get "github.com/coredns/coredns@$v" >&2
    GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath \
      -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$v" -o "$out/coredns" .
  )
}

# kube-network-policies with its nftables `queue` statements replaced by the xtables NFQUEUE target
# (see the header). The copy of the module is its own main module: its go.sum pins every dependency.
build_kube_network_policies() {
  local v="$1" out="$2" dir
  local w="$SRC/kube-network-policies-$v"
  dir="$(sei_go_mod_dir "sigs.k8s.io/kube-network-policies@$v")"
  [[ -n "$dir" ]] || sei_die "go mod download sigs.k8s.io/kube-network-policies@$v failed"
  rm -rf "$w" && cp -r "$dir" "$w" && chmod -R u+w "$w"
  local controller="$w/pkg/networkpolicy/controller.go"
  # Each queue verdict is built as `&expr.Queue{Num: uint16(...)}` and given the bypass flag when
  # failing open; the helper takes both.
  perl -0pi -e 's/queue := &expr\.Queue\{Num: uint16\(c\.config\.QueueID\)\}\n\tif c\.config\.FailOpen \{\n\t\tqueue\.Flag = expr\.QueueFlagBypass\n\t\}/queue := nfqueueTarget(c.config.QueueID, c.config.FailOpen)/g' "$controller"
  local left
  left="$(grep -c 'expr\.Queue{' "$controller" || true)"
  [[ "$left" == 0 && "$(grep -c 'nfqueueTarget(' "$controller")" -ge 2 ]] ||
    sei_die "kube-network-policies $v: the queue statements of $controller are not where the patch expects them"
  cat >"$w/pkg/networkpolicy/nfqueue_target.go" <<'EOF'
// Added by scripts/e2e/node-toolchain.sh: the kernel of the e2e machines has no nft_queue, but has
// nft_compat with the xtables NFQUEUE target, which feeds the same nfnetlink queue.
package networkpolicy

import (
	"encoding/binary"

	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
)

// nfqueueTarget is `-j NFQUEUE --queue-num id [--queue-bypass]` (struct xt_NFQ_info_v3, padded to 8 bytes).
func nfqueueTarget(id int, bypass bool) *expr.Target {
	info := make(xt.Unknown, 8)
	binary.NativeEndian.PutUint16(info[0:], uint16(id))
	binary.NativeEndian.PutUint16(info[2:], 1) // queues_total
	if bypass {
		binary.NativeEndian.PutUint16(info[4:], 1) // NFQ_FLAG_BYPASS
	}
	return &expr.Target{Name: "NFQUEUE", Rev: 3, Info: &info}
}
EOF
  (cd "$w" && GOFLAGS="$GOFLAGS -mod=mod" go build "${SEI_GO_BUILD_FLAGS[@]}" -o "$out/kube-network-policies" ./cmd)
}

node_debian_packages
containerd_dir="$BIN/containerd-$CONTAINERD_VERSION"
runc_dir="$BIN/runc-$RUNC_VERSION"
cni_dir="$BIN/cni-plugins-$CNI_PLUGINS_VERSION"
coredns_dir="$BIN/coredns-$COREDNS_VERSION"
knp_dir="$BIN/kube-network-policies-$KNP_VERSION"
node_build "containerd $CONTAINERD_VERSION" "$containerd_dir" containerd containerd-shim-runc-v2 ctr -- \
  build_containerd "$CONTAINERD_VERSION" "$containerd_dir.tmp"
node_build "runc $RUNC_VERSION" "$runc_dir" runc -- build_runc "$RUNC_VERSION" "$runc_dir.tmp"
node_build "CNI plugins $CNI_PLUGINS_VERSION" "$cni_dir" ptp loopback host-local portmap -- \
  build_cni_plugins "$CNI_PLUGINS_VERSION" "$cni_dir.tmp"
node_build "CoreDNS $COREDNS_VERSION" "$coredns_dir" coredns -- build_coredns "$COREDNS_VERSION" "$coredns_dir.tmp"
node_build "kube-network-policies $KNP_VERSION" "$knp_dir" kube-network-policies -- \
  build_kube_network_policies "$KNP_VERSION" "$knp_dir.tmp"

# Stable names on PATH (containerd also finds its shim there).
for f in "$containerd_dir"/{containerd,containerd-shim-runc-v2,ctr} "$runc_dir/runc"; do
  ln -sfn "$f" "$BIN/$(basename "$f")"
done
