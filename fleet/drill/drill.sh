#!/bin/bash
# The restore drill Job's three steps (docs/drills.md; the Job in fleet/drill/scratch-namespace.ts). The
# scratch database may still be starting (a cold InnoDB, the init script): the set is built first,
# then the server is waited for. Each step's lines are what sei-infra reads
# (fleet/drill/outcome.ts); "DRILL-RESTORED <seconds>" is the restore's own duration.
#
# Environment: what drill-set.sh and drill-check.sh take (the store's, MUNICIPALITY, SET_DIR,
# MANIFEST, SEI_DATABASE, SIP_DATABASE, DB_HOST, DB_PORT, DB_USER, MYSQL_PWD, DOCUMENTS), OFFSITE
# (where the image holds them), TMPDIR, RESTIC_CACHE_DIR, BACKUPS, RESTORE_SCRIPT (the text of
# restore/restore.sh) and what it takes.
set -euo pipefail
mkdir -p "$TMPDIR" "$RESTIC_CACHE_DIR" "$BACKUPS/sets" "$DOCUMENTS"
# MYSQL_PWD is the scratch database's password, for the restore and the check: point-in-time-set.sh's
# own private server takes no password, and a client given one is refused there (as store-restore.sh
# builds its set, without it).
env -u MYSQL_PWD "$OFFSITE/drill-set.sh"
for _ in $(seq 120); do
  mariadb --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" -e 'SELECT 1' >/dev/null 2>&1 && break
  sleep 5
done
started=$SECONDS
bash -c "$RESTORE_SCRIPT"
echo "DRILL-RESTORED $((SECONDS - started))"
"$OFFSITE/drill-check.sh"
