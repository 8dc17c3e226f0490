#!/bin/bash
# The two steps that move the database accounts to a new generation of
# passwords while the instance serves (docs/runbooks/rotate-credentials.md;
# the Jobs in constructs/password-rotation.ts). MariaDB (10.4 and later) lets
# an account have several passwords (`IDENTIFIED VIA mysql_native_password
# USING … OR …`), MySQL 8 one current and one retained; either way:
#
# - `accept`, before the app restarts: each account logs in with the Secret's
#   new password and with every password it has now, so the running pods
#   (old passwords) and the new ones (new passwords) both work;
# - `retire`, once the app and scheduler run with the new Secret: each account
#   has only the new password, so the old one is worth nothing.
#
# Both steps are idempotent (a Job retried, or run again at the next deploy
# that runs pods, changes nothing more) and end by logging in as each account
# with its new password.
#
# Environment: ROTATION_STEP (accept or retire), ROTATED_ACCOUNTS (the
# accounts, in order, as space-separated `user=VARIABLE`, VARIABLE being the
# environment variable, named after its Secret key, that holds the account's
# new password), DB_HOST, DB_PORT, DB_ADMIN, MYSQL_PWD (the administrator's
# password: the client reads it, so it is never on a command line) and ENGINE
# (mariadb or mysql).
set -euo pipefail
client="$(command -v mariadb || command -v mysql)"
admin() { "$client" --host="$DB_HOST" --port="$DB_PORT" --user="$DB_ADMIN" --batch --skip-column-names -e "$1"; }
step="$ROTATION_STEP"
[[ "$step" =~ ^(accept|retire)$ ]] || { echo "ROTATION_STEP must be accept or retire, not \"$step\"" >&2; exit 1; }

rotate() {
  local user="$1" new="$2"
  # random_password with special = false: letters and digits, safe inside SQL quotes. Anything else stops here.
  [[ "$new" =~ ^[A-Za-z0-9]+$ ]] || { echo "the new password of $user must be letters and digits" >&2; exit 1; }
  if [ "$ENGINE" = mysql ]; then
    if [ "$step" = accept ]; then
      admin "ALTER USER '$user'@'%' IDENTIFIED BY '$new' RETAIN CURRENT PASSWORD"
    else
      admin "ALTER USER '$user'@'%' IDENTIFIED BY '$new'; ALTER USER '$user'@'%' DISCARD OLD PASSWORD"
    fi
  else
    local using="mysql_native_password USING PASSWORD('$new')" hash
    if [ "$step" = accept ]; then
      # Every password hash the account has now (one, or several after an accept that was not retired).
      while read -r hash; do
        using+=" OR mysql_native_password USING '$hash'"
      done < <(admin "SHOW CREATE USER '$user'@'%'" | grep -o "'\*[0-9A-F]\{40\}'" | tr -d "'" | sort -u)
    fi
    admin "ALTER USER '$user'@'%' IDENTIFIED VIA $using"
  fi
  MYSQL_PWD="$new" "$client" --host="$DB_HOST" --port="$DB_PORT" --user="$user" --batch --skip-column-names -e "SELECT 1" >/dev/null
  echo "$step: $user logs in with the new password$([ "$step" = accept ] && echo ' and its current ones' || echo ' only')"
}

read -ra accounts <<<"$ROTATED_ACCOUNTS"
for account in "${accounts[@]}"; do
  user="${account%%=*}" variable="${account#*=}"
  # Plan names: an SQL user name and an environment variable's. Anything else stops here, before any change.
  [[ "$account" = *=* && "$user" =~ ^[A-Za-z0-9_]+$ && "$variable" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
    { echo "ROTATED_ACCOUNTS: \"$account\" is not user=VARIABLE" >&2; exit 1; }
done
for account in "${accounts[@]}"; do
  variable="${account#*=}"
  rotate "${account%%=*}" "${!variable}"
done
echo "$step: done"
