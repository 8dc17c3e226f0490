#!/bin/bash
# Ships the database's binary logs to the backup store, for point-in-time restores (issue 19).
#
# A reader, `mariadb-binlog --read-from-remote-server --raw --stop-never`, copies every binlog file
# into BINLOG_DIR as the server writes it (a commit reaches the copy in milliseconds). It exits when
# the server restarts, so this loop starts it again from the newest file it holds (re-read whole:
# the copy of a file the server was still writing may be short). When the server no longer has that
# file, its history was replaced (a restore or a lost volume gave it a new data directory, whose
# binlogs start again at .000001) or purged while the shipper was away: the copies here are shipped
# once more, removed, and the reader starts over from the server's oldest file. Every
# SHIP_INTERVAL_SECONDS the folder goes to the store with `restic backup` (deduplicated: an unchanged
# file costs nothing). STATUS_FILE holds, as Unix seconds, the start of the last successful shipping
# made while the reader was reading: every commit before it is on the store. That is what an
# operator or a probe reads (`cat`), beside the store's own snapshot times (`restic snapshots --tag
# kind=binlog`); while the reader cannot read, it grows old. The RPO is the shipping interval plus
# one restic run.
#
# Environment: MUNICIPALITY, DB_HOST, DB_PORT, DB_USER (an account with REPLICATION SLAVE and BINLOG
# MONITOR only), MYSQL_PWD, BINLOG_DIR (writable), STATUS_FILE, SERVER_ID (this reader's id as a
# replica, unlike the server's), SHIP_INTERVAL_SECONDS (default 60), KEEP_LOCAL_HOURS (local copies
# older than this are deleted once shipped; default 48), and the store's (store.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=store.sh
. "$(dirname "${BASH_SOURCE[0]}")/store.sh"

store_check
store_require DB_HOST DB_PORT DB_USER MYSQL_PWD BINLOG_DIR STATUS_FILE SERVER_ID
interval="${SHIP_INTERVAL_SECONDS:-60}"
keep_hours="${KEEP_LOCAL_HOURS:-48}"
[[ "$SERVER_ID" =~ ^[1-9][0-9]{0,8}$ ]] || store_fail "SERVER_ID \"$SERVER_ID\" is not a positive number"
[[ "$interval" =~ ^[1-9][0-9]{0,4}$ ]] || store_fail "SHIP_INTERVAL_SECONDS \"$interval\" is not a positive number"
[[ "$keep_hours" =~ ^[1-9][0-9]{0,4}$ ]] || store_fail "KEEP_LOCAL_HOURS \"$keep_hours\" is not a positive number"
[[ -d "$BINLOG_DIR" && -w "$BINLOG_DIR" ]] || store_fail "BINLOG_DIR ($BINLOG_DIR) is not a writable folder"
status_dir="$(dirname "$STATUS_FILE")"
[[ -d "$status_dir" && -w "$status_dir" ]] || store_fail "the folder of STATUS_FILE ($STATUS_FILE) is not writable"

client=(--host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER")
reader_pid=""

copies() { find "$BINLOG_DIR" -maxdepth 1 -type f -name '*.[0-9][0-9][0-9][0-9][0-9][0-9]' -printf '%f\n' | sort; }

# Starts the reader from the newest copy here, or from the server's oldest file on a first start or
# when the server no longer has the newest copy (its history was replaced or purged).
start_reader() {
  local listed newest file
  listed="$(mariadb "${client[@]}" --batch --skip-column-names -e 'SHOW BINARY LOGS' | awk '{ print $1 }')" || listed=""
  if [[ -z "$listed" ]]; then
    store_log "the server lists no binary log (is it up, with log_bin on?); trying again"
    return
  fi
  newest="$(copies | tail -n 1)"
  if [[ -n "$newest" ]] && ! grep -qxF -- "$newest" <<<"$listed"; then
    store_log "the server no longer has $newest: its binlogs were replaced (a restore, a new data directory) or purged; shipping the copies here once more, then starting over from $(head -n 1 <<<"$listed")"
    # Removed only once on the store: the new history reuses their names.
    ship || return 0
    copies | while read -r old; do rm -f "${BINLOG_DIR:?}/$old"; done
    newest=""
  fi
  file="${newest:-$(head -n 1 <<<"$listed")}"
  if [[ ! "$file" =~ ^[A-Za-z0-9._-]+$ ]]; then
    store_log "the server lists no usable binary log name; trying again"
    return
  fi
  store_log "reading binlogs from $file on"
  mariadb-binlog "${client[@]}" --read-from-remote-server --raw --stop-never \
    --stop-never-slave-server-id="$SERVER_ID" --result-file="$BINLOG_DIR/" "$file" &
  reader_pid=$!
}

# ship: the folder to the store; returns 1 when restic failed.
ship() {
  local started reading=0
  started="$(date +%s)"
  # Only a reader that is reading makes the copies whole up to now.
  if [[ -n "$reader_pid" ]] && kill -0 "$reader_pid" 2>/dev/null; then reading=1; fi
  if ! store_restic backup --quiet --host "$MUNICIPALITY" --tag "municipality=$MUNICIPALITY" --tag kind=binlog \
    "$BINLOG_DIR"; then
    store_log "shipping failed (above); the next try is in $interval s"
    return 1
  fi
  if ((reading)); then
    printf '%s\n' "$started" >"$STATUS_FILE.new"
    mv "$STATUS_FILE.new" "$STATUS_FILE"
  fi
  # Shipped copies older than KEEP_LOCAL_HOURS go, never the newest (the reader writes it).
  find "$BINLOG_DIR" -maxdepth 1 -type f -name '*.[0-9][0-9][0-9][0-9][0-9][0-9]' -mmin "+$((keep_hours * 60))" \
    -printf '%f\n' | sort | head -n -1 | while read -r old; do rm -f "${BINLOG_DIR:?}/$old"; done
}

stop() {
  store_log "stopping: a last shipping first"
  if [[ -n "$reader_pid" ]]; then kill -TERM "$reader_pid" 2>/dev/null || true; wait "$reader_pid" 2>/dev/null || true; fi
  reader_pid=""
  ship || true
  exit 0
}
trap stop TERM INT

next_ship=0
while true; do
  if [[ -z "$reader_pid" ]] || ! kill -0 "$reader_pid" 2>/dev/null; then
    if [[ -n "$reader_pid" ]]; then
      rc=0
      wait "$reader_pid" || rc=$?
      store_log "the binlog reader exited ($rc): the server restarted or is away; starting it again"
      reader_pid=""
      sleep 1
    fi
    start_reader
  fi
  if ((SECONDS >= next_ship)); then
    next_ship=$((SECONDS + interval))
    ship || true
  fi
  # sleep in the background, so a TERM is handled at once.
  sleep 1 &
  wait $! || true
done
