#!/bin/bash
# The first step of a restore drill (docs/drills.md): the instance as its newest manifest describes
# it, built from the store as a restore builds it. The newest manifest snapshot (nightly-backup.sh
# writes it last) names the dump, the documents and the binlog position its counts were taken at;
# point-in-time-set.sh loads the dump into its scratch server, replays the newest shipped binlogs
# from the dump's position up to that one, and writes the set. The manifest is copied beside it
# for drill-check.sh, and the store's newest snapshot of each kind is printed as one JSON line
# ("DRILL-SNAPSHOTS <json>") for sei-infra's report (the RPO, the backup's age).
#
# It writes nothing to the store but restic's lock of the restore (which keeps a prune from removing
# what is being read), which the municipality's credential may write and remove. Environment: MUNICIPALITY,
# SEI_DATABASE, SIP_DATABASE, SET_DIR (the folder to write, which must not exist), MANIFEST (where
# the manifest goes), and the store's (store.sh).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR source=store.sh
. "$here/store.sh"

store_check
store_require SET_DIR MANIFEST
[[ ! -e "$MANIFEST" && ! -L "$MANIFEST" ]] || store_fail "MANIFEST $MANIFEST exists already"

newest=(--no-lock snapshots --json --latest 1 --host "$MUNICIPALITY")
printf 'DRILL-SNAPSHOTS %s\n' "$(store_restic "${newest[@]}" | tr -d '\n')"
store_restic --no-lock dump --host "$MUNICIPALITY" --tag kind=manifest latest /manifest >"$MANIFEST" ||
  store_fail "the store holds no manifest of $MUNICIPALITY (no nightly backup has completed since drills began)"
[[ "$(head -n 1 "$MANIFEST")" == "sei-backup-manifest 1" ]] || store_fail "the newest manifest is not a backup manifest (version 1)"

# field NAME: the value of the manifest's line "NAME <value> [<path>]", checked by the caller.
field() { awk -v name="$1" '$1 == name { print $2; exit }' "$MANIFEST"; }
databases="$(field databases)" documents="$(field documents)"
documents_path="$(awk '$1 == "documents" { print substr($0, length($1 " " $2 " ") + 1); exit }' "$MANIFEST")"
binlog_snapshot="$(store_restic "${newest[@]}" --tag kind=binlog | grep -o '"id":"[0-9a-f]\{64\}"' | head -n 1 | cut -d '"' -f 4)" ||
  store_fail "the store holds no shipped binlogs of $MUNICIPALITY"
store_log "drilling the backup of databases $databases, documents $documents, up to binlog $(field binlog)"
DUMP_SNAPSHOT="$databases" BINLOG_POSITION="$(field dump-binlog)" BINLOG_SNAPSHOT="$binlog_snapshot" \
  STOP_POSITION="$(field binlog)" STOP_DATETIME="" DOCUMENTS_SNAPSHOT="$documents" DOCUMENTS_PATH="$documents_path" \
  "$here/point-in-time-set.sh"
