#!/bin/bash
# The read-only check of a restore from the backup store (docs/restore.md), run by the Job
# `sei-restore-check` (restore/job.ts) while the instance keeps serving. It changes nothing: restic
# reads the municipality's repository with the namespace's own store credentials and `--no-lock` (no
# lock object is written), the document repository is mounted read-only, and the database is read
# as the backup's read-only account. It prints (read by restore/store-source.ts; the prefixes are
# those of restore/scripts.ts):
#
# - `STORE_SNAPSHOTS <json>`: `restic snapshots --json`, as restic writes it;
# - `STORE_SIZE <id> <bytes>`: the restore size of each database and document snapshot (a binlog
#   snapshot is only ever a part of a restore);
# - `INSPECTION {"sets":[],"target":{…}}`: the target, as the volume's check prints it.
#
# Environment: the store's (images/database/offsite/store.sh: RESTIC_REPOSITORY, the keys,
# MUNICIPALITY, TMPDIR, RESTIC_CACHE_DIR, BACKUP_STORE_CA), OFFSITE_SCRIPTS (where the image holds
# store.sh), DB_HOST, DB_PORT, DB_USER, MYSQL_PWD, SEI_DATABASE, SIP_DATABASE, DOCUMENTS,
# TARGET_INSPECTION_SCRIPT (the text of target-inspection.sh).
set -euo pipefail
# shellcheck source=/dev/null
. "$OFFSITE_SCRIPTS/store.sh"
store_check
for name in "$SEI_DATABASE" "$SIP_DATABASE"; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,50}$ ]] || store_fail "database name \"$name\" must be 1-50 letters, digits or _"
done
printf 'restore check: reading the snapshots of %s\n' "$RESTIC_REPOSITORY"
snapshots="$(store_restic --no-lock snapshots --json)" || store_fail "restic could not list the snapshots of $RESTIC_REPOSITORY (above)"
printf 'STORE_SNAPSHOTS %s\n' "$snapshots"
sized="$(store_restic --no-lock snapshots --json --tag kind=databases --tag kind=documents)" ||
  store_fail "restic could not list the snapshots of $RESTIC_REPOSITORY (above)"
while read -r id; do
  stats="$(store_restic --no-lock stats --json --mode restore-size "$id")" || store_fail "restic could not size snapshot $id (above)"
  bytes="$(grep -o '"total_size":[0-9]*' <<<"$stats" | cut -d: -f2)"
  printf 'STORE_SIZE %s %s\n' "$id" "${bytes:-0}"
done < <(grep -o '"id":"[0-9a-f]\{64\}"' <<<"$sized" | cut -d'"' -f4)
target="$(bash -c "$TARGET_INSPECTION_SCRIPT")"
printf 'INSPECTION {"sets":[],"target":{%s}}\n' "$target"
