# shellcheck shell=bash
# The node of the local cluster: sourced by cluster.sh, which calls node_network_up before the
# control plane (the API server listens on the node network) and node_start / node_stop after it.
#
# A node is a network namespace of its own, like a machine: several clusters (work dirs) can run at
# once without sharing iptables rules, bridges, addresses or cgroups. Slot N (1-99, the first free one,
# kept in $WORK/ports.env) gives
#   network namespace sei-e2e-N, veth pair seie2eNh (this side) / seie2eNn (node side)
#   10.213.N.1/30  this side: the API server listens here (and only here)
#   10.213.N.2     the node IP: kubelet (10250) and every host-network pod
#   10.214.N.0/24  pod addresses (CNI ptp + host-local); this side routes them to the node IP so the
#                  API server can answer pods (CoreDNS, kube-network-policies)
#   10.0.0.0/24    Service addresses (kube-proxy, iptables mode, inside the namespace); DNS is 10.0.0.10
# The namespace has no default route and this side does not forward (ip_forward stays 0): no pod packet
# can leave the machine, and an image that was not built here cannot be pulled (images.sh builds them).
#
# In the namespace (nsenter --net, same mount namespace, so kubelet's and containerd's mounts meet):
#   containerd  CRI plugin, runc with cgroupfs, restrict_oom_score_adj = true (root here lacks
#               CAP_SYS_RESOURCE, and runc fails with "can't get final child's PID from pipe: EOF" when
#               the kubelet asks for oom_score_adj -998), NRI off (its socket path is machine-wide),
#               sandbox image sei-e2e.local/pause (scripts/e2e/images/pause)
#   kubelet     v1.37, settings in kubelet_config below
#   kube-proxy  iptables mode
# and as pods: CoreDNS and kube-network-policies (scripts/e2e/addons/).
# The kubelet sets the kernel settings every node has (vm.overcommit_memory=1, kernel.panic=10,
# kernel.panic_on_oops=1): they are machine-wide, and stay after the node stops. kube-scheduler runs with the
# control plane (cluster.sh). Images: every recipe of scripts/e2e/images is built when missing and
# imported into this node's containerd (SEI_E2E_NODE_IMAGES="pause coredns ..." limits the list).

NODE_NAME=sei-e2e-node
DNS_IP=10.0.0.10
NODE_DIR="$WORK/node"
NODE_SOCK="$NODE_DIR/containerd.sock"
NODE_SLOT=""   # set by node_addresses

# node_addresses SLOT: the names and addresses of slot SLOT.
node_addresses() {
  NODE_SLOT="$1"
  NETNS="sei-e2e-$NODE_SLOT"
  VETH_HOST="seie2e${NODE_SLOT}h"
  VETH_NODE="seie2e${NODE_SLOT}n"
  HOST_IP="10.213.$NODE_SLOT.1"
  NODE_IP="10.213.$NODE_SLOT.2"
  POD_CIDR="10.214.$NODE_SLOT.0/24"
  CGROUP_PARENT="/sei-e2e-$NODE_SLOT"
}

in_node() { nsenter --net="/run/netns/$NETNS" -- "$@"; }

# node_choose_slot: the first slot whose namespace and veth do not exist (caller holds the slot lock).
node_choose_slot() {
  local n
  for ((n = 1; n < 100; n++)); do
    [[ -e "/run/netns/sei-e2e-$n" ]] && continue
    ip link show "seie2e${n}h" >/dev/null 2>&1 && continue
    node_addresses "$n"
    return 0
  done
  sei_die "no free node slot (network namespaces sei-e2e-1..99 all exist: 'cluster.sh clean' the stale ones)"
}

# node_network_up: the namespace, the veth pair, addresses and routes of this work dir's slot (the
# recorded one, else a free one); idempotent.
node_network_up() {
  [[ "$(id -u)" == 0 ]] || sei_die "the node needs root (network namespace, iptables, mounts); SEI_E2E_NODE=0 runs the control plane alone"
  # Machine-wide lock: two starts must not take the same slot.
  local fd
  mkdir -p "$SEI_CACHE/locks"
  exec {fd}>"$SEI_CACHE/locks/e2e-node-slots.lock"
  flock "$fd"
  [[ -n "$NODE_SLOT" ]] || node_choose_slot
  if [[ ! -e "/run/netns/$NETNS" ]]; then ip netns add "$NETNS"; fi
  exec {fd}>&-
  if ! ip link show "$VETH_HOST" >/dev/null 2>&1; then
    ip link add "$VETH_HOST" type veth peer name "$VETH_NODE" netns "$NETNS"
  fi
  ip addr replace "$HOST_IP/30" dev "$VETH_HOST"
  ip link set "$VETH_HOST" up
  in_node ip link set lo up
  in_node ip addr replace "$NODE_IP/30" dev "$VETH_NODE"
  in_node ip link set "$VETH_NODE" up
  # ClusterIPs need a route before kube-proxy's DNAT rewrites them; nothing else leaves the namespace.
  in_node ip route replace "$SERVICE_CIDR" via "$HOST_IP"
  ip route replace "$POD_CIDR" via "$NODE_IP" dev "$VETH_HOST"
}

node_network_down() {
  [[ -n "$NODE_SLOT" ]] || return 0
  ip route del "$POD_CIDR" 2>/dev/null || true
  if [[ -e "/run/netns/$NETNS" ]]; then ip netns del "$NETNS"; fi   # takes the veth pair with it
  # ...but not at once: the pair may still show, then be gone by the delete ("Cannot find device").
  # Gone is what we want; only a pair that stays is a failure.
  if ip link show "$VETH_HOST" >/dev/null 2>&1; then
    ip link del "$VETH_HOST" 2>/dev/null || ! ip link show "$VETH_HOST" >/dev/null 2>&1
  fi
}

# ---------------------------------------------------------------------------------------------
# configuration files

node_cgroups_up() {
  local c
  for c in /sys/fs/cgroup/*/; do
    c="${c%/}"
    [[ -f "$c/cgroup.procs" ]] || continue
    mkdir -p "$c$CGROUP_PARENT"
    if [[ -f "$c/cpuset.cpus" ]]; then
      [[ -n "$(cat "$c$CGROUP_PARENT/cpuset.cpus")" ]] || cat "$c/cpuset.cpus" >"$c$CGROUP_PARENT/cpuset.cpus"
      [[ -n "$(cat "$c$CGROUP_PARENT/cpuset.mems")" ]] || cat "$c/cpuset.mems" >"$c$CGROUP_PARENT/cpuset.mems"
    fi
  done
}

node_cgroups_down() {
  local c
  for c in /sys/fs/cgroup/*"$CGROUP_PARENT"; do
    [[ -d "$c" ]] || continue
    # Children first; only empty cgroups can go, and every pod is stopped by now.
    find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

write_containerd_config() {
  mkdir -p "$NODE_DIR/cni/net.d" "$NODE_DIR/containerd"
  local runc
  runc="$(readlink -f "$SEI_E2E_BIN/runc")"
  cat >"$NODE_DIR/containerd/config.toml" <<EOF
# Written by scripts/e2e/node.sh. Every path is this work dir's: nothing is shared with another node.
version = 4
root = "$NODE_DIR/containerd/root"
state = "$NODE_DIR/containerd/state"

[plugins.'io.containerd.server.v1.grpc']
  address = "$NODE_SOCK"
[plugins.'io.containerd.server.v1.ttrpc']
  address = "$NODE_SOCK.ttrpc"

[plugins.'io.containerd.cri.v1.runtime']
  enable_selinux = false
  # Root here lacks CAP_SYS_RESOURCE: never ask runc for an oom_score_adj below containerd's own.
  restrict_oom_score_adj = true
  # Pod network namespaces under this work dir, not in the machine-wide /var/run/netns.
  netns_mounts_under_state_dir = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$SEI_E2E_CNI_BIN"]
    conf_dir = "$NODE_DIR/cni/net.d"

[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$(image_ref pause)"

[plugins.'io.containerd.grpc.v1.cri']
  disable_tcp_service = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

# NRI's socket path is machine-wide; nothing here uses NRI.
[plugins.'io.containerd.nri.v1.nri']
  disable = true
EOF
  # ptp: one routed veth per pod, no bridge: every pod packet crosses the node's netfilter hooks.
  cat >"$NODE_DIR/cni/net.d/10-sei-e2e.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "sei-e2e",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": false,
      "mtu": 1500,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$NODE_DIR/cni/ipam"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

write_kubelet_config() {
  mkdir -p "$NODE_DIR/kubelet" "$NODE_DIR/pod-logs"
  # Pods get the cluster DNS; host-network pods and dnsPolicy Default get this file: no upstream.
  printf '# No DNS server: nothing outside the cluster is reachable from the node.\n' >"$NODE_DIR/resolv.conf"
  cat >"$NODE_DIR/kubelet.yaml" <<EOF
# Written by scripts/e2e/node.sh.
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# These machines boot cgroup v1 (hybrid: 'stat -fc %T /sys/fs/cgroup' prints tmpfs). Kubernetes
# >= 1.35 refuses to start a kubelet on cgroup v1 unless this is false.
failCgroupV1: false
# No systemd runs here: cgroups are managed as files, under a parent of this node's own.
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_PARENT
failSwapOn: false
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization:
  mode: Webhook
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: $NODE_DIR/resolv.conf
containerRuntimeEndpoint: unix://$NODE_SOCK
podLogsDir: $NODE_DIR/pod-logs
# What pods may ask for: the machine's two cores and 24 GiB less what runs beside them. The kubelet,
# containerd and kube-proxy (kubeReserved), and the control plane, PostgreSQL and the deploy tools
# (systemReserved: etcd, kube-apiserver, Terraform or OpenTofu with three providers per stack) share
# the machine with the pods; the scheduler places pods against the rest, as on a real node.
kubeReserved: { cpu: 200m, memory: 512Mi }
systemReserved: { cpu: 300m, memory: 3584Mi }
# The disk is shared with the rest of the machine: never evict pods or collect the imported images
# because of how full it is.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
serializeImagePulls: false
EOF
  cat >"$NODE_DIR/kube-proxy.yaml" <<EOF
# Written by scripts/e2e/node.sh.
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection:
  kubeconfig: $WORK/kube-proxy.kubeconfig
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Leave the machine-wide conntrack settings alone.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
}

# ---------------------------------------------------------------------------------------------
# processes

start_containerd() {
  alive containerd && return 0
  write_containerd_config
  LAUNCH_NETNS="$NETNS" launch containerd "$SEI_E2E_BIN/containerd" --config "$NODE_DIR/containerd/config.toml" --log-level warn
}

start_kubelet() {
  alive kubelet && return 0
  write_kubelet_config
  LAUNCH_NETNS="$NETNS" launch kubelet "$SEI_E2E_BIN/kubelet" \
    --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$WORK/kubelet.kubeconfig" \
    --root-dir="$NODE_DIR/kubelet" --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" --v=1
}

start_kube_proxy() {
  alive kube-proxy && return 0
  LAUNCH_NETNS="$NETNS" launch kube-proxy "$SEI_E2E_BIN/kube-proxy" --config="$NODE_DIR/kube-proxy.yaml" --v=1
}

node_ready() {
  [[ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

# shellcheck disable=SC2154 # here: the folder of cluster.sh, which sources this file
image_ref() { "$here/images.sh" ref "$1"; }

apply_addons() {
  local f
  for f in "$here"/addons/*.yaml; do
    sed -e "s|@COREDNS_IMAGE@|$(image_ref coredns)|g" -e "s|@KNP_IMAGE@|$(image_ref kube-network-policies)|g" \
      -e "s|@DNS_IP@|$DNS_IP|g" "$f" | kubectl_ apply -f - >/dev/null
  done
}

# node_start: containerd, the images, kubelet, kube-proxy, the add-ons; waits for Ready and DNS.
node_start() {
  local t0=$SECONDS
  node_cgroups_up
  start_containerd
  wait_for "containerd" containerd ctr --address "$NODE_SOCK" version
  # shellcheck disable=SC2086
  "$here/images.sh" import "$NODE_SOCK" ${SEI_E2E_NODE_IMAGES:-} >/dev/null
  start_kubelet
  start_kube_proxy
  wait_for "node $NODE_NAME Ready" "kubelet containerd" node_ready
  apply_addons
  wait_for "kube-network-policies" "kubelet" kubectl_ -n kube-system rollout status daemonset/kube-network-policies --timeout=5s
  wait_for "CoreDNS" "kubelet" kubectl_ -n kube-system rollout status deployment/coredns --timeout=5s
  sei_log "node $NODE_NAME ($NODE_IP, pods $POD_CIDR) ready in $((SECONDS - t0))s"
}

# Processes still in this node's cgroups (the containers, once their shims are gone) are this node's.
kill_node_processes() {
  local procs i
  for ((i = 0; i < 50; i++)); do
    procs="$(find "/sys/fs/cgroup/pids$CGROUP_PARENT" -name cgroup.procs -exec cat {} + 2>/dev/null || true)"
    [[ -n "$procs" ]] || return 0
    # shellcheck disable=SC2086
    kill -KILL $procs 2>/dev/null || true
    sleep 0.2
  done
  sei_log "processes left in $CGROUP_PARENT: $procs"
}

# Shims of this node that outlived containerd (they are ours: their command line names our socket).
kill_shims() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd="$( (tr '\0' ' ' <"$p/cmdline") 2>/dev/null)" || continue
    [[ "$cmd" == *containerd-shim-runc-v2* && "$cmd" == *"$NODE_SOCK"* ]] || continue
    kill -KILL "${p#/proc/}" 2>/dev/null || true
  done
}

unmount_node_dir() {
  local m
  # Deepest first; mountinfo escapes spaces as \040 (our paths have none).
  awk -v d="$NODE_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

# No pod is stopped one by one: the node goes down as a machine would. Its containers are killed with
# their cgroups, their network namespaces (under containerd's state dir) and volumes are unmounted with
# the work dir's mounts, and their veths go with the node's network namespace.
node_stop() {
  [[ -n "$NODE_SLOT" ]] || return 0
  run_steps "stop_one kube-proxy" "stop_one kubelet" "stop_one containerd" kill_shims kill_node_processes \
    unmount_node_dir node_cgroups_down node_network_down
}

node_status() {
  local n rc=0
  for n in containerd kubelet kube-proxy; do
    if alive "$n"; then echo "$n running (pid $(pid_of "$n"), network namespace $NETNS)"; else echo "$n stopped"; rc=1; fi
  done
  return $rc
}
