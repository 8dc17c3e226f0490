#!/bin/bash
# The target's state as JSON fields, for the restore checks (inspect.sh,
# store-inspect.sh, which run it from TARGET_INSPECTION_SCRIPT): whether the
# database answers, how many of the two databases exist, how many tables they
# hold (read as the backup's read-only account), and how many entries the
# document repository holds. The hidden folders of a restore in progress
# (restore.sh, store-restore.sh) are not documents. Prints one line, e.g.
# "reachable":true,"databases":2,"tables":0,"documentEntries":0
#
# Environment: DB_HOST, DB_PORT, DB_USER, MYSQL_PWD, SEI_DATABASE,
# SIP_DATABASE, DOCUMENTS.
set -euo pipefail
sql() { mariadb --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" --batch --skip-column-names -e "$1"; }
names="'$SEI_DATABASE', '$SIP_DATABASE'"
if found="$(sql "SELECT (SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name IN ($names)),
    (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ($names))")"; then
  read -r databases tables <<<"$found"
  database="\"reachable\":true,\"databases\":$databases,\"tables\":$tables"
else
  database='"reachable":false,"databases":0,"tables":0'
fi
entries="$(find "$DOCUMENTS" -mindepth 1 -maxdepth 1 ! -name lost+found ! -name ".sei-restore-partial" ! -name ".sei-restore-store" -printf x | wc -c)"
target="$database,\"documentEntries\":$entries"
printf '%s\n' "$target"
