#!/bin/bash
# The nightly off-site backup of one instance (issue 19), into the municipality's restic repository
# on the backup store (store.sh says what the environment gives):
#   1. both databases in ONE dump (one transaction, so sei and sip agree, and one binlog position
#      from which a point-in-time restore replays), streamed into `restic backup --stdin` as
#      databases.sql, tagged municipality=, kind=databases and binlog=<file>:<position>;
#   2. the document repository, read-only: restic uploads only what it has not stored before
#      (documents are written once and never change, so a night uploads the day's new files);
#   3. the manifest, what a restore drill checks a restored copy against (docs/drills.md): per table
#      of both databases its row count and CHECKSUM TABLE, read in a consistent snapshot taken as
#      the dump starts (its binlog position is recorded: a drill replays the binlogs from the
#      dump's position to it, none on a quiet night), and the sha256 of every document, hashed
#      before restic reads them. A snapshot of its own (manifest, kind=manifest), written last and
#      tagged with the two snapshots it describes: a manifest means a whole night's backup.
# restic makes a snapshot of whatever stream it is given, a failed dump's too (an empty stream, or a
# truncated one that looks whole), so the stream reaches restic through a pipe this script holds
# open: only after the dump exited 0 with its position is it closed and the snapshot written; after
# a failure restic is killed before its input ends, and writes none. (SIGTERM, not SIGINT: a shell's
# background job starts with SIGINT ignored, which a restic still starting up would not see.) Its
# lock stays behind; `restic unlock` removes it (this host, a process gone), or it is stale in 30 min.
#
# Environment: MUNICIPALITY, DB_HOST, DB_PORT, DB_USER (the backup's read-only account), MYSQL_PWD,
# SEI_DATABASE, SIP_DATABASE, DOCUMENTS (the repository's mount), the store's (store.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=store.sh
. "$(dirname "${BASH_SOURCE[0]}")/store.sh"

store_check
store_require DB_HOST DB_PORT DB_USER MYSQL_PWD SEI_DATABASE SIP_DATABASE DOCUMENTS
for name in "$SEI_DATABASE" "$SIP_DATABASE"; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,50}$ ]] || store_fail "database name \"$name\" must be 1-50 letters, digits or _"
done
[[ -d "$DOCUMENTS" ]] || store_fail "the document repository $DOCUMENTS is not a folder"

work="$(mktemp -d "$TMPDIR/nightly.XXXXXX")"
restic_pid="" tables_pid=""
cleanup() {
  if [[ -n "$restic_pid" ]]; then stop_restic; fi
  if [[ -n "$tables_pid" ]]; then kill -TERM "$tables_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
stop_restic() {
  kill -TERM "$restic_pid" 2>/dev/null || true
  wait "$restic_pid" 2>/dev/null || true
  restic_pid=""
  store_restic unlock --quiet || true
}

# restic's --json summary line: "<bytes added> <bytes read> <snapshot id>" ("? ? ?" if it has none).
summary() {
  local line
  line="$(sed -n 's/.*"message_type":"summary".*"data_added":\([0-9]*\).*"total_bytes_processed":\([0-9]*\).*"snapshot_id":"\([0-9a-f]*\)".*/\1 \2 \3/p' "$1")"
  printf '%s\n' "${line:-? ? ?}"
}

client=(--host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER")

# The tables the manifest describes, listed before the dump starts (a table created during it is
# then named by the drill as one the manifest does not know).
tables="$(mariadb "${client[@]}" --batch --skip-column-names -e "SELECT table_schema, table_name
  FROM information_schema.tables WHERE table_type = 'BASE TABLE'
  AND table_schema IN ('$SEI_DATABASE', '$SIP_DATABASE') ORDER BY 1, 2" 2>"$work/tables.err")" ||
  store_fail "the tables of $SEI_DATABASE and $SIP_DATABASE could not be listed: $(tr '\n' ' ' <"$work/tables.err" | head -c 500); no snapshot was made"
manifest_sql="START TRANSACTION WITH CONSISTENT SNAPSHOT;
SHOW STATUS LIKE 'binlog_snapshot_file'; SHOW STATUS LIKE 'binlog_snapshot_position';"
table_names=()
while IFS=$'\t' read -r schema table; do
  [[ -n "$schema" ]] || continue
  # The manifest is space-separated: a name SEI would never give is refused, not guessed at.
  [[ "$table" =~ ^[A-Za-z0-9_]{1,64}$ ]] || store_fail "table $schema.$table: its name is not letters, digits or _; no snapshot was made"
  table_names+=("$schema $table")
  manifest_sql+="SELECT COUNT(*) FROM \`$schema\`.\`$table\`; CHECKSUM TABLE \`$schema\`.\`$table\`;"
done <<<"$tables"
manifest_sql+="COMMIT;"

# 1. The databases. --master-data=2 --gtid write the dump's binlog position as comments at its top;
# with --single-transaction MariaDB takes it from the transaction's snapshot, without a global lock,
# so the read-only account needs no RELOAD.
mkfifo "$work/stream"
exec 4< <(
  rc=0
  mariadb-dump "${client[@]}" \
    --single-transaction --quick --routines --triggers --events --no-tablespaces \
    --master-data=2 --gtid --default-character-set=latin1 \
    --databases "$SEI_DATABASE" "$SIP_DATABASE" 2>"$work/dump.err" || rc=$?
  echo "$rc" >"$work/dump.rc"
)
# The header, up to the position line (a few dozen lines), read before restic starts: its tag.
header="" position="" lines=0
while ((lines < 200)) && IFS= read -r line <&4; do
  header+="$line"$'\n'
  lines=$((lines + 1))
  if [[ "$line" =~ ^--\ CHANGE\ MASTER\ TO\ MASTER_LOG_FILE=\'([A-Za-z0-9._-]+)\',\ MASTER_LOG_POS=([0-9]+)\; ]]; then
    position="${BASH_REMATCH[1]}:${BASH_REMATCH[2]}"
    break
  fi
done
if [[ -z "$position" ]]; then
  cat <&4 >/dev/null || true
  store_fail "the dump failed or holds no binlog position (is log_bin on?): $(tr '\n' ' ' <"$work/dump.err" | head -c 500); no snapshot was made"
fi

# The manifest's tables, in a snapshot of their own taken now, beside the dump's (MariaDB cannot
# share one); CHECKSUM TABLE and COUNT(*) read that snapshot, as the dump reads its own.
mariadb "${client[@]}" --batch --skip-column-names -e "$manifest_sql" >"$work/tables.out" 2>"$work/tables.err" &
tables_pid=$!

# restic itself in the background (not a function's subshell), so the signal below reaches it.
restic "${store_ca[@]}" backup --json --host "$MUNICIPALITY" --stdin --stdin-filename databases.sql \
  --tag "municipality=$MUNICIPALITY" --tag kind=databases --tag "binlog=$position" \
  <"$work/stream" >"$work/databases.json" &
restic_pid=$!
exec 3>"$work/stream"
printf '%s' "$header" >&3
cat <&4 >&3 || true
exec 4<&-
if ! kill -0 "$restic_pid" 2>/dev/null; then
  wait "$restic_pid" || true
  restic_pid=""
  store_fail "restic backup of the databases stopped before the dump ended (above); no snapshot was made"
fi
dump_rc="$(cat "$work/dump.rc")"
if [[ "$dump_rc" != 0 ]]; then
  stop_restic
  exec 3>&-
  store_fail "the dump failed (exit $dump_rc): $(tr '\n' ' ' <"$work/dump.err" | head -c 500); restic was stopped before it wrote a snapshot"
fi
exec 3>&-
wait "$restic_pid" || { restic_pid=""; store_fail "restic backup of the databases failed (above)"; }
restic_pid=""
read -r added read_bytes snapshot < <(summary "$work/databases.json")
databases_snapshot="$snapshot"
store_log "databases: snapshot $snapshot, binlog $position, $added of $read_bytes bytes uploaded"

tables_rc=0
wait "$tables_pid" || tables_rc=$?
tables_pid=""
((tables_rc == 0)) || store_fail "the manifest's row counts and checksums failed: $(tr '\n' ' ' <"$work/tables.err" | head -c 500)"
{
  echo "sei-backup-manifest 1"
  echo "municipality $MUNICIPALITY"
  echo "dump-binlog $position"
  echo "databases $databases_snapshot"
  mapfile -t out <"$work/tables.out"
  [[ "${out[0]:-}" =~ ^Binlog_snapshot_file$'\t'([A-Za-z0-9._-]+)$ ]] || store_fail "the manifest's snapshot has no binlog file"
  snapshot_file="${BASH_REMATCH[1]}"
  [[ "${out[1]:-}" =~ ^Binlog_snapshot_position$'\t'([0-9]+)$ ]] || store_fail "the manifest's snapshot has no binlog position"
  echo "binlog $snapshot_file:${BASH_REMATCH[1]}"
  ((${#out[@]} == 2 + 2 * ${#table_names[@]})) || store_fail "the manifest's queries returned ${#out[@]} lines for ${#table_names[@]} tables"
  for i in "${!table_names[@]}"; do
    count="${out[$((2 + 2 * i))]}" checksum="${out[$((3 + 2 * i))]##*$'\t'}"
    [[ "$count" =~ ^[0-9]+$ && "$checksum" =~ ^[0-9]+$ ]] || store_fail "table ${table_names[$i]}: no count or checksum"
    echo "table ${table_names[$i]} $count $checksum"
  done
} >"$work/manifest"

# 2. The documents, hashed first (a document written after the hashing is in the snapshot and not
# in the manifest: the drill notes it, and checks the ones recorded). A name is written as sha256sum
# escapes it (a backslash and a newline as \\ and \n, its mark at the start of the line dropped), so
# a line holds one document; the paths are relative to the repository.
# Straight into the manifest: TMPDIR is small, and a million documents make a manifest of ~100 MB.
(cd "$DOCUMENTS" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum --) |
  sed -E 's/^\\?([0-9a-f]{64})  \.\//document \1 /' >>"$work/manifest" || store_fail "the documents could not be hashed (above)"

# The snapshot keeps the mount's path; a restore takes the files below it.
store_restic backup --json --host "$MUNICIPALITY" \
  --tag "municipality=$MUNICIPALITY" --tag kind=documents "$DOCUMENTS" >"$work/documents.json" ||
  store_fail "restic backup of the documents failed (above)"
read -r added read_bytes snapshot < <(summary "$work/documents.json")
store_log "documents: snapshot $snapshot, $added of $read_bytes bytes uploaded"
echo "documents $snapshot $DOCUMENTS" >>"$work/manifest"

# 3. The manifest, last: its tags name the snapshots it describes.
store_restic backup --json --host "$MUNICIPALITY" --stdin --stdin-filename manifest \
  --tag "municipality=$MUNICIPALITY" --tag kind=manifest --tag "databases=$databases_snapshot" \
  --tag "documents=$snapshot" <"$work/manifest" >"$work/manifest.json" ||
  store_fail "restic backup of the manifest failed (above)"
read -r added read_bytes manifest_snapshot < <(summary "$work/manifest.json")
store_log "manifest: snapshot $manifest_snapshot, $(grep -c '^table ' "$work/manifest") tables, $(grep -c '^document ' "$work/manifest") documents"
store_log "backup of $MUNICIPALITY complete"
