#!/usr/bin/env bash
# A throwaway Kubernetes cluster (control plane and one node) and PostgreSQL for the end-to-end tests,
# reachable from this machine only.
#
#   scripts/e2e/cluster.sh start    # idempotent: starts what is not running, waits for /readyz
#   eval "$(scripts/e2e/cluster.sh env)"
#   scripts/e2e/cluster.sh status
#   scripts/e2e/cluster.sh stop     # kills the recorded pids, then anything naming the work dir (data kept)
#   scripts/e2e/cluster.sh survivors  # lists processes naming the work dir; exit 1 if any
#   scripts/e2e/cluster.sh clean    # stop, then delete the work dir
# `start` waits at most SEI_E2E_START_TIMEOUT (120) s per step; on failure it prints the log tail,
# exits 1 and leaves what it started running: call `stop` (or `clean`).
#
# Work dir: ${SEI_E2E_WORK:-/tmp/sei-e2e} (pki/, etcd/, pg/, node/, logs/, pids/, kubeconfig).
# Ports: SEI_E2E_API_PORT=56443 (on the node network's 10.213.N.1, see node.sh; 127.0.0.1 with
# SEI_E2E_NODE=0), and on 127.0.0.1 SEI_E2E_ETCD_PORT=52379 (peer +1), SEI_E2E_KCM_PORT=50257,
# SEI_E2E_PG_PORT=55432; the backup store on the API server's address, SEI_E2E_STORE_PORT=57070. A default port that is taken when `start` starts from nothing (e.g. another
# work dir's cluster) is moved to a free one; the ports and the node slot of a work dir are kept in
# $WORK/ports.env and used by `env`. Several clusters can run at once with different SEI_E2E_WORK.
#
# What runs: etcd, kube-apiserver (RBAC,Node authorization; NamespaceLifecycle, LimitRanger,
# ServiceAccount, ResourceQuota, PodSecurity and the other default admission plugins),
# kube-controller-manager (namespace deletion, resource quota status, service accounts and their
# tokens, garbage collection, kube-root-ca.crt, ...), kube-scheduler, a private PostgreSQL with
# database terraform_backend (trust auth on 127.0.0.1) for the Terraform `pg` backend, and one node
# (node.sh: containerd, kubelet, kube-proxy, CoreDNS, NetworkPolicy enforcement, images built here),
# and, outside the cluster as a real one is in another failure domain, the off-site backup store: a
# versitygw over HTTPS (backup-store.sh).
# Pods run; images come only from scripts/e2e/images (`images.sh ref NAME` names them). What does not
# run: a storage provisioner (volumes are PersistentVolumes the tests create, e.g. hostPath) and an
# ingress controller. SEI_E2E_NODE=0 starts the control plane without the node (and without root):
# then pods stay Pending and Services get no endpoints.
#
# `env` prints: KUBECONFIG and KUBE_CONFIG_PATH (read by the Terraform kubernetes/helm providers),
# KUBE_CTX=sei-e2e, SEI_E2E_PG_CONN and PG_CONN_STR (read by the Terraform pg backend), SEI_E2E_WORK,
# SEI_E2E_HOST_IP (this machine's address on the node network: pods reach it, nothing else does; the
# end-to-end suite's stand-in mail relay listens there), the backup store's SEI_E2E_BACKUP_STORE_ENDPOINT,
# _CIDR and _CA and its administrator's key (backup-store.sh), and the toolchain variables (see toolchain.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tools/lib.sh
. "$here/../tools/lib.sh"

WORK="${SEI_E2E_WORK:-/tmp/sei-e2e}"
PORTS_FILE="$WORK/ports.env"   # ports of this work dir's instance, written by `start`
# Port precedence: SEI_E2E_*_PORT from the environment, else $PORTS_FILE, else the default; `start`
# moves a default (not an explicit) port that is taken to the next free one and records it.
rec_api="" rec_etcd="" rec_kcm="" rec_pg="" rec_slot="" rec_store=""
# shellcheck disable=SC1090
if [[ -f "$PORTS_FILE" ]]; then . "$PORTS_FILE"; fi
API_PORT="${SEI_E2E_API_PORT:-${rec_api:-56443}}"
ETCD_PORT="${SEI_E2E_ETCD_PORT:-${rec_etcd:-52379}}"
KCM_PORT="${SEI_E2E_KCM_PORT:-${rec_kcm:-50257}}"
PG_PORT="${SEI_E2E_PG_PORT:-${rec_pg:-55432}}"
START_TIMEOUT="${SEI_E2E_START_TIMEOUT:-120}"
PKI="$WORK/pki"
LOGS="$WORK/logs"
PIDS="$WORK/pids"
KUBECONFIG_FILE="$WORK/kubeconfig"
PG_DB=terraform_backend
pg_conn() { echo "postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable"; }
SERVICE_CIDR=10.0.0.0/24   # ClusterIPs; kube-proxy on the node routes them
NODE_ENABLED="${SEI_E2E_NODE:-1}"

# shellcheck source=node.sh
. "$here/node.sh"
if [[ -n "$rec_slot" ]]; then node_addresses "$rec_slot"; fi
# The API server's address: the node network's when there is a node (pods and kubelet reach it there).
api_addr() { if [[ "$NODE_ENABLED" == 1 && -n "$NODE_SLOT" ]]; then echo "$HOST_IP"; else echo 127.0.0.1; fi; }
# shellcheck source=backup-store.sh
. "$here/backup-store.sh"

toolchain_env() {
  # Fast when built (only marker checks); builds everything on first use.
  eval "$("$here/toolchain.sh")"
}

# ---------------------------------------------------------------------------------------------
# processes

lockfd=""        # set by cmd_start: this work dir's start lock
ports_lockfd=""  # set by cmd_start: the machine-wide lock held while ports are chosen and bound

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }

# running PID: the process exists and is not a zombie (our daemons are reparented to pid 1, which may
# reap them late).
running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

# alive NAME: the recorded pid runs and is still the binary we started (guards against pid reuse).
alive() {
  local pid exe
  pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && running "$pid" || return 1
  exe="$(cat "$PIDS/$1.exe" 2>/dev/null || true)"
  [[ -z "$exe" ]] && return 0
  [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$exe")" ]]
}

# launch NAME BINARY ARGS...: start in the background in its own session (survives this shell),
# log to $LOGS/NAME.log, record its pid. LAUNCH_AS=user runs it as that user (setpriv execs, same pid);
# LAUNCH_NETNS=name runs it in that network namespace (nsenter execs, same pid).
launch() {
  local name="$1" bin="$2"; shift 2
  local prefix=()
  if [[ -n "${LAUNCH_AS:-}" ]]; then
    prefix=(setpriv --reuid="$LAUNCH_AS" --regid="$(id -g "$LAUNCH_AS")" --clear-groups --)
  fi
  if [[ -n "${LAUNCH_NETNS:-}" ]]; then
    prefix=(nsenter --net="/run/netns/$LAUNCH_NETNS" --)
  fi
  mkdir -p "$LOGS" "$PIDS"
  rm -f "$PIDS/$name.pid"
  readlink -f "$bin" >"$PIDS/$name.exe"
  # The inner shell writes its own pid, then execs (through setpriv) into the binary: same pid.
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDS/$name.pid" "${prefix[@]}" "$bin" "$@" \
    >>"$LOGS/$name.log" 2>&1 </dev/null {lockfd}>&- {ports_lockfd}>&- &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$PIDS/$name.pid" ]] && break; sleep 0.1; done
  [[ -s "$PIDS/$name.pid" ]] || sei_die "could not start $name"
  sei_log "started $name (pid $(pid_of "$name")), log $LOGS/$name.log"
}

log_tail() {
  local f
  for f in "$@"; do
    [[ -f "$LOGS/$f.log" ]] || continue
    echo "----- last lines of $LOGS/$f.log -----" >&2
    tail -n 25 "$LOGS/$f.log" >&2
  done
}

# wait_for DESCRIPTION LOGNAMES CMD...: poll CMD until it succeeds, at most START_TIMEOUT seconds.
wait_for() {
  local what="$1" logs="$2"; shift 2
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      # shellcheck disable=SC2086
      log_tail $logs
      sei_die "timed out after ${START_TIMEOUT}s waiting for $what"
    fi
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

# choose_ports: when nothing of this work dir runs, move each port that was not set explicitly and is
# taken (another work dir's cluster, another service) to the next free one; record them in $PORTS_FILE.
choose_ports() {
  local n any=0
  for n in postgres etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy backup-store; do
    alive "$n" && any=1
  done
  if [[ $any == 0 ]]; then
    free_port() { # VAR EXPLICIT WIDTH [HOST]: bump ${!VAR} until WIDTH consecutive ports are free
      local var="$1" explicit="$2" width="$3" host="${4:-127.0.0.1}" p i ok
      p="${!var}"
      [[ -n "$explicit" ]] && return 0
      for ((i = 0; i < 200; i++, p += 2)); do
        ok=1
        for ((n = 0; n < width; n++)); do port_open $((p + n)) "$host" && ok=0; done
        [[ $ok == 1 ]] && break
      done
      [[ "$p" != "${!var}" ]] && sei_log "port ${!var} is taken: using $p for $var"
      printf -v "$var" '%s' "$p"
    }
    free_port PG_PORT "${SEI_E2E_PG_PORT:-}" 1
    free_port ETCD_PORT "${SEI_E2E_ETCD_PORT:-}" 2
    free_port API_PORT "${SEI_E2E_API_PORT:-}" 1 "$(api_addr)"
    free_port KCM_PORT "${SEI_E2E_KCM_PORT:-}" 1
    free_port STORE_PORT "${SEI_E2E_STORE_PORT:-}" 1 "$(store_addr)"
  fi
  printf 'rec_api=%s\nrec_etcd=%s\nrec_kcm=%s\nrec_pg=%s\nrec_slot=%s\nrec_store=%s\n' "$API_PORT" "$ETCD_PORT" "$KCM_PORT" "$PG_PORT" \
    "$NODE_SLOT" "$STORE_PORT" >"$PORTS_FILE"
}

# ---------------------------------------------------------------------------------------------
# certificates and kubeconfigs

gen_pki() {
  mkdir -p "$PKI"
  cd "$PKI"
  if [[ ! -f ca.crt ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
    openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=sei-e2e-ca" -out ca.crt \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
    rm -f apiserver.crt admin.crt kcm.crt
  fi
  if [[ ! -f sa.key ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out sa.key 2>/dev/null
    openssl ec -in sa.key -pubout -out sa.pub 2>/dev/null
  fi
  # cert NAME SUBJECT EXTENSIONS [IP]: (re)made when missing, or when it does not name IP.
  cert() {
    if [[ -f "$1.crt" ]] && { [[ -z "${4:-}" ]] || openssl x509 -in "$1.crt" -noout -checkip "$4" | grep -q 'does match'; }; then
      return 0
    fi
    openssl ecparam -name prime256v1 -genkey -noout -out "$1.key" 2>/dev/null
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    printf '%s\n' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 3650 \
      -extfile "$1.ext" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
  }
  cert apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$(api_addr),DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.0.0.1" "$(api_addr)"
  cert admin "/O=system:masters/CN=sei-e2e-admin" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  cert kcm "/CN=system:kube-controller-manager" "$client"
  cert scheduler "/CN=system:kube-scheduler" "$client"
  if [[ "$NODE_ENABLED" == 1 ]]; then
    cert node "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
    cert kube-proxy "/CN=system:kube-proxy" "$client"
    cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
    cert kubelet "/CN=$NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME" "$NODE_IP"
  fi
  chmod 600 ./*.key
  cd - >/dev/null
}

# kubeconfig FILE USER: kubeconfig with embedded certificates, context sei-e2e.
write_kubeconfig() {
  local file="$1" user="$2"
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: sei-e2e
  cluster:
    server: https://$(api_addr):$API_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$user.crt")
    client-key-data: $(base64 -w0 "$PKI/$user.key")
contexts:
- name: sei-e2e
  context:
    cluster: sei-e2e
    user: $user
current-context: sei-e2e
EOF
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}

# ---------------------------------------------------------------------------------------------
# components

start_etcd() {
  alive etcd && return 0
  port_open "$ETCD_PORT" && sei_die "127.0.0.1:$ETCD_PORT is taken by another process (set SEI_E2E_ETCD_PORT)"
  mkdir -p "$WORK/etcd" && chmod 700 "$WORK/etcd"
  launch etcd "$SEI_E2E_BIN/etcd" \
    --name sei-e2e --data-dir "$WORK/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "sei-e2e=http://127.0.0.1:$((ETCD_PORT + 1))" \
    --unsafe-no-fsync --quota-backend-bytes $((2 * 1024 * 1024 * 1024)) --log-level warn
}

start_apiserver() {
  alive kube-apiserver && return 0
  local addr
  addr="$(api_addr)"
  port_open "$API_PORT" "$addr" && sei_die "$addr:$API_PORT is taken by another process (set SEI_E2E_API_PORT)"
  local node_flags=(--endpoint-reconciler-type=none) # no node: the Endpoints API rejects a loopback address
  if [[ "$NODE_ENABLED" == 1 ]]; then
    # The `kubernetes` Service points at $addr (pods reach it through kube-proxy); the API server dials
    # the kubelet at the node's InternalIP and checks its certificate.
    node_flags=(--kubelet-preferred-address-types=InternalIP --kubelet-certificate-authority="$PKI/ca.crt"
      --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key")
  fi
  launch kube-apiserver "$SEI_E2E_BIN/kube-apiserver" \
    --bind-address="$addr" --advertise-address="$addr" --secure-port="$API_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=RBAC,Node \
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,PodSecurity \
    "${node_flags[@]}" \
    --allow-privileged=true --profiling=false --v=1
}

start_kcm() {
  alive kube-controller-manager && return 0
  port_open "$KCM_PORT" && sei_die "127.0.0.1:$KCM_PORT is taken by another process (set SEI_E2E_KCM_PORT)"
  launch kube-controller-manager "$SEI_E2E_BIN/kube-controller-manager" \
    --kubeconfig="$WORK/kcm.kubeconfig" \
    --authentication-kubeconfig="$WORK/kcm.kubeconfig" --authorization-kubeconfig="$WORK/kcm.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
    --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --profiling=false --v=1
}

start_scheduler() {
  alive kube-scheduler && return 0
  # --secure-port=0: no health endpoint, so no port to share with other clusters on this machine.
  launch kube-scheduler "$SEI_E2E_BIN/kube-scheduler" \
    --kubeconfig="$WORK/scheduler.kubeconfig" \
    --authentication-kubeconfig="$WORK/scheduler.kubeconfig" --authorization-kubeconfig="$WORK/scheduler.kubeconfig" \
    --secure-port=0 --leader-elect=false --profiling=false --v=1
}

# PostgreSQL refuses to run as root: as root, run it as the `postgres` (else `nobody`) user.
pg_user() {
  if [[ "$(id -u)" != 0 ]]; then id -un; elif id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then setpriv --reuid="$(pg_user)" --regid="$(id -g "$(pg_user)")" --clear-groups -- "$@"; else "$@"; fi
}

start_postgres() {
  alive postgres && return 0
  port_open "$PG_PORT" && sei_die "127.0.0.1:$PG_PORT is taken by another process (set SEI_E2E_PG_PORT)"
  local data="$WORK/pg" sock="$WORK/pg-socket"
  mkdir -p "$sock" "$LOGS"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    rm -rf "$data" && mkdir -p "$data"
    if [[ "$(id -u)" == 0 ]]; then chown "$(pg_user)" "$data" "$sock"; fi
    chmod 700 "$data"
    if [[ "$(id -u)" == 0 ]]; then
      # The work dir may be a `mktemp -d` (mode 700): let the postgres user traverse it (search bit only).
      chmod o+x "$WORK"
      as_pg test -w "$data" ||
        sei_die "user $(pg_user) cannot reach $data: every parent directory of SEI_E2E_WORK=$WORK needs o+x (a work dir under /tmp works)"
    fi
    as_pg "$SEI_E2E_PG_BINDIR/initdb" -D "$data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 \
      >"$LOGS/initdb.log" 2>&1 || { log_tail initdb; sei_die "initdb failed"; }
  fi
  if [[ "$(id -u)" == 0 ]]; then chown "$(pg_user)" "$sock"; touch "$LOGS/postgres.log"; chown "$(pg_user)" "$LOGS/postgres.log"; fi
  local as=""
  if [[ "$(id -u)" == 0 ]]; then as="$(pg_user)"; fi
  LAUNCH_AS="$as" launch postgres "$SEI_E2E_PG_BINDIR/postgres" -D "$data" -p "$PG_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories="$sock" \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off
}

ensure_pg_db() {
  wait_for "PostgreSQL on 127.0.0.1:$PG_PORT" postgres "$SEI_E2E_PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
  if ! "$SEI_E2E_PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "select 1 from pg_database where datname = '$PG_DB'" | grep -q 1; then
    "$SEI_E2E_PG_BINDIR/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB"
  fi
}

kubectl_() { "$SEI_E2E_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# ---------------------------------------------------------------------------------------------
# commands

cmd_start() {
  local t0=$SECONDS
  toolchain_env
  mkdir -p "$WORK" "$LOGS" "$PIDS"
  # Serialise concurrent `start`s. launch closes this fd for the daemons, or they would hold the lock.
  exec {lockfd}>"$WORK/.lock"
  flock "$lockfd"
  # Clusters of other work dirs: one chooses and binds its ports at a time, or two would take the same.
  mkdir -p "$SEI_CACHE/locks"
  exec {ports_lockfd}>"$SEI_CACHE/locks/e2e-cluster-ports.lock"
  flock "$ports_lockfd"
  if [[ "$NODE_ENABLED" == 1 ]]; then node_network_up; fi
  choose_ports
  gen_pki
  write_kubeconfig "$KUBECONFIG_FILE" admin
  write_kubeconfig "$WORK/kcm.kubeconfig" kcm
  write_kubeconfig "$WORK/scheduler.kubeconfig" scheduler
  if [[ "$NODE_ENABLED" == 1 ]]; then
    write_kubeconfig "$WORK/kubelet.kubeconfig" node
    write_kubeconfig "$WORK/kube-proxy.kubeconfig" kube-proxy
  fi

  start_postgres
  store_start
  start_etcd
  wait_for "etcd on 127.0.0.1:$ETCD_PORT" etcd curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  start_apiserver
  wait_for "kube-apiserver /readyz" kube-apiserver kubectl_ get --raw /readyz
  start_kcm
  # The service-account controller of kube-controller-manager creates `default` in each namespace.
  wait_for "kube-controller-manager (serviceaccount default/default)" kube-controller-manager \
    kubectl_ -n default get serviceaccount default
  exec {ports_lockfd}>&-
  start_scheduler
  ensure_pg_db
  if [[ "$NODE_ENABLED" == 1 ]]; then node_start; fi
  sei_log "cluster ready in $((SECONDS - t0))s: KUBECONFIG=$KUBECONFIG_FILE, $(pg_conn)"
}

# stop_one NAME [SIGNAL] [GRACE]: signal (TERM), wait up to GRACE (10) seconds, then SIGKILL.
stop_one() {
  local name="$1" sig="${2:-TERM}" grace="${3:-10}" pid
  pid="$(pid_of "$name")"
  [[ -n "$pid" ]] || return 0
  if alive "$name"; then
    kill -s "$sig" "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < grace * 10; i++)); do running "$pid" || break; sleep 0.1; done
    if running "$pid"; then
      sei_log "$name (pid $pid) still running after ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sei_log "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid" "$PIDS/$name.exe"
}

# run_steps STEP...: runs every step (a command and its words) even when one fails, then fails if
# any did. A stop that gave up at its first error left kube-controller-manager and kube-scheduler
# running, holding the ports the next cluster wanted.
run_steps() {
  local step rc=0
  for step in "$@"; do
    # errexit does not reach into a command on the left of ||: each step runs to its end.
    # shellcheck disable=SC2086
    $step || { rc=1; sei_log "stop: '$step' failed; stopping the rest anyway"; }
  done
  return $rc
}

# The programs a cluster runs; with the work dir on their command line, a process is this cluster's.
DAEMONS=" etcd kube-apiserver kube-controller-manager kube-scheduler postgres containerd containerd-shim-runc-v2 kubelet kube-proxy versitygw "

# survivors: the cluster's daemons still running, one "pid command" a line: a process of one of the
# DAEMONS whose command line names this work dir (every daemon takes its files from there; the
# node's shims name its socket). A `tail -f` of a log there is not a daemon and is left alone.
survivors() {
  local p cmd exe
  for p in /proc/[0-9]*; do
    cmd="$( (tr '\0' ' ' <"$p/cmdline") 2>/dev/null)" || continue
    [[ "$cmd" == *"$WORK/"* ]] || continue
    exe="$(readlink "$p/exe" 2>/dev/null)" || continue
    [[ "$DAEMONS" == *" ${exe##*/} "* ]] && running "${p#/proc/}" && echo "${p#/proc/} $cmd"
  done
  return 0
}

# kill_survivors: SIGKILL what a step could not stop (a lost pid file, an earlier stop cut short);
# fails, naming them, when any is still there.
kill_survivors() {
  local left pid _
  left="$(survivors)"
  [[ -n "$left" ]] || return 0
  sei_log "still running after the stop, killed: $left"
  while read -r pid _; do kill -KILL "$pid" 2>/dev/null || true; done <<<"$left"
  sleep 0.5
  left="$(survivors)"
  [[ -z "$left" ]] || { sei_log "still running: $left"; return 1; }
}

cmd_stop() {
  [[ -d "$PIDS" ]] || return 0
  # Stopping, the API server tries to delete its identity lease through its own listener, already
  # closed, and waits 10 s for that; its state is in etcd, so there is nothing to lose in not waiting.
  run_steps node_stop \
    "stop_one kube-scheduler" \
    "stop_one kube-controller-manager" \
    "stop_one kube-apiserver TERM 3" \
    "stop_one etcd" \
    "stop_one postgres INT" \
    "stop_one backup-store" \
    kill_survivors
}

# cmd_survivors: exit 1, listing them, when a process of this work dir runs (after `stop`: none may).
cmd_survivors() {
  local left
  left="$(survivors)"
  [[ -z "$left" ]] || { echo "$left"; return 1; }
}

cmd_status() {
  local n rc=0
  for n in postgres etcd kube-apiserver kube-controller-manager kube-scheduler backup-store; do
    if alive "$n"; then echo "$n running (pid $(pid_of "$n"))"; else echo "$n stopped"; rc=1; fi
  done
  if [[ "$NODE_ENABLED" == 1 ]]; then node_status || rc=1; fi
  return $rc
}

cmd_env() {
  local f="$SEI_CACHE/e2e/env.sh"
  [[ -f "$f" ]] && cat "$f"
  cat <<EOF
export SEI_E2E_WORK='$WORK'
export KUBECONFIG='$KUBECONFIG_FILE'
export KUBE_CONFIG_PATH='$KUBECONFIG_FILE'
export KUBE_CTX='sei-e2e'
export SEI_E2E_PG_CONN='$(pg_conn)'
export PG_CONN_STR='$(pg_conn)'
export SEI_E2E_NODE_SOCK='$NODE_SOCK'
export SEI_E2E_HOST_IP='${HOST_IP:-}'
EOF
  store_env
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  survivors) cmd_survivors ;;
  status) cmd_status ;;
  env) cmd_env ;;
  clean) cmd_stop; rm -rf "$WORK" ;;
  *) echo "usage: $0 start|stop|survivors|status|env|clean" >&2; exit 2 ;;
esac
