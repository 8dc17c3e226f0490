#!/bin/bash
# The restore Job's script (docs/restore.md; the Job in restore/job.ts): one
# backup set (docs/architecture.md, "Backups": both databases, then the
# document repository, one dated set; written by constructs/database-backup.sh)
# into an instance whose databases hold no table and whose document repository
# is empty.
#
# Nothing is overwritten and nothing is left half-restored: the dumps load
# into staging databases `<db>__restore`, the documents into a hidden folder
# of the repository (.sei-restore-partial); only when both are complete does
# one RENAME TABLE (atomic in MariaDB) move every table into place, then the
# documents' top-level entries are renamed into the repository (same file
# system). A failed run leaves the target as it found it, apart from the
# staging databases and the hidden folder, which the next run drops first.
# (.sei-restore-store is where store-restore.sh builds a set from the backup
# store: the repository is empty at a restore, so it has the room.)
#
# Least privilege: a set is only as trustworthy as the backup volume, so the
# dumps are loaded by an account of their own (`sei_restore_load`, a random
# password, made for the run and dropped before anything moves) that may write
# the staging databases and nothing else: no `mysql` schema, no other
# database, no GRANT, no CREATE USER. A forged dump fails there and changes
# nothing. The administrator (root) only creates and drops the staging
# databases and that account, and makes the final move. The dumps hold the
# databases' tables and rows, not their users, so the instance's own users
# (made by its init script from its Secret) are kept.
#
# Environment: RESTORE_SET (YYYY-MM-DD), DB_HOST, DB_PORT, DB_ADMIN_USER,
# MYSQL_PWD, SEI_DATABASE, SIP_DATABASE, BACKUPS and DOCUMENTS (mount points),
# RESTORE_MOVE_DOCUMENTS (1: move the set's documents instead of copying them).
set -euo pipefail
log() { printf 'restore: %s\n' "$*"; }
fail() { printf 'restore: ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$RESTORE_SET" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "set \"$RESTORE_SET\" is not a date (YYYY-MM-DD)"
for name in "$SEI_DATABASE" "$SIP_DATABASE"; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,50}$ ]] || fail "database name \"$name\" must be 1-50 letters, digits or _"
done
set_dir="$BACKUPS/sets/$RESTORE_SET"
partial="$DOCUMENTS/.sei-restore-partial"

# 1. The set is complete and readable.
if [ ! -d "$set_dir" ]; then
  sets="$(find "$BACKUPS/sets" -mindepth 1 -maxdepth 1 -type d -name '2*' -printf '%f\n' 2>/dev/null | sort | tr '\n' ' ')"
  fail "no backup set $RESTORE_SET on the backup volume; complete sets: ${sets:-none}"
fi
for db in "$SEI_DATABASE" "$SIP_DATABASE"; do
  [ -s "$set_dir/$db.sql.gz" ] || fail "$set_dir/$db.sql.gz is missing: set $RESTORE_SET is incomplete"
  gzip -t "$set_dir/$db.sql.gz" || fail "$set_dir/$db.sql.gz is damaged"
done
[ -d "$set_dir/documents" ] || fail "$set_dir/documents is missing: set $RESTORE_SET is incomplete"

sql() {
  mariadb --host="$DB_HOST" --port="$DB_PORT" --user="$DB_ADMIN_USER" --max-allowed-packet=128M --batch --skip-column-names "$@"
}
log "waiting for the database at $DB_HOST:$DB_PORT"
deadline=$((SECONDS + 300))
until sql -e 'SELECT 1' >/dev/null 2>&1; do
  ((SECONDS < deadline)) || { sql -e 'SELECT 1' >&2 || true; fail "the database at $DB_HOST:$DB_PORT did not answer within 300 s"; }
  sleep 2
done

# 2. The target is empty: a restore never overwrites data.
for db in "$SEI_DATABASE" "$SIP_DATABASE"; do
  [ "$(sql -e "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '$db'")" = 1 ] ||
    fail "database $db does not exist; the database pod's init script creates it with its user"
done
tables="$(sql -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('$SEI_DATABASE', '$SIP_DATABASE')")"
[ "$tables" = 0 ] ||
  fail "$SEI_DATABASE and $SIP_DATABASE hold $tables tables: a restore never overwrites data (docs/restore.md says how to set the current data aside first); nothing was changed"
first="$(find "$DOCUMENTS" -mindepth 1 -maxdepth 1 ! -name lost+found ! -name ".sei-restore-partial" ! -name ".sei-restore-store" -print -quit)"
[ -z "$first" ] ||
  fail "the document repository is not empty ($first): a restore never overwrites documents; nothing was changed"

# 3. Staging: the dumps into <db>__restore, the documents into the hidden folder.
stage() { printf '%s__restore' "$1"; }
# In a GRANT, _ matches any character: escaped, the grant names the staging database only.
grant_name() { printf '%s' "$1" | sed 's/_/\\_/g'; }
load_user=sei_restore_load
drop_staging() {
  sql -e "DROP USER IF EXISTS '$load_user'@'%'; DROP DATABASE IF EXISTS \`$(stage "$SEI_DATABASE")\`; DROP DATABASE IF EXISTS \`$(stage "$SIP_DATABASE")\`"
}
drop_staging
rm -rf "$partial"
trap 'drop_staging || true; rm -rf "$partial" || true' EXIT
load_password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
sql -e "CREATE USER '$load_user'@'%' IDENTIFIED BY '$load_password'"
for db in "$SEI_DATABASE" "$SIP_DATABASE"; do
  sql -e "CREATE DATABASE \`$(stage "$db")\` CHARACTER SET latin1 COLLATE latin1_swedish_ci;
    GRANT ALL PRIVILEGES ON \`$(grant_name "$(stage "$db")")\`.* TO '$load_user'@'%'"
done
# --sandbox: the client refuses \! (a shell command) and the commands that read or write files, so a forged
# dump cannot reach past SQL into the restore Job's container.
load() {
  MYSQL_PWD="$load_password" mariadb --host="$DB_HOST" --port="$DB_PORT" --user="$load_user" --max-allowed-packet=128M --batch --sandbox --database="$1"
}
for db in "$SEI_DATABASE" "$SIP_DATABASE"; do
  log "loading $db.sql.gz of set $RESTORE_SET into $(stage "$db") (as $load_user, which may write only the staging databases)"
  # The dump names its database (--databases): its CREATE DATABASE and USE lines go, the rest loads into staging.
  gunzip -c "$set_dir/$db.sql.gz" | sed -e "/^CREATE DATABASE .*\`$db\`/d" -e "/^USE \`$db\`;$/d" | load "$(stage "$db")" ||
    fail "$db.sql.gz of set $RESTORE_SET did not load (above); the loading account may write only the staging databases, so a dump that reaches beyond them is refused; nothing was changed"
done
sql -e "DROP USER '$load_user'@'%'"
staged="'$(stage "$SEI_DATABASE")', '$(stage "$SIP_DATABASE")'"
others="$(sql -e "SELECT CONCAT_WS(', ',
    (SELECT GROUP_CONCAT(table_name) FROM information_schema.views WHERE table_schema IN ($staged)),
    (SELECT GROUP_CONCAT(trigger_name) FROM information_schema.triggers WHERE trigger_schema IN ($staged)),
    (SELECT GROUP_CONCAT(routine_name) FROM information_schema.routines WHERE routine_schema IN ($staged)),
    (SELECT GROUP_CONCAT(event_name) FROM information_schema.events WHERE event_schema IN ($staged)))")"
[ -z "$others" ] || fail "the set defines views, triggers, routines or events ($others), which this restore cannot move atomically; nothing was changed"
tree_sum() { (cd "$1" && find . -path "./.sei-restore-partial" -prune -o -path "./.sei-restore-store" -prune -o -path ./lost+found -prune -o -type f -print0 | sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1); }
expected_sum="$(tree_sum "$set_dir/documents")"
mkdir "$partial"
if [ "${RESTORE_MOVE_DOCUMENTS:-}" = 1 ]; then
  # A set built from the store on this same volume: its documents are moved, not copied (twice the room).
  log "moving the documents of set $RESTORE_SET"
  find "$set_dir/documents" -mindepth 1 -maxdepth 1 -exec mv -t "$partial" {} +
else
  log "copying the documents of set $RESTORE_SET"
  cp -R --preserve=mode,timestamps "$set_dir/documents/." "$partial/"
fi

# 4. Into place: every table at once, then the documents' top-level entries.
renames="$(sql --init-command='SET SESSION group_concat_max_len = 4194304' -e "SELECT GROUP_CONCAT(CONCAT('\`', table_schema, '\`.\`', table_name, '\` TO \`',
    IF(table_schema = '$(stage "$SEI_DATABASE")', '$SEI_DATABASE', '$SIP_DATABASE'), '\`.\`', table_name, '\`') SEPARATOR ', ')
  FROM information_schema.tables WHERE table_schema IN ($staged)")"
[[ -n "$renames" && "$renames" != NULL ]] || fail "set $RESTORE_SET holds no table; nothing was changed"
sql -e "RENAME TABLE $renames"
find "$partial" -mindepth 1 -maxdepth 1 -exec mv -t "$DOCUMENTS" {} +
rmdir "$partial"
trap - EXIT
drop_staging

# 5. What was restored, and a check that the documents equal the set's.
[ "$expected_sum" = "$(tree_sum "$DOCUMENTS")" ] || fail "the restored documents differ from set $RESTORE_SET"
files="$(find "$DOCUMENTS" -type f | wc -l)"
for db in "$SEI_DATABASE" "$SIP_DATABASE"; do
  log "$db: $(sql -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'") tables restored"
done
log "documents: $files files restored, checksums equal to the set's"
log "set $RESTORE_SET restored"
