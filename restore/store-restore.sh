#!/bin/bash
# The restore Job's script for a restore from the backup store to a point in time
# (docs/restore.md; the Job in restore/job.ts): images/database/offsite/point-in-time-set.sh builds
# the set of that time in a hidden folder of the (empty) document repository, from the snapshots
# restore/restic-points.ts chose; then restore.sh loads it with every rule it has (target checked
# empty again, the dumps loaded into staging databases by the least-privilege account, one RENAME
# TABLE), moving the set's documents rather than copying them. The folder goes at the end, whatever
# happened.
#
# The set is built without the administrator's password in its environment: the dump and the
# binlogs from the store are replayed into a private scratch server only (point-in-time-set.sh
# says why), and nothing of the store reaches the instance's server but the two dumps of that
# scratch server, through the least-privilege load.
#
# Environment: what point-in-time-set.sh takes (the store's, MUNICIPALITY, the snapshots,
# STOP_DATETIME, SEI_DATABASE, SIP_DATABASE), OFFSITE_SCRIPTS, RESTORE_SET (the set's name, the
# day of the time), RESTORE_SCRIPT (the text of restore.sh) and what it takes.
set -euo pipefail
log() { printf 'restore: %s\n' "$*"; }
fail() { printf 'restore: ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$RESTORE_SET" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "set \"$RESTORE_SET\" is not a date (YYYY-MM-DD)"
work="$DOCUMENTS/.sei-restore-store"
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/cache" "$work/backups/sets"
log "building the set of $STOP_DATETIME UTC from the backup store in a private scratch server (the target is not touched)"
env -u MYSQL_PWD -u DB_ADMIN_USER TMPDIR="$work/tmp" RESTIC_CACHE_DIR="$work/cache" \
  SET_DIR="$work/backups/sets/$RESTORE_SET" bash "$OFFSITE_SCRIPTS/point-in-time-set.sh" ||
  fail "the set of $STOP_DATETIME UTC could not be built from the backup store (above); nothing was changed"
rm -rf "$work/tmp" "$work/cache"
BACKUPS="$work/backups" RESTORE_MOVE_DOCUMENTS=1 bash -c "$RESTORE_SCRIPT"
