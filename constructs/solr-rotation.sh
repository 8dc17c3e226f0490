#!/bin/bash
# The two steps that move SEI to a new Solr user and password while the
# instance serves (docs/runbooks/rotate-credentials.md, "Solr's password").
# Solr's basic auth has one password per user, so each generation has a user of
# its own, and security.json holds both during the move:
#
# - accept, before the release: the previous user adds the new one, with the
#   admin role, through Solr's edit API (in standalone mode Solr writes the change
#   to security.json on its volume and applies it at once); the app's pods, not
#   rolled yet, keep logging in as the previous user;
# - retire, once the app and scheduler run with the new Secret: the new user
#   removes the previous one, and the script checks the previous user is refused.
#
# Both are idempotent (a retried Job, or the next deploy that runs pods, changes
# nothing more) and end by logging in as the new user. Solr's init container
# keeps the previous user while security.json has it (charts/sei/files/solr-init.sh),
# so a Solr restart between the two steps keeps both.
#
# Usage: solr-rotation.sh accept|retire
# Environment: SOLR_URL (http://sei-solr:8983/solr), SOLR_USERNAME and
# SOLR_PASSWORD (the new ones), SOLR_PREVIOUS_USERNAME and SOLR_PREVIOUS_PASSWORD;
# SOLR_WAIT_SECONDS (how long accept waits for a Solr that does not answer yet,
# default 300). No password is on a command line: curl reads them from its
# standard input (-K -).
set -euo pipefail

step=${1:-}
[[ $step == accept || $step == retire ]] || { echo "usage: $0 accept|retire" >&2; exit 2; }
: "${SOLR_URL:?}"
for variable in SOLR_USERNAME SOLR_PREVIOUS_USERNAME; do
  [[ ${!variable:-} =~ ^[a-z][a-z0-9-]*$ ]] || { echo "$step: $variable must be a lower-case name" >&2; exit 1; }
done
for variable in SOLR_PASSWORD SOLR_PREVIOUS_PASSWORD; do
  # random_password with special = false: letters and digits, safe inside JSON and curl's configuration.
  [[ ${!variable:-} =~ ^[A-Za-z0-9]+$ ]] || { echo "$step: $variable must be letters and digits" >&2; exit 1; }
done
new=$SOLR_USERNAME
previous=$SOLR_PREVIOUS_USERNAME

# The HTTP status of a request to PATH as USER with PASSWORD (none when USER is empty), with BODY (JSON)
# as a POST; 000 when Solr does not answer.
# Usage: status USER PASSWORD PATH [BODY]
status() {
  local user=$1 password=$2 path=$3 body=${4:-} code
  code=$(
    {
      if [[ -n $user ]]; then printf 'user = "%s:%s"\n' "$user" "$password"; fi
      if [[ -n $body ]]; then printf 'data-binary = "%s"\n' "${body//\"/\\\"}"; fi
    } | curl --silent --show-error --output /dev/null --write-out '%{http_code}' --max-time 30 \
      --header 'Content-Type: application/json' --config - "$SOLR_URL$path"
  ) || true
  printf '%s' "${code:-000}"
}

# A request every user of the admin role may make: 200 logs in, 401 is refused.
logs_in() { [[ $(status "$1" "$2" /admin/cores?action=STATUS) == 200 ]]; }
# 401 only when Solr knows no such user with that password (403: it does, without the role).
known() { [[ $(status "$1" "$2" /admin/cores?action=STATUS) =~ ^(200|403)$ ]]; }

# An edit through Solr's API as USER: stops the step when Solr refuses it.
# Usage: edit USER PASSWORD API BODY
edit() {
  local answer
  answer=$(status "$1" "$2" "/admin/$3" "$4")
  [[ $answer == 200 ]] || { echo "$step: Solr answered $answer to an edit of its $3 as $1: nothing more changed" >&2; exit 1; }
}

if [[ $step == accept ]]; then
  # Solr answers its open probe path once it runs (without credentials: Solr refuses unknown ones on any
  # path); a name that does not resolve means the release has not made Solr yet (the first install): it
  # then starts with the Secret's user, and nothing is to accept.
  waited=0
  until [[ $(status "" "" /admin/info/system) == 200 ]]; do
    if ! getent hosts "$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$SOLR_URL")" >/dev/null; then
      echo "accept: no Solr yet (first install): it will start with $new"
      echo "accept: done"
      exit 0
    fi
    if ((waited >= ${SOLR_WAIT_SECONDS:-300})); then
      echo "accept: Solr at $SOLR_URL did not answer for ${waited}s: nothing changed" >&2
      exit 1
    fi
    sleep 5
    waited=$((waited + 5))
  done
  if ! logs_in "$new" "$SOLR_PASSWORD"; then
    logs_in "$previous" "$SOLR_PREVIOUS_PASSWORD" || {
      echo "accept: Solr takes neither $new with the new password nor $previous with the previous one: nothing changed" >&2
      exit 1
    }
    edit "$previous" "$SOLR_PREVIOUS_PASSWORD" authentication "{\"set-user\": {\"$new\": \"$SOLR_PASSWORD\"}}"
    edit "$previous" "$SOLR_PREVIOUS_PASSWORD" authorization "{\"set-user-role\": {\"$new\": [\"admin\"]}}"
  fi
  logs_in "$new" "$SOLR_PASSWORD" || { echo "accept: $new does not log in with the new password" >&2; exit 1; }
  if logs_in "$previous" "$SOLR_PREVIOUS_PASSWORD"; then
    echo "accept: Solr takes $new with the new password and $previous with the previous one"
  else
    echo "accept: Solr takes $new with the new password ($previous is gone already)"
  fi
else
  logs_in "$new" "$SOLR_PASSWORD" || {
    echo "retire: $new does not log in to Solr with the new password (accept has not run): nothing changed" >&2
    exit 1
  }
  if known "$previous" "$SOLR_PREVIOUS_PASSWORD"; then
    edit "$new" "$SOLR_PASSWORD" authorization "{\"set-user-role\": {\"$previous\": null}}"
    edit "$new" "$SOLR_PASSWORD" authentication "{\"delete-user\": [\"$previous\"]}"
  fi
  answer=$(status "$previous" "$SOLR_PREVIOUS_PASSWORD" /admin/cores?action=STATUS)
  [[ $answer == 401 ]] || { echo "retire: Solr still answers $answer to $previous with the previous password" >&2; exit 1; }
  logs_in "$new" "$SOLR_PASSWORD" || { echo "retire: $new no longer logs in" >&2; exit 1; }
  echo "retire: Solr takes $new with the new password only ($previous is refused)"
fi
echo "$step: done"
