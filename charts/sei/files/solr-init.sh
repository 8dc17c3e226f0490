#!/usr/bin/env bash
# Prepares the Solr volume before Solr starts (init container of the Solr pod):
#   1. the Solr home on the volume (the official image's init-var-solr);
#   2. the SEI cores, each from the configset of the same name shipped in the
#      image, created only when absent (the official image's precreate-core), so
#      an existing index is never touched;
#   3. security.json: basic auth for user $SOLR_USERNAME with $SOLR_PASSWORD from
#      the app Secret, rewritten on every start so a new password in the Secret
#      takes effect with a restart. Probe paths stay open (role null); every other
#      request needs the user. During a rotation (docs/runbooks/rotate-credentials.md)
#      the Secret also names the previous user, $SOLR_PREVIOUS_USERNAME: while
#      security.json still has it (the rotation's accept added the new user through
#      Solr's API, its retire has not removed the old one yet), it stays, with its
#      hash as it is, so the pods not yet rolled keep logging in.
# Sourcing this file only defines the functions (the chart tests use that).
set -euo pipefail

# Solr's Sha256AuthenticationProvider format: base64(sha256(sha256(salt + password))) " " base64(salt).
# Usage: solr_password_hash PASSWORD [SALT_HEX]  (a random 32-byte salt when none is given)
solr_password_hash() {
  local password=$1 salt_hex=${2:-} first second
  if [[ -z $salt_hex ]]; then
    salt_hex=$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
  fi
  first=$({ hex_to_bytes "$salt_hex"; printf '%s' "$password"; } | sha256sum | cut -d' ' -f1)
  second=$(hex_to_bytes "$first" | sha256sum | cut -d' ' -f1)
  printf '%s %s' "$(hex_to_bytes "$second" | base64 -w0)" "$(hex_to_bytes "$salt_hex" | base64 -w0)"
}

# Writes the bytes a hex string spells (no xxd in the Solr image).
hex_to_bytes() {
  local hex=$1 escaped="" i
  for ((i = 0; i < ${#hex}; i += 2)); do escaped+="\\x${hex:i:2}"; done
  printf '%b' "$escaped"
}

# Usage: security_json USER HASH [USER HASH]...  (every user gets the admin role)
security_json() {
  local credentials="" roles="" separator=""
  while (($# >= 2)); do
    credentials+="$separator\"$1\": \"$2\""
    roles+="$separator\"$1\": [\"admin\"]"
    separator=", "
    shift 2
  done
  cat <<JSON
{
  "authentication": {
    "class": "solr.BasicAuthPlugin",
    "blockUnknown": false,
    "forwardCredentials": false,
    "credentials": { $credentials }
  },
  "authorization": {
    "class": "solr.RuleBasedAuthorizationPlugin",
    "user-role": { $roles },
    "permissions": [
      { "name": "probe-system-info", "role": null, "collection": null, "path": "/admin/info/system" },
      { "name": "probe-ping", "role": null, "collection": "*", "path": "/admin/ping" },
      { "name": "all", "role": "admin" }
    ]
  }
}
JSON
}

# The hash security.json FILE holds for USER, or nothing (no file, no such user). Solr rewrites the file
# when its API edits it, in a layout of its own: the entry is found by its shape, "USER" : "HASH SALT".
# Usage: stored_hash FILE USER
stored_hash() {
  local file=$1 user=$2
  [[ -f $file && $user =~ ^[a-z][a-z0-9-]*$ ]] || return 0
  tr -d '\n' <"$file" | grep -o "\"$user\"[[:space:]]*:[[:space:]]*\"[A-Za-z0-9+/=]* [A-Za-z0-9+/=]*\"" |
    head -n 1 | sed 's/.*:[[:space:]]*"\(.*\)"$/\1/' || true
}

main() {
  : "${SOLR_USERNAME:?}" "${SOLR_PASSWORD:?}" "${SEI_SOLR_CORES:?}"
  local solr_home=${SOLR_HOME:-/var/solr/data}
  local configsets=${SEI_SOLR_CONFIGSETS:-/opt/solr/server/solr/configsets}
  local core

  init-var-solr
  for core in $SEI_SOLR_CORES; do
    if [[ -d $solr_home/$core ]]; then
      echo "solr-init: core $core exists, keeping it"
      continue
    fi
    if [[ ! -f $configsets/$core/conf/solrconfig.xml ]]; then
      echo "solr-init: the image has no configset $configsets/$core; SEI's Solr image must ship one per core" >&2
      exit 1
    fi
    precreate-core "$core" "$configsets/$core"
  done

  local users=("$SOLR_USERNAME" "$(solr_password_hash "$SOLR_PASSWORD")") previous=${SOLR_PREVIOUS_USERNAME:-} kept
  if [[ -n $previous && $previous != "$SOLR_USERNAME" ]]; then
    kept=$(stored_hash "$solr_home/security.json" "$previous")
    if [[ -n $kept ]]; then
      users+=("$previous" "$kept")
      echo "solr-init: keeping $previous beside $SOLR_USERNAME (a rotation is under way)"
    fi
  fi
  security_json "${users[@]}" >"$solr_home/security.json.new"
  chmod 600 "$solr_home/security.json.new"
  mv -f "$solr_home/security.json.new" "$solr_home/security.json"
  echo "solr-init: cores ready ($SEI_SOLR_CORES), basic auth for $SOLR_USERNAME"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
