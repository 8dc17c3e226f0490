#!/usr/bin/env bash
# What the node of the local cluster must do, shown on a running cluster (smoke.sh calls it; it starts
# the cluster when it is not running and leaves it running). In a namespace of its own that enforces
# the "restricted" Pod Security level, like every SEI namespace:
#   1. the node is Ready;
#   2. a pod of every image of scripts/e2e/images runs (pause is every pod's sandbox; coredns and
#      kube-network-policies run in kube-system): MariaDB initialises an empty data directory with
#      MYSQL_ROOT_PASSWORD and an init script that calls docker_process_sql, on a read-only root file
#      system as uid 999, and has mariadb-dump; memcached answers `version`; the Solr stand-in serves its
#      probe paths with a core made by init-var-solr/precreate-core; the JOD stand-in turns text into a PDF;
#   3. DNS: a Service name resolves to its ClusterIP, from a pod;
#   4. NetworkPolicy, both directions: open by default; default-deny blocks; an egress allow alone
#      still blocks (the server's ingress is enforced); adding the ingress allow lets it through.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tools/lib.sh
. "$here/../tools/lib.sh"

"$here/cluster.sh" start
eval "$("$here/cluster.sh" env)"
ns="sei-node-smoke-$$"
[[ "${SEI_E2E_KEEP:-}" == 1 ]] || trap 'kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true' EXIT
ref() { "$here/images.sh" ref "$1"; }
t0=$SECONDS

# 1. node
[[ "$(kubectl get node sei-e2e-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]] ||
  sei_die "node sei-e2e-node is not Ready"
sei_log "node Ready"

# 2. a pod of each image
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
  labels: { pod-security.kubernetes.io/enforce: restricted }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: initdb, namespace: $ns }
data:
  smoke.sh: |
    docker_process_sql --database=mysql <<EOSQL
    CREATE DATABASE smoke CHARACTER SET latin1;
    EOSQL
---
apiVersion: v1
kind: Service
metadata: { name: memcached, namespace: $ns }
spec:
  selector: { app: memcached }
  ports: [{ port: 11211 }]
YAML
# pod NAME IMAGE UID PORT-PROBE EXTRA-CONTAINER-YAML EXTRA-POD-YAML: a restricted pod, /tmp writable.
pod() {
  cat <<YAML
---
apiVersion: v1
kind: Pod
metadata: { name: $1, namespace: $ns, labels: { app: $1 } }
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: $3
    runAsGroup: $3
    fsGroup: $3
    seccompProfile: { type: RuntimeDefault }
  containers:
    - name: main
      image: $2
      imagePullPolicy: Never
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
$4
      volumeMounts:
        - { name: tmp, mountPath: /tmp }
$5
  volumes:
    - { name: tmp, emptyDir: {} }
$6
YAML
}
{
  pod database "$(ref mariadb)" 999 "      env: [{ name: MYSQL_ROOT_PASSWORD, value: smoke-root-pw }]
      readinessProbe: { tcpSocket: { port: 3306 }, periodSeconds: 2 }" \
    "        - { name: data, mountPath: /var/lib/mysql }
        - { name: run, mountPath: /run/mysqld }
        - { name: initdb, mountPath: /docker-entrypoint-initdb.d, readOnly: true }" \
    "    - { name: data, emptyDir: {} }
    - { name: run, emptyDir: {} }
    - { name: initdb, configMap: { name: initdb } }"
  pod memcached "$(ref memcached)" 11211 "      args: [-m, '16', -p, '11211', -U, '0']
      readinessProbe: { tcpSocket: { port: 11211 }, periodSeconds: 2 }" "" ""
  pod solr "$(ref solr)" 8983 "      readinessProbe: { httpGet: { path: /solr/sei-protocolos/admin/ping, port: 8983 }, periodSeconds: 2 }" \
    "        - { name: data, mountPath: /var/solr }" \
    "    - { name: data, emptyDir: {} }
  initContainers:
    - name: cores
      image: $(ref solr)
      imagePullPolicy: Never
      command: [bash, -c, 'init-var-solr && precreate-core sei-protocolos /opt/solr/server/solr/configsets/sei-protocolos']
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
      volumeMounts: [{ name: data, mountPath: /var/solr }]"
  pod jod "$(ref jod)" 1000 "      readinessProbe: { httpGet: { path: /actuator/health, port: 8080 }, periodSeconds: 2 }" "" ""
  # The client of the checks below: the MariaDB image has bash, getent and timeout.
  pod client "$(ref mariadb)" 999 "      command: [sleep, '3600']" "" ""
} | kubectl apply -f - >/dev/null
kubectl -n "$ns" wait --for=condition=Ready pod --all --timeout=180s >/dev/null ||
  { kubectl -n "$ns" get pods -o wide >&2; kubectl -n "$ns" describe pods >&2; sei_die "the pods of the local images did not become Ready"; }
in_pod() { kubectl -n "$ns" exec "$1" -- "${@:2}"; }
in_pod database bash -c 'MYSQL_PWD=smoke-root-pw mariadb -uroot -N -e "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = \"smoke\""' |
  grep -qx latin1 || sei_die "MariaDB did not run the init script (no latin1 database smoke)"
in_pod database bash -c 'command -v mariadb-dump' >/dev/null || sei_die "mariadb-dump is missing from the MariaDB image"
[[ "$(in_pod database id -u)" == 999 ]] || sei_die "MariaDB does not run as uid 999"
pod_ip() { kubectl -n "$ns" get pod "$1" -o jsonpath='{.status.podIP}'; }
in_pod client bash -c "timeout 5 bash -c 'exec 3<>/dev/tcp/$(pod_ip database)/3306'" ||
  sei_die "MariaDB does not listen on its pod address"
# memcached: one `version` round trip to HOST (default: the Service name: DNS + kube-proxy + policy verdict).
memcached_version() {
  in_pod client timeout 5 bash -c "exec 3<>/dev/tcp/${1:-memcached}/11211; printf 'version\r\n' >&3; head -n1 <&3" 2>/dev/null | tr -d '\r'
}
[[ "$(memcached_version)" == "VERSION "* ]] || sei_die "memcached did not answer through its Service"
in_pod client bash -c "timeout 5 bash -c 'exec 3<>/dev/tcp/$(pod_ip solr)/8983; printf \"GET /solr/admin/info/system HTTP/1.0\r\n\r\n\" >&3; cat <&3'" |
  grep -q solr-spec-version || sei_die "the Solr stand-in did not answer /solr/admin/info/system"
pdf="$(in_pod client bash -c "timeout 5 bash -c 'exec 3<>/dev/tcp/$(pod_ip jod)/8080; printf \"POST /conversion?format=pdf HTTP/1.0\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\" >&3; cat <&3'" | tr -d '\0' | grep -a -c '%PDF-1.4' || true)"
[[ "$pdf" -ge 1 ]] || sei_die "the JOD stand-in did not convert text to PDF"
sei_log "a pod of every local image is Running (mariadb, memcached, solr stand-in, jod stand-in; pause, coredns, kube-network-policies)"

# 3. DNS
want="$(kubectl -n "$ns" get service memcached -o jsonpath='{.spec.clusterIP}')"
got="$(in_pod client getent hosts "memcached.$ns.svc.cluster.local" | awk '{ print $1 }')"
[[ "$got" == "$want" ]] || sei_die "DNS: memcached.$ns.svc.cluster.local resolved to '$got', not $want"
sei_log "DNS resolves memcached.$ns.svc.cluster.local to $want"

# 4. NetworkPolicy. kube-network-policies judges each new connection as it comes: no waiting for a
# rule sync, but the policy objects reach its informer a moment after they are created: retry.
# Through the ClusterIP, so that a denied DNS query cannot pass for a denied connection.
expect_memcached() { # open|closed WHAT
  local i
  for ((i = 0; i < 10; i++)); do
    if [[ "$(memcached_version "$want")" == "VERSION "* ]]; then [[ "$1" == open ]] && return 0; else [[ "$1" == closed ]] && return 0; fi
    sleep 1
  done
  sei_die "NetworkPolicy: with $2, client -> memcached should be $1"
}
policy() { kubectl -n "$ns" apply -f - >/dev/null; }
expect_memcached open "no policy"
policy <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
YAML
expect_memcached closed "default-deny"
policy <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: client-egress }
spec:
  podSelector: { matchLabels: { app: client } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { app: memcached } } }]
      ports: [{ port: 11211, protocol: TCP }]
    - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } } }]
      ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]
YAML
expect_memcached closed "default-deny and an egress allow only (memcached's ingress still denied)"
policy <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: memcached-ingress }
spec:
  podSelector: { matchLabels: { app: memcached } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: client } } }]
      ports: [{ port: 11211, protocol: TCP }]
YAML
expect_memcached open "the egress and the ingress allow"
kubectl -n "$ns" delete networkpolicy client-egress >/dev/null
expect_memcached closed "the ingress allow only (the client's egress denied)"
sei_log "NetworkPolicy enforced on ingress and egress: open, denied, egress-only denied, allowed, ingress-only denied"
sei_log "node smoke passed in $((SECONDS - t0))s"
