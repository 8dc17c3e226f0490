#!/bin/bash
# The check of a restore drill (docs/drills.md): a restored copy of an instance against the manifest
# its nightly backup recorded (nightly-backup.sh): every table's row count and CHECKSUM TABLE in the
# restored server, and the sha256 of every document in the restored repository, hashed as the
# backup hashed them. Each difference is one line on stdout, for sei-infra's report:
#   DIFF table <db> <table> count|checksum <recorded> <restored>
#   DIFF table <db> <table> missing|unrecorded
#   DIFF document <path> changed|missing
# and a document restored but not recorded (written after the backup hashed) is a NOTE line. Exit 0
# when nothing differs, 1 when something does (or the check could not run).
#
# Environment: MANIFEST (the manifest file), DB_HOST, DB_PORT, DB_USER, MYSQL_PWD (an account that
# may read every table of the restored server), DOCUMENTS (the restored repository).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=store.sh
. "$(dirname "${BASH_SOURCE[0]}")/store.sh"

store_require MANIFEST DB_HOST DB_PORT DB_USER MYSQL_PWD DOCUMENTS
[[ -f "$MANIFEST" && ! -L "$MANIFEST" ]] || store_fail "MANIFEST ($MANIFEST) is not a file"
[[ -d "$DOCUMENTS" && ! -L "$DOCUMENTS" ]] || store_fail "DOCUMENTS ($DOCUMENTS) is not a folder"
[[ "$(head -n 1 "$MANIFEST")" == "sei-backup-manifest 1" ]] || store_fail "$MANIFEST is not a backup manifest (version 1)"

work="$(mktemp -d "${TMPDIR:-/tmp}/drill-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
client=(--host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" --batch --skip-column-names)

# The restored tables: the manifest's, and any the restored server has beyond them.
mapfile -t schemas < <(awk '$1 == "table" { print $2 }' "$MANIFEST" | sort -u)
((${#schemas[@]} > 0)) || store_fail "$MANIFEST records no table"
for name in "${schemas[@]}"; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,64}$ ]] || store_fail "$MANIFEST names a database \"$name\" that is not letters, digits or _"
done
in_list="$(printf "'%s'," "${schemas[@]}")"
mariadb "${client[@]}" -e "SELECT table_schema, table_name FROM information_schema.tables
  WHERE table_type = 'BASE TABLE' AND table_schema IN (${in_list%,}) ORDER BY 1, 2" >"$work/restored-tables" ||
  store_fail "the restored server's tables could not be listed (above)"
sql="START TRANSACTION WITH CONSISTENT SNAPSHOT;"
: >"$work/odd"
while IFS=$'\t' read -r schema table; do
  # A name no backup records (nightly-backup.sh refuses them) is a difference, named by its database only.
  [[ "$table" =~ ^[A-Za-z0-9_]{1,64}$ ]] || { echo "DIFF table $schema ? unrecorded" >>"$work/odd"; continue; }
  sql+="SELECT '$schema', '$table', COUNT(*) FROM \`$schema\`.\`$table\`; CHECKSUM TABLE \`$schema\`.\`$table\`;"
done <"$work/restored-tables"
mariadb "${client[@]}" -e "$sql COMMIT;" >"$work/restored.out" || store_fail "the restored tables could not be counted (above)"
# Pairs of lines, "<db> <table> <count>" then "<db>.<table> <checksum>", into "table <db> <table> <count> <checksum>".
awk -F '\t' 'NR % 2 == 1 { row = "table " $1 " " $2 " " $3 } NR % 2 == 0 { print row " " $NF }' \
  "$work/restored.out" >"$work/restored-manifest"

awk '
  FNR == NR { if ($1 == "table") recorded[$2 " " $3] = $4 " " $5; next }
  {
    key = $2 " " $3
    if (!(key in recorded)) { print "DIFF table " key " unrecorded"; next }
    split(recorded[key], r, " ")
    if (r[1] != $4) print "DIFF table " key " count " r[1] " " $4
    if (r[2] != $5) print "DIFF table " key " checksum " r[2] " " $5
    delete recorded[key]
  }
  END { for (key in recorded) print "DIFF table " key " missing" }
' "$MANIFEST" "$work/restored-manifest" | cat - "$work/odd" | LC_ALL=C sort >"$work/diff"

# The documents, hashed as nightly-backup.sh hashes them (the same names, escaped the same way).
(cd "$DOCUMENTS" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum --) |
  sed -E 's/^\\?([0-9a-f]{64})  \.\//\1 /' >"$work/documents" || store_fail "the restored documents could not be hashed"
awk '
  FNR == NR { if ($1 == "document") { path = substr($0, 75); recorded[path] = $2 }; next }
  {
    path = substr($0, 66)
    if (!(path in recorded)) { print "NOTE document " path " restored, not recorded (written after the backup hashed)"; next }
    if (recorded[path] != $1) print "DIFF document " path " changed"
    delete recorded[path]
  }
  END { for (path in recorded) print "DIFF document " path " missing" }
' "$MANIFEST" "$work/documents" | LC_ALL=C sort >>"$work/diff"

cat "$work/diff"
recorded_tables="$(grep -c '^table ' "$MANIFEST" || true)" recorded_documents="$(grep -c '^document ' "$MANIFEST" || true)"
differences="$(grep -c '^DIFF ' "$work/diff" || true)"
if ((differences > 0)); then
  store_fail "$differences difference(s) from the manifest ($recorded_tables tables, $recorded_documents documents recorded)"
fi
store_log "drill check passed: $recorded_tables tables and $recorded_documents documents as the backup recorded them"
