#!/bin/bash
# Start-up of the MariaDB image (scripts/e2e/images/mariadb), the contract of the official image
# that constructs/database.ts relies on:
#   - on an empty data directory: initialise it, set the root password from MYSQL_ROOT_PASSWORD
#     (or MARIADB_ROOT_PASSWORD) for root@localhost and root@'%', then source each
#     /docker-entrypoint-initdb.d/*.sh (with docker_process_sql) and run each *.sql, once;
#   - then run the server in the foreground (exec: it gets the stop signal).
# Settings: /etc/mysql/conf.d/*.cnf. Runs as the mysql user (999); writes only the data directory,
# /run/mysqld and /tmp.
set -euo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

if [[ "${1:-}" == -* ]]; then set -- mariadbd "$@"; fi
if [[ "${1:-}" != mariadbd && "${1:-}" != mysqld ]]; then exec "$@"; fi

DATADIR="$(mariadbd --verbose --help 2>/dev/null | awk '$1 == "datadir" { print $2; exit }')"
DATADIR="${DATADIR%/}"
SOCKET=/run/mysqld/mysqld.sock
ROOT_PASSWORD="${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}"

# docker_process_sql [--dont-use-mysql-root-password] [CLIENT OPTIONS...] < SQL
# Runs SQL from stdin on the temporary server, as root unless told otherwise.
docker_process_sql() {
  local password="$ROOT_PASSWORD"
  if [[ "${1:-}" == --dont-use-mysql-root-password ]]; then password=""; shift; fi
  MYSQL_PWD="$password" mariadb --protocol=socket --socket="$SOCKET" --user=root --comments "$@"
}

initialise() {
  [[ -n "$ROOT_PASSWORD" ]] || { log "the data directory is empty and MYSQL_ROOT_PASSWORD is not set"; exit 1; }
  log "initialising $DATADIR"
  mariadb-install-db --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
    --rpm --cross-bootstrap >/dev/null
  mariadbd --skip-networking --socket="$SOCKET" --datadir="$DATADIR" &
  local pid=$! i
  for ((i = 0; i < 60; i++)); do
    if docker_process_sql --dont-use-mysql-root-password --database=mysql <<<'SELECT 1' >/dev/null 2>&1; then break; fi
    kill -0 "$pid" 2>/dev/null || { log "the temporary server stopped"; exit 1; }
    sleep 1
  done
  docker_process_sql --dont-use-mysql-root-password --database=mysql <<EOSQL
DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost'));
ALTER USER 'root'@'localhost' IDENTIFIED BY '${ROOT_PASSWORD//\'/\'\'}';
CREATE USER 'root'@'%' IDENTIFIED BY '${ROOT_PASSWORD//\'/\'\'}';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
EOSQL
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) log "sourcing $f"; # shellcheck disable=SC1090
        . "$f" ;;
      *.sql) log "running $f"; docker_process_sql <"$f" ;;
      *) [[ -e "$f" ]] && log "ignoring $f" ;;
    esac
  done
  MYSQL_PWD="$ROOT_PASSWORD" mariadb-admin --socket="$SOCKET" --user=root shutdown
  wait "$pid" || true
  log "initialised"
}

if [[ ! -d "$DATADIR/mysql" ]]; then initialise; fi
exec "$@"
