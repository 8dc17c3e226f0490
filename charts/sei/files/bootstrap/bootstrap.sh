#!/usr/bin/env bash
# First install of an SEI instance: the Job that runs before the updater.
#
# On a new instance (databases sei and sip both without a table) it loads the
# reference dumps of the pinned SEI version and applies the first-install
# settings (organisation, system URLs, access keys: first-install.php). Both
# happen in staging databases; one atomic RENAME TABLE then moves every table
# into sei and sip, so the instance is either untouched or fully installed,
# never half-loaded.
#
# On an installed instance (both databases hold tables) it loads nothing and
# changes nothing: it says so, and reports whether the Secret's access keys
# still verify against what SIP stores. One database empty and the other not is
# a broken instance: it stops with an error and touches neither.
#
# Inputs: the APP_* variables of the SEI images (docs/images.md, "bootstrap"),
# SEI_VERSION and SEI_BOOTSTRAP_DUMPS baked into the bootstrap image.
# The root password reaches the client through MYSQL_PWD, never the command line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${APP_DB_HOST:?}" "${APP_DB_PORTA:?}" "${APP_DB_SEI_BASE:?}" "${APP_DB_SIP_BASE:?}"
: "${APP_DB_ROOT_USERNAME:?}" "${APP_DB_ROOT_PASSWORD:?}" "${SEI_VERSION:?}"
dumps="${SEI_BOOTSTRAP_DUMPS:-/opt/sei-bootstrap/dumps}"
wait_seconds="${SEI_BOOTSTRAP_WAIT_SECONDS:-600}"
sei="$APP_DB_SEI_BASE"
sip="$APP_DB_SIP_BASE"
stage_sei="${sei}__bootstrap"
stage_sip="${sip}__bootstrap"
version_file="${SEI_VERSION//./_}"
sei_dump="$dumps/sei_${version_file}_BD_Ref_Exec.sql"
sip_dump="$dumps/sip_${version_file}_BD_Ref_Exec.sql"

log() { printf 'bootstrap: %s\n' "$*"; }
fail() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

# Database names go into SQL text: allow plain identifiers only.
for name in "$sei" "$sip"; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,50}$ ]] || fail "database name \"$name\" (APP_DB_SEI_BASE / APP_DB_SIP_BASE) must be 1-50 letters, digits or _"
done
[[ "$sei" != "$sip" ]] || fail "APP_DB_SEI_BASE and APP_DB_SIP_BASE are both \"$sei\"; SEI and SIP need their own databases"

export MYSQL_PWD="$APP_DB_ROOT_PASSWORD"
sql() {
  mariadb --no-defaults --host="$APP_DB_HOST" --port="$APP_DB_PORTA" --user="$APP_DB_ROOT_USERNAME" \
    --default-character-set=utf8mb4 --max-allowed-packet=128M --batch --skip-column-names "$@"
}
first_install() { php "$here/first-install.php" "$@"; }

# Everything the settings need is checked before the database is touched.
first_install validate

log "waiting for the database at $APP_DB_HOST:$APP_DB_PORTA (at most ${wait_seconds}s)"
deadline=$((SECONDS + wait_seconds))
until sql -e 'SELECT 1' >/dev/null 2>&1; do
  if ((SECONDS >= deadline)); then
    sql -e 'SELECT 1' >&2 || true
    fail "the database at $APP_DB_HOST:$APP_DB_PORTA did not answer within ${wait_seconds}s"
  fi
  sleep 2
done

for name in "$sei" "$sip"; do
  exists="$(sql -e "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '$name'")"
  [[ "$exists" == 1 ]] || fail "database $name does not exist on $APP_DB_HOST:$APP_DB_PORTA; the database pod's init script creates sei and sip with their users"
done
count_tables() { sql -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$1'"; }
sei_tables="$(count_tables "$sei")"
sip_tables="$(count_tables "$sip")"

if ((sei_tables > 0 && sip_tables > 0)); then
  log "$sei holds $sei_tables tables and $sip holds $sip_tables: an installed instance; the reference dumps are not loaded and nothing is changed"
  first_install report "$sei" "$sip"
  exit 0
fi
if ((sei_tables > 0 || sip_tables > 0)); then
  fail "$sei holds $sei_tables tables but $sip holds $sip_tables: a half-installed instance; nothing is loaded or changed. Restore both databases from one backup set, or empty both to install anew"
fi

for dump in "$sei_dump" "$sip_dump"; do
  [[ -r "$dump" ]] || fail "reference dump $dump is missing; the bootstrap image must bake the dumps of SEI $SEI_VERSION"
done

# Staging databases are this Job's own: a leftover of an interrupted run is dropped first and at exit.
drop_staging() {
  sql -e "DROP DATABASE IF EXISTS \`$stage_sei\`; DROP DATABASE IF EXISTS \`$stage_sip\`" ||
    log "could not drop the staging databases $stage_sei and $stage_sip; the next run drops them"
}
trap drop_staging EXIT
drop_staging
sql -e "CREATE DATABASE \`$stage_sei\` CHARACTER SET latin1 COLLATE latin1_swedish_ci; CREATE DATABASE \`$stage_sip\` CHARACTER SET latin1 COLLATE latin1_swedish_ci"

log "loading $(basename "$sei_dump") and $(basename "$sip_dump") (SEI $SEI_VERSION) into staging databases"
sql --database="$stage_sei" <"$sei_dump"
sql --database="$stage_sip" <"$sip_dump"

loaded_version="$(sql --database="$stage_sei" -e "SELECT valor FROM infra_parametro WHERE nome = 'SEI_VERSAO'")"
[[ "$loaded_version" == "$SEI_VERSION" ]] ||
  fail "the SEI reference dump says SEI_VERSAO=\"$loaded_version\", the image was built for SEI $SEI_VERSION; nothing was installed"

first_install apply "$stage_sei" "$stage_sip"

# RENAME TABLE moves base tables only; say so plainly rather than fail half-way through it.
others="$(sql -e "SELECT CONCAT_WS(', ',
    (SELECT GROUP_CONCAT(table_name) FROM information_schema.views WHERE table_schema IN ('$stage_sei', '$stage_sip')),
    (SELECT GROUP_CONCAT(trigger_name) FROM information_schema.triggers WHERE trigger_schema IN ('$stage_sei', '$stage_sip')),
    (SELECT GROUP_CONCAT(routine_name) FROM information_schema.routines WHERE routine_schema IN ('$stage_sei', '$stage_sip')))")"
[[ -z "$others" ]] || fail "the reference dumps define views, triggers or routines ($others), which this bootstrap cannot move; nothing was installed"

# One statement moves every table; it fails as a whole if a table of that name appeared meanwhile.
renames="$(sql -e "SELECT GROUP_CONCAT(CONCAT('\`', table_schema, '\`.\`', table_name, '\` TO \`',
    IF(table_schema = '$stage_sei', '$sei', '$sip'), '\`.\`', table_name, '\`') SEPARATOR ', ')
  FROM information_schema.tables WHERE table_schema IN ('$stage_sei', '$stage_sip')" --init-command='SET SESSION group_concat_max_len = 1048576')"
[[ -n "$renames" && "$renames" != NULL ]] || fail "the reference dumps created no tables"
sql -e "RENAME TABLE $renames"

log "installed SEI $SEI_VERSION: $sei holds $(count_tables "$sei") tables, $sip holds $(count_tables "$sip")"
