#!/bin/bash
# The read-only check of a restore (docs/restore.md), run by the Job
# `sei-restore-check` (restore/job.ts) while the instance keeps serving: it
# changes nothing (both volumes are mounted read-only, and it connects as the
# backup's read-only account). It prints one line, `INSPECTION <json>` (read
# by restore/volume-source.ts; the prefix is INSPECTION_PREFIX of
# restore/scripts.ts):
#
# - `sets`: every set on the backup volume, newest first, with its size, when
#   it was written, and what is wrong with it ("" when nothing). A set folder
#   is complete by construction (the backup renames it into place when done),
#   so what can be wrong is a file lost since, or, for RESTORE_SET only
#   (reading a whole dump takes time), a damaged one;
# - `target`: what target-inspection.sh prints.
#
# Every value in the JSON is a number or a text of fixed shape (set names
# match the date pattern), so printf writes it safely.
#
# Environment: RESTORE_SET ("" or YYYY-MM-DD), DB_HOST, DB_PORT, DB_USER,
# MYSQL_PWD, SEI_DATABASE, SIP_DATABASE, BACKUPS and DOCUMENTS (mount points),
# TARGET_INSPECTION_SCRIPT (the text of target-inspection.sh).
set -euo pipefail
fail() { printf 'restore check: ERROR: %s\n' "$*" >&2; exit 1; }
[[ -z "$RESTORE_SET" || "$RESTORE_SET" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "set \"$RESTORE_SET\" is not a date (YYYY-MM-DD)"
for name in "$SEI_DATABASE" "$SIP_DATABASE"; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,50}$ ]] || fail "database name \"$name\" must be 1-50 letters, digits or _"
done
sets_dir="$BACKUPS/sets"

set_json() {
  local name="$1" dir="$sets_dir/$1" problem=""
  for db in "$SEI_DATABASE" "$SIP_DATABASE"; do
    if [ ! -s "$dir/$db.sql.gz" ]; then problem="$db.sql.gz is missing"; break; fi
    if [ "$name" = "$RESTORE_SET" ] && ! gzip -t "$dir/$db.sql.gz" 2>/dev/null; then problem="$db.sql.gz is damaged"; break; fi
  done
  if [ -z "$problem" ] && [ ! -d "$dir/documents" ]; then problem="documents/ is missing"; fi
  printf '{"name":"%s","bytes":%s,"writtenAt":%s,"problem":"%s"}' "$name" "$(du -sb "$dir" | cut -f1)" "$(stat -c %Y "$dir")" "$problem"
}

sets=""
if [ -d "$sets_dir" ]; then
  while IFS= read -r name; do
    printf 'restore check: reading set %s\n' "$name"
    sets="${sets:+$sets,}$(set_json "$name")"
  done < <(find "$sets_dir" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9]{4}-[0-9]{2}-[0-9]{2}' -printf '%f\n' | sort -r)
fi

target="$(bash -c "$TARGET_INSPECTION_SCRIPT")"
printf 'INSPECTION {"sets":[%s],"target":{%s}}\n' "$sets" "$target"
