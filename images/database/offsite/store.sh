# shellcheck shell=bash
# Sourced by the off-site scripts of this folder: the backup store as the namespace's Secret
# `sei-backup-store` gives it (environment variables RESTIC_REPOSITORY, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, RESTIC_PASSWORD; its ca.crt, when the store has a
# private CA, mounted as the file BACKUP_STORE_CA names), and restic's writable places under a
# read-only root (TMPDIR, RESTIC_CACHE_DIR). The repository exists already: the operator made it
# (a tenant's credential cannot create one).

# store_fail MESSAGE: one line on stderr, prefixed with the script's name, then exit 1.
store_fail() {
  printf '%s: ERROR: %s\n' "${0##*/}" "$*" >&2
  exit 1
}

store_log() { printf '%s: %s\n' "${0##*/}" "$*"; }

# store_require NAME...: each of these environment variables is set.
store_require() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || store_fail "$name is not set"
  done
}

# store_check: every variable set, the writable folders writable, before anything runs.
store_check() {
  local name
  for name in RESTIC_REPOSITORY AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION RESTIC_PASSWORD \
    MUNICIPALITY TMPDIR RESTIC_CACHE_DIR; do
    [[ -n "${!name:-}" ]] || store_fail "$name is not set (the Secret sei-backup-store and the pod give it)"
  done
  [[ "$MUNICIPALITY" =~ ^[a-z0-9-]{1,63}$ ]] || store_fail "MUNICIPALITY \"$MUNICIPALITY\" is not a namespace-style name"
  for name in TMPDIR RESTIC_CACHE_DIR; do
    [[ -d "${!name}" && -w "${!name}" ]] || store_fail "$name (${!name}) is not a writable folder: restic needs one"
  done
  store_ca=()
  if [[ -n "${BACKUP_STORE_CA:-}" ]]; then
    [[ -f "$BACKUP_STORE_CA" ]] || store_fail "BACKUP_STORE_CA names $BACKUP_STORE_CA, which is not a file"
    store_ca=(--cacert "$BACKUP_STORE_CA")
  fi
}

# store_restic ARGS...: restic against the store, with the store's CA when it has one (store_ca,
# set by store_check; a script that must signal restic itself runs `restic "${store_ca[@]}"`).
store_restic() { restic "${store_ca[@]}" "$@"; }
