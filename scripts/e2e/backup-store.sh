# shellcheck shell=bash
# The local cluster's off-site backup store, sourced by cluster.sh (which gives WORK, PORTS_FILE's
# rec_store, launch, alive, stop_one, wait_for, port_open and api_addr).
#
# A real S3-compatible server, versitygw (scripts/tools/versitygw.sh, SEI_E2E_VERSITYGW from the
# toolchain), as a process of this machine and not a pod: a real store lives in another failure
# domain, and deleting a namespace, its volumes or the whole cluster's pods must leave it standing.
# It listens on the address the API server has (the node network's HOST_IP: pods reach it, nothing
# else does; 127.0.0.1 without a node), port SEI_E2E_STORE_PORT (57070, moved when taken like the
# others), over HTTPS with a certificate for that address from the e2e test CA (test-ca.sh). Its
# posix backend keeps users in --iam-dir and object versions in --versioning-dir, as the bucket
# policy of docs/backups.md needs. Everything is under $WORK/backup-store (mode 700):
#   buckets/ iam/ versions/   the store's data
#   tls/                      its certificate and key
#   admin.env                 the administrator's key, made once per work dir (random), in the
#                             variables platform.yaml's adminCredentialEnv names; `cluster.sh env`
#                             exports them for `sei-infra backups provision`. The server reads it
#                             from its environment, never from its command line (a process list).

STORE_DIR="$WORK/backup-store"
TEST_CA="$(dirname "${BASH_SOURCE[0]}")/test-ca.sh"
STORE_PORT="${SEI_E2E_STORE_PORT:-${rec_store:-57070}}"

store_addr() { api_addr; }
store_endpoint() { echo "https://$(store_addr):$STORE_PORT"; }

store_start() {
  alive backup-store && return 0
  local addr
  addr="$(store_addr)"
  port_open "$STORE_PORT" "$addr" && sei_die "$addr:$STORE_PORT is taken by another process (set SEI_E2E_STORE_PORT)"
  [[ -x "${SEI_E2E_VERSITYGW:-}" ]] || sei_die "SEI_E2E_VERSITYGW is not set: run scripts/e2e/toolchain.sh"
  mkdir -p "$STORE_DIR"/{buckets,iam,versions}
  chmod 700 "$STORE_DIR"
  if [[ ! -s "$STORE_DIR/admin.env" ]]; then
    (
      umask 077
      printf 'SEI_BACKUP_ADMIN_ACCESS_KEY_ID=sei-e2e-store-admin\nSEI_BACKUP_ADMIN_SECRET_ACCESS_KEY=%s\n' \
        "$(openssl rand -hex 20)" >"$STORE_DIR/admin.env.tmp"
    )
    mv "$STORE_DIR/admin.env.tmp" "$STORE_DIR/admin.env"
  fi
  if ! [[ -f "$STORE_DIR/tls/tls.crt" ]] || ! openssl x509 -in "$STORE_DIR/tls/tls.crt" -noout -checkip "$addr" | grep -q 'does match'; then
    "$TEST_CA" issue "$addr" "$STORE_DIR/tls"
  fi
  local SEI_BACKUP_ADMIN_ACCESS_KEY_ID SEI_BACKUP_ADMIN_SECRET_ACCESS_KEY
  # shellcheck disable=SC1091
  . "$STORE_DIR/admin.env"
  ROOT_ACCESS_KEY_ID="$SEI_BACKUP_ADMIN_ACCESS_KEY_ID" ROOT_SECRET_ACCESS_KEY="$SEI_BACKUP_ADMIN_SECRET_ACCESS_KEY" \
    launch backup-store "$SEI_E2E_VERSITYGW" --port "$addr:$STORE_PORT" \
    --cert "$STORE_DIR/tls/tls.crt" --key "$STORE_DIR/tls/tls.key" --iam-dir "$STORE_DIR/iam" --quiet \
    posix --versioning-dir "$STORE_DIR/versions" "$STORE_DIR/buckets"
  wait_for "the backup store on $(store_endpoint)" backup-store \
    curl -sS -o /dev/null --cacert "$("$TEST_CA" cert)" "$(store_endpoint)/"
}

# store_env: what `cluster.sh env` adds for the store: its endpoint, the cidr of its address, the CA
# of its certificate, and the administrator's key.
store_env() {
  cat <<EOF
export SEI_E2E_BACKUP_STORE_ENDPOINT='$(store_endpoint)'
export SEI_E2E_BACKUP_STORE_CIDR='$(store_addr)/32'
export SEI_E2E_BACKUP_STORE_CA='$("$TEST_CA" cert)'
EOF
  if [[ -s "$STORE_DIR/admin.env" ]]; then sed 's/^/export /' "$STORE_DIR/admin.env"; fi
}
