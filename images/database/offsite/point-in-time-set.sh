#!/bin/bash
# Builds, from the backup store, the backup set of one instance as it was at a point in time
# (issue 19): the newest nightly dump before it, with the shipped binlogs replayed from the dump's
# position up to that time, and the documents of the newest documents snapshot before it. The set
# has the layout restore/restore.sh loads (sei.sql.gz, sip.sql.gz, documents/), so the restore that
# follows keeps every rule it has: target checked empty first, staging databases loaded by the
# least-privilege account sei_restore_load, one atomic RENAME TABLE.
#
# Why a scratch server: binlog row events are replayed with BINLOG statements, which MariaDB applies
# without checking the table privileges of the account running them (tested on 10.11: an account
# with BINLOG REPLAY and rights on one database wrote into mysql.db). So neither the dump nor the
# binlogs from the store ever reach the instance's server directly: they are replayed into a private
# mariadbd in TMPDIR (no network, discarded at the end), whatever they hold stays there, and only
# its two databases leave it, as dumps, for the least-privilege load.
#
# Which snapshots to use is chosen by restore/restic-points.ts from `restic snapshots --json`.
# Environment: MUNICIPALITY, DUMP_SNAPSHOT, BINLOG_POSITION (<file>:<position>, the dump's tag),
# BINLOG_SNAPSHOT (a binlog snapshot taken after the time), STOP_DATETIME ('YYYY-MM-DD HH:MM:SS',
# UTC: transactions from this second on are left out) or, for a restore drill, STOP_POSITION
# (<file>:<position>, a manifest's: the events before it are replayed, and the snapshot must hold
# them all), DOCUMENTS_SNAPSHOT and DOCUMENTS_PATH (its
# path in the snapshot; both empty for a set without documents), SEI_DATABASE, SIP_DATABASE,
# SET_DIR (the folder to write, which must not exist), and the store's (store.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=store.sh
. "$(dirname "${BASH_SOURCE[0]}")/store.sh"

store_check
id='^[0-9a-f]{8,64}$'
[[ "${DUMP_SNAPSHOT:-}" =~ $id ]] || store_fail "DUMP_SNAPSHOT \"${DUMP_SNAPSHOT:-}\" is not a snapshot id"
[[ "${BINLOG_SNAPSHOT:-}" =~ $id ]] || store_fail "BINLOG_SNAPSHOT \"${BINLOG_SNAPSHOT:-}\" is not a snapshot id"
[[ -z "${DOCUMENTS_SNAPSHOT:-}" || "$DOCUMENTS_SNAPSHOT" =~ $id ]] ||
  store_fail "DOCUMENTS_SNAPSHOT \"$DOCUMENTS_SNAPSHOT\" is not a snapshot id"
[[ -z "${DOCUMENTS_SNAPSHOT:-}" || "${DOCUMENTS_PATH:-}" =~ ^/[A-Za-z0-9._/-]*$ && "$DOCUMENTS_PATH" != *..* ]] ||
  store_fail "DOCUMENTS_PATH \"${DOCUMENTS_PATH:-}\" is not a plain absolute path"
[[ "${BINLOG_POSITION:-}" =~ ^([A-Za-z0-9._-]+\.[0-9]{6}):([0-9]+)$ ]] ||
  store_fail "BINLOG_POSITION \"${BINLOG_POSITION:-}\" is not <file>:<position>"
start_file="${BASH_REMATCH[1]}" start_position="${BASH_REMATCH[2]}"
stop=()
if [[ -n "${STOP_POSITION:-}" ]]; then
  [[ -z "${STOP_DATETIME:-}" ]] || store_fail "give STOP_DATETIME or STOP_POSITION, not both"
  [[ "$STOP_POSITION" =~ ^([A-Za-z0-9._-]+\.[0-9]{6}):([0-9]+)$ ]] ||
    store_fail "STOP_POSITION \"$STOP_POSITION\" is not <file>:<position>"
  stop_file="${BASH_REMATCH[1]}" stop_position="${BASH_REMATCH[2]}"
  if [[ "$stop_file" < "$start_file" || ("$stop_file" == "$start_file" && "$stop_position" -lt "$start_position") ]]; then
    store_fail "STOP_POSITION $STOP_POSITION is before BINLOG_POSITION $BINLOG_POSITION"
  fi
  stop=(--stop-position="$stop_position") stop_label="$STOP_POSITION"
else
  [[ "${STOP_DATETIME:-}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] ||
    store_fail "STOP_DATETIME \"${STOP_DATETIME:-}\" is not 'YYYY-MM-DD HH:MM:SS' (UTC)"
  stop=(--stop-datetime="$STOP_DATETIME") stop_label="$STOP_DATETIME UTC" stop_file=""
fi
for name in "${SEI_DATABASE:-}" "${SIP_DATABASE:-}"; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,50}$ ]] || store_fail "database name \"$name\" must be 1-50 letters, digits or _"
done
[[ -n "${SET_DIR:-}" && ! -e "$SET_DIR" && ! -L "$SET_DIR" ]] || store_fail "SET_DIR \"${SET_DIR:-}\" is not a new path"
[[ -d "$(dirname "$SET_DIR")" && -w "$(dirname "$SET_DIR")" ]] || store_fail "the folder of $SET_DIR is not writable"

work="$(mktemp -d "$TMPDIR/point-in-time.XXXXXX")"
# A socket's path may not pass 107 bytes, which TMPDIR on a deep mount can: the socket gets a short one.
sockets="$(mktemp -d /tmp/sei-pit.XXXXXX)"
partial="$SET_DIR.partial"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work" "$partial" "$sockets"
}
trap cleanup EXIT

# 1. The scratch server: the instance's character set and packet size, no network, no binlog.
me="$(id -un)"
mariadb-install-db --no-defaults --datadir="$work/data" --auth-root-authentication-method=normal \
  --skip-test-db --user="$me" >"$work/install.log" 2>&1 || store_fail "the scratch server did not initialise: $(tail -n 3 "$work/install.log")"
# --secure-file-priv: what a forged statement may read or write as a file (LOAD DATA, INTO OUTFILE)
# is an empty folder of its own, never this Job's files.
mkdir "$work/files"
mariadbd --no-defaults --datadir="$work/data" --socket="$sockets/mariadb.sock" --pid-file="$work/mariadb.pid" \
  --skip-networking --skip-log-bin --user="$me" --tmpdir="$work" --secure-file-priv="$work/files" \
  --character-set-server=latin1 --collation-server=latin1_swedish_ci --max-allowed-packet=128M \
  --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 2>"$work/server.log" &
server_pid=$!
# --sandbox: the client refuses \! (a shell command) and the commands that read or write files, which
# a forged dump could hold; what it runs stays in SQL, inside the scratch server.
scratch() { mariadb --no-defaults --socket="$sockets/mariadb.sock" --user=root --max-allowed-packet=128M --sandbox "$@"; }
for _ in $(seq 60); do
  scratch -e 'SELECT 1' >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || store_fail "the scratch server stopped: $(tail -n 3 "$work/server.log")"
  sleep 1
done
scratch -e 'SELECT 1' >/dev/null || store_fail "the scratch server did not answer within 60 s"

# What the server holds outside the two databases: every database, table, view and trigger there,
# and a checksum of each of its tables, but the accounts (a real binlog holds a password rotation, or
# a past restore's loading account; accounts never leave this server) and the statistics (written in
# the background). A dump or binlog that changes any of it is not the instance's: refused.
outside() {
  local own="'$SEI_DATABASE', '$SIP_DATABASE', 'information_schema', 'performance_schema'" tables
  scratch --batch --skip-column-names -e "
    SELECT CONCAT('database ', schema_name) FROM information_schema.schemata WHERE schema_name NOT IN ($own) ORDER BY 1;
    SELECT CONCAT(LOWER(table_type), ' ', table_schema, '.', table_name) FROM information_schema.tables WHERE table_schema NOT IN ($own) ORDER BY 1;
    SELECT CONCAT('trigger ', trigger_schema, '.', trigger_name) FROM information_schema.triggers WHERE trigger_schema NOT IN ($own) ORDER BY 1"
  tables="$(scratch --batch --skip-column-names -e "SET SESSION group_concat_max_len = 1048576; SELECT GROUP_CONCAT(CONCAT('\`', table_schema, '\`.\`', table_name, '\`') ORDER BY table_schema, table_name)
    FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ($own) AND NOT (table_schema = 'mysql' AND
      table_name IN ('global_priv', 'db', 'tables_priv', 'columns_priv', 'procs_priv', 'proxies_priv', 'roles_mapping',
        'innodb_table_stats', 'innodb_index_stats', 'table_stats', 'column_stats', 'index_stats'))")"
  scratch --batch --skip-column-names -e "CHECKSUM TABLE $tables EXTENDED" | sed 's/^/checksum /'
}
outside >"$work/outside.before" || store_fail "the scratch server's own tables could not be read"

# 2. The dump, then the binlogs from its position to the time. mariadb-binlog reads the time in the
# zone of TZ: UTC, as STOP_DATETIME is.
store_log "loading the dump of snapshot $DUMP_SNAPSHOT into a scratch server"
store_restic dump "$DUMP_SNAPSHOT" /databases.sql | scratch --batch ||
  store_fail "the dump of snapshot $DUMP_SNAPSHOT did not load (above)"
store_restic restore "$BINLOG_SNAPSHOT" --target "$work/binlogs" >/dev/null ||
  store_fail "the binlogs of snapshot $BINLOG_SNAPSHOT could not be restored (above)"
mapfile -t files < <(find "$work/binlogs" -type f -name '*.[0-9][0-9][0-9][0-9][0-9][0-9]' | sort)
replay=()
for file in "${files[@]}"; do
  name="${file##*/}"
  # --stop-position applies to the last file named: none after the stop's.
  [[ "$name" < "$start_file" || (-n "$stop_file" && "$name" > "$stop_file") ]] || replay+=("$file")
done
[[ ${#replay[@]} -gt 0 && "${replay[0]##*/}" == "$start_file" ]] ||
  store_fail "binlog snapshot $BINLOG_SNAPSHOT does not hold $start_file, where the dump's position is: the binlogs from the dump on were not shipped"
# The dump and the binlogs must be of one history. A database made anew (a restore, a lost volume, a
# new namespace) begins its binlogs again at .000001, and what its shipper stores since has the same
# names as the old history's: the file of the dump's position must have begun before the dump did. A
# binlog file's first event, after its 4-byte magic, starts with the time it was written (Unix
# seconds, little-endian); the dump's time is its snapshot's. Five seconds allow the database pod's
# clock and the backup pod's to differ.
dump_time="$(store_restic --no-lock snapshots --json "$DUMP_SNAPSHOT" | grep -o '"time":"[^"]*"' | head -n 1 | cut -d '"' -f 4)" ||
  store_fail "the time of snapshot $DUMP_SNAPSHOT could not be read (above)"
dump_epoch=""
[[ ! "$dump_time" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]] || dump_epoch="$(date -d "$dump_time" +%s 2>/dev/null)" || true
[[ -n "$dump_epoch" ]] || store_fail "snapshot $DUMP_SNAPSHOT has no readable time (\"$dump_time\")"
begun="$(od --endian=little -An -tu4 -j4 -N4 "${replay[0]}" | tr -d ' ')"
[[ "$begun" =~ ^[0-9]+$ ]] || store_fail "$start_file of binlog snapshot $BINLOG_SNAPSHOT is not a binlog file"
if ((begun > dump_epoch + 5)); then
  store_fail "$start_file of binlog snapshot $BINLOG_SNAPSHOT began at $(date -u -d "@$begun" '+%F %T') UTC, after the dump of snapshot $DUMP_SNAPSHOT ($(date -u -d "@$dump_epoch" '+%F %T') UTC): its binlogs are of a database made anew since (a restore, a lost volume), not the dump's; choose a time before that, or after the next nightly backup"
fi
if [[ -n "$stop_file" ]]; then
  last="${replay[-1]}"
  [[ "${last##*/}" == "$stop_file" && "$(stat -c %s "$last")" -ge "$stop_position" ]] ||
    store_fail "binlog snapshot $BINLOG_SNAPSHOT does not reach $STOP_POSITION: the binlogs up to it were not shipped yet"
fi
store_log "replaying ${#replay[@]} binlog file(s) from $BINLOG_POSITION up to $stop_label"
# Accounts never leave this server, and it has none of the instance's: a statement about one (a
# password rotation, a grant) fails here and is skipped (--force); any other error stops the build.
set +e
TZ=UTC mariadb-binlog --no-defaults --start-position="$start_position" "${stop[@]}" "${replay[@]}" \
  2>"$work/binlog.err" | scratch --batch --force >/dev/null 2>"$work/replay.err"
read_status="${PIPESTATUS[0]}"
set -e
[[ "$read_status" == 0 ]] || store_fail "the binlogs could not be read: $(tail -n 3 "$work/binlog.err" | tr '\n' ' ')"
# 1396 CREATE/ALTER/DROP USER failed, 1133 no such user, 1141/1147/1403 no such grant, 1269 cannot revoke.
failed="$(grep '^ERROR' "$work/replay.err" | grep -Ev '^ERROR (1396|1133|1141|1147|1403|1269) ' || true)"
[[ -z "$failed" ]] || store_fail "the binlogs did not replay: $(head -n 3 <<<"$failed" | tr '\n' ' ')"

outside >"$work/outside.after" || store_fail "the scratch server's own tables could not be read after the replay"
if ! changed="$(diff "$work/outside.before" "$work/outside.after")"; then
  store_fail "the dump or the binlogs in the store change what lies outside $SEI_DATABASE and $SIP_DATABASE ($(grep '^[<>]' <<<"$changed" | head -n 5 | tr '\n' ' ')): they are not this instance's; refused, nothing was changed"
fi

# 3. The set: both databases dumped from the scratch server, and the documents.
mkdir "$partial"
for database in "$SEI_DATABASE" "$SIP_DATABASE"; do
  mariadb-dump --no-defaults --socket="$sockets/mariadb.sock" --user=root --single-transaction --quick \
    --routines --triggers --events --no-tablespaces --default-character-set=latin1 --databases "$database" |
    gzip -6 >"$partial/$database.sql.gz" || store_fail "the scratch server's $database did not dump"
done
if [[ -n "${DOCUMENTS_SNAPSHOT:-}" ]]; then
  store_restic restore "$DOCUMENTS_SNAPSHOT" --target "$work/documents" >/dev/null ||
    store_fail "the documents of snapshot $DOCUMENTS_SNAPSHOT could not be restored (above)"
  [[ -d "$work/documents$DOCUMENTS_PATH" && ! -L "$work/documents$DOCUMENTS_PATH" ]] ||
    store_fail "snapshot $DOCUMENTS_SNAPSHOT holds no folder $DOCUMENTS_PATH"
  mv "$work/documents$DOCUMENTS_PATH" "$partial/documents"
else
  mkdir "$partial/documents"
fi
mv "$partial" "$SET_DIR"
store_log "set $SET_DIR written: the databases at $stop_label, the documents of snapshot ${DOCUMENTS_SNAPSHOT:-none}"
