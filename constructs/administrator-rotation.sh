#!/bin/bash
# The two steps that move the database administrator (`root`) to a new
# password (docs/runbooks/rotate-credentials.md; the Jobs in
# constructs/password-rotation.ts). The other rotation Jobs, the first
# install, the updater and a restore log in as the administrator with the
# Secret's password, so this rotation runs first and last around them:
#
# - `accept`, first: logs in with the Secret's new password, or, while the
#   database does not take it yet, with the previous generation's; then every
#   host entry of the administrator (root@'%' and root@localhost) takes the new
#   password beside the ones it has, so whatever still holds the previous one
#   (a restore running, a shell in the database pod started before) keeps
#   working;
# - `retire`, last: logs in with the new password and leaves each entry only
#   the new one. An entry's other ways in (`unix_socket`, which the MariaDB
#   image gives root@localhost) stay as they were.
#
# Idempotent like the accounts' steps (password-rotation.sh), and each ends by
# logging in with the new password (retire: and by checking that the previous
# one no longer does).
#
# Environment: ROTATION_STEP (accept or retire), DB_HOST, DB_PORT, DB_ADMIN,
# ENGINE (mariadb or mysql), ADMIN_PASSWORD (the Secret's, new) and
# ADMIN_PREVIOUS_PASSWORD. No password is ever on a command line: the client
# reads MYSQL_PWD.
set -euo pipefail
client="$(command -v mariadb || command -v mysql)"
step="$ROTATION_STEP"
[[ "$step" =~ ^(accept|retire)$ ]] || { echo "ROTATION_STEP must be accept or retire, not \"$step\"" >&2; exit 1; }
for variable in ADMIN_PASSWORD ADMIN_PREVIOUS_PASSWORD; do
  # random_password with special = false: letters and digits, safe inside SQL quotes. Anything else stops here.
  [[ "${!variable}" =~ ^[A-Za-z0-9]+$ ]] || { echo "$variable must be letters and digits" >&2; exit 1; }
done
logs_in() { MYSQL_PWD="$1" "$client" --host="$DB_HOST" --port="$DB_PORT" --user="$DB_ADMIN" --batch --skip-column-names -e "SELECT 1" >/dev/null 2>&1; }
if logs_in "$ADMIN_PASSWORD"; then
  export MYSQL_PWD="$ADMIN_PASSWORD"
elif [ "$step" = accept ] && logs_in "$ADMIN_PREVIOUS_PASSWORD"; then
  export MYSQL_PWD="$ADMIN_PREVIOUS_PASSWORD"
else
  if [ "$step" = accept ]; then
    echo "accept: $DB_ADMIN logs in with neither the new password nor the previous one: nothing changed" >&2
  else
    echo "retire: $DB_ADMIN does not log in with the new password yet (accept has not run): nothing changed" >&2
  fi
  exit 1
fi
admin() { "$client" --host="$DB_HOST" --port="$DB_PORT" --user="$DB_ADMIN" --batch --skip-column-names -e "$1"; }
new="$ADMIN_PASSWORD"
new_hash=""
[ "$ENGINE" = mysql ] || new_hash="$(admin "SELECT PASSWORD('$new')")"

hosts="$(admin "SELECT Host FROM mysql.user WHERE User = '$DB_ADMIN'")"
[ -n "$hosts" ] || { echo "$step: no account $DB_ADMIN" >&2; exit 1; }
while read -r host; do
  [[ "$host" =~ ^[A-Za-z0-9.%_:-]+$ ]] || { echo "$step: unexpected host of $DB_ADMIN: $host" >&2; exit 1; }
  account="'$DB_ADMIN'@'$host'"
  if [ "$ENGINE" = mysql ]; then
    if [ "$step" = accept ]; then
      admin "ALTER USER $account IDENTIFIED BY '$new' RETAIN CURRENT PASSWORD"
    else
      admin "ALTER USER $account IDENTIFIED BY '$new'; ALTER USER $account DISCARD OLD PASSWORD"
    fi
    continue
  fi
  current="$(admin "SHOW CREATE USER $account")"
  using="mysql_native_password USING PASSWORD('$new')"
  if [ "$step" = accept ]; then
    # Every password the entry takes now but the new one (already there when the Job is retried).
    while read -r hash; do
      [ -n "$hash" ] && [ "$hash" != "$new_hash" ] && using+=" OR mysql_native_password USING '$hash'"
    done < <(grep -o "'\*[0-9A-F]\{40\}'" <<<"$current" | tr -d "'" | sort -u)
  fi
  if grep -q unix_socket <<<"$current"; then using+=" OR unix_socket"; fi
  admin "ALTER USER $account IDENTIFIED VIA $using"
done <<<"$hosts"

logs_in "$new" || { echo "$step: $DB_ADMIN does not log in with the new password" >&2; exit 1; }
if [ "$step" = retire ] && [ "$ADMIN_PREVIOUS_PASSWORD" != "$new" ] && logs_in "$ADMIN_PREVIOUS_PASSWORD"; then
  echo "retire: $DB_ADMIN still logs in with the previous password" >&2
  exit 1
fi
echo "$step: $DB_ADMIN logs in with the new password$([ "$step" = accept ] && echo ' and its current ones' || echo ' only') ($(tr '\n' ' ' <<<"$hosts" | sed 's/ $//'))"
echo "$step: done"
