#!/bin/bash
# The nightly backup (constructs/database-backup.ts): one dated set per run
# (docs/architecture.md, "Backups"): both databases first, then the document
# repository, so a restore uses one day's pair.
#
# The document snapshot is a hard-link farm on the backup volume: the newest
# set is hard-linked (`cp -al`, cheap and on one file system), then files new
# or changed since are copied over it; `--remove-destination` replaces a
# changed file by a new inode, so older sets keep their version. A file
# deleted from the repository stays in the next sets (SEI never deletes
# documents in normal operation). Sets are built in a `.partial-` folder and
# renamed when complete; sets older than the retention are deleted, the
# newest complete set never.
#
# Environment: BACKUPS and DOCUMENTS (mount points of the backup volume and
# of the document repository), DB_HOST, DB_PORT, DB_USER (the backup's own
# account), MYSQL_PWD (its password), SEI_DATABASE, SIP_DATABASE,
# RETENTION_DAYS.
set -euo pipefail
sets="$BACKUPS/sets"
today="$(date -u +%Y-%m-%d)"
work="$sets/.partial-$today"
mkdir -p "$sets"
rm -rf "$sets"/.partial-*
mkdir "$work"

dump="$(command -v mariadb-dump || command -v mysqldump)"
for database in "$SEI_DATABASE" "$SIP_DATABASE"; do
  "$dump" --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" \
    --single-transaction --quick --routines --triggers --events --no-tablespaces \
    --default-character-set=latin1 --databases "$database" | gzip -6 > "$work/$database.sql.gz"
done

previous="$(find "$sets" -mindepth 1 -maxdepth 1 -type d -name '2*' | sort | tail -n 1)"
if [ -n "$previous" ] && [ -d "$previous/documents" ]; then
  cp -al "$previous/documents" "$work/documents"
fi
mkdir -p "$work/documents"
cp -dR --preserve=mode,timestamps --update --remove-destination "$DOCUMENTS/." "$work/documents/"

rm -rf "${sets:?}/$today"
mv "$work" "$sets/$today"
echo "backup set $sets/$today complete"

cutoff="$(date -u -d "-$RETENTION_DAYS days" +%Y-%m-%d)"
find "$sets" -mindepth 1 -maxdepth 1 -type d -name '2*' | sort | head -n -1 | while read -r set; do
  if [[ "$(basename "$set")" < "$cutoff" ]]; then
    echo "deleting $set (older than $RETENTION_DAYS days)"
    rm -rf "$set"
  fi
done
