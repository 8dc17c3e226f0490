#!/usr/bin/env bash
# The certificate authority of the local cluster's HTTPS: it stands for the issuer a real cluster's
# cert-manager uses (platform.yaml ingress.clusterIssuer), whose root the SEI image trusts among the
# public ones. The stand-in app image trusts it (scripts/e2e/images/sei-app); the ingress fixture serves
# certificates it issues. Kept in the cache, outside the repository, made once (ECDSA P-256, 10 years).
#
#   scripts/e2e/test-ca.sh cert                 path of the CA certificate (made when missing)
#   scripts/e2e/test-ca.sh issue HOST DIR       DIR/tls.crt and DIR/tls.key for HOST (a name or an IPv4
#                                               address, such as the backup store's), valid 30 days
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tools/lib.sh
. "$here/../tools/lib.sh"

CA_DIR="$SEI_CACHE/e2e/test-ca"

ensure_ca() {
  [[ -s "$CA_DIR/ca.crt" ]] && return 0
  sei_lock e2e-test-ca
  [[ -s "$CA_DIR/ca.crt" ]] && return 0
  mkdir -p "$CA_DIR"
  (
    umask 077
    openssl ecparam -name prime256v1 -genkey -noout -out "$CA_DIR/ca.key.tmp" 2>/dev/null
  )
  openssl req -x509 -new -key "$CA_DIR/ca.key.tmp" -sha256 -days 3650 -subj "/CN=sei-e2e test CA (local cluster only)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$CA_DIR/ca.crt.tmp"
  mv "$CA_DIR/ca.key.tmp" "$CA_DIR/ca.key"
  mv "$CA_DIR/ca.crt.tmp" "$CA_DIR/ca.crt"
}

issue() {
  local host="${1:?usage: test-ca.sh issue HOST DIR}" dir="${2:?usage: test-ca.sh issue HOST DIR}"
  [[ "$host" =~ ^[a-z0-9.-]+$ ]] || sei_die "not a host name: $host"
  local san="DNS:$host"
  if [[ "$host" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then san="IP:$host"; fi
  ensure_ca
  mkdir -p "$dir"
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/tls.key" 2>/dev/null
  chmod 600 "$dir/tls.key"
  openssl req -new -key "$dir/tls.key" -subj "/CN=$host" -out "$dir/tls.csr"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" >"$dir/tls.ext"
  openssl x509 -req -in "$dir/tls.csr" -CA "$CA_DIR/ca.crt" -CAkey "$CA_DIR/ca.key" -set_serial "0x$(openssl rand -hex 16)" -sha256 -days 30 \
    -extfile "$dir/tls.ext" -out "$dir/tls.crt" 2>/dev/null
  rm -f "$dir/tls.csr" "$dir/tls.ext"
}

case "${1:-}" in
  cert) ensure_ca; echo "$CA_DIR/ca.crt" ;;
  issue) shift; issue "$@" ;;
  *) echo "usage: $0 cert | issue HOST DIR" >&2; exit 2 ;;
esac
