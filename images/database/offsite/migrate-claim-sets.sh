#!/bin/bash
# Uploads the nightly sets of a legacy backup claim to the backup store and proves the uploaded
# copy, for `sei-infra backups migrate-claim` (docs/backups.md, "Existing backup claims"). It runs
# in a Job of the namespace that mounts the claim read-only at CLAIM, with the store's Secret.
#
# For each complete set (CLAIM/sets/YYYY-MM-DD; a `.partial-` one is a backup that never finished
# and is left out), in date order:
# 1. `restic backup` of the set's folder, tagged municipality=<name>, kind=claim-set, set=<date>,
#    with the set's date as the snapshot's time (so the tier's retention sees it as that day's);
# 2. the SHA-256 of every file of the set on the claim, and of every file of the snapshot as the
#    store returns it (`restic dump --archive tar`, hashed by GNU tar's --to-command, never
#    written to disk): the two lists must be equal, file for file.
# Then `restic check --read-data`: every pack of the repository read back and checked against its
# hash. Any difference or failure exits 1, naming it; the last line on success is
# `migrated N sets, F files`, the snapshot of each set named before it (`set <date> <id>: …`).
#
# Environment: MUNICIPALITY, CLAIM (the claim's mount point, read-only), and the store's (store.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=store.sh
. "$(dirname "${BASH_SOURCE[0]}")/store.sh"

store_check
store_require CLAIM
[[ -d "$CLAIM/sets" ]] || store_fail "CLAIM ($CLAIM) has no sets folder: is the backup claim mounted there?"

mapfile -t sets < <(find "$CLAIM/sets" -mindepth 1 -maxdepth 1 -type d -name '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' -printf '%f\n' | sort)
((${#sets[@]} > 0)) || store_fail "the claim holds no complete set under $CLAIM/sets: nothing to migrate"

# hash_list: "<sha256>  ./<path>" per regular file, sorted; the same form for the claim and the store.
claim_hashes() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) | LC_ALL=C sort -k 2; }
# GNU tar runs the command per file with TAR_FILENAME set; restic's archive names the set's own path.
# shellcheck disable=SC2016 # the command is tar's, expanded by the shell tar starts per file
store_hashes() {
  store_restic dump --archive tar "$1" "$2" |
    tar -x -f - --to-command='printf "%s  ./%s\n" "$(sha256sum | cut -d" " -f1)" "${TAR_FILENAME#*/sets/*/}"' |
    LC_ALL=C sort -k 2
}

files=0
for set in "${sets[@]}"; do
  dir="$CLAIM/sets/$set"
  store_log "set $set: uploading"
  snapshot="$(store_restic backup --json --host "$MUNICIPALITY" --tag "municipality=$MUNICIPALITY" --tag kind=claim-set \
    --tag "set=$set" --time "$set 00:00:00" "$dir" | sed -n 's/.*"message_type":"summary".*"snapshot_id":"\([0-9a-f]\{8,64\}\)".*/\1/p')"
  [[ "$snapshot" =~ ^[0-9a-f]{8,64}$ ]] || store_fail "set $set: restic wrote no snapshot"
  claim_hashes "$dir" >"$TMPDIR/claim.sha256"
  store_hashes "$snapshot" "$dir" >"$TMPDIR/store.sha256"
  if ! cmp -s "$TMPDIR/claim.sha256" "$TMPDIR/store.sha256"; then
    diff "$TMPDIR/claim.sha256" "$TMPDIR/store.sha256" | head -n 5 >&2 || true
    store_fail "set $set: the uploaded copy differs from the claim (above: < claim, > store)"
  fi
  count="$(wc -l <"$TMPDIR/claim.sha256")"
  files=$((files + count))
  store_log "set $set $snapshot: $count files, each the same in the store"
done

store_log "reading back every pack of the repository (restic check --read-data)"
store_restic check --read-data >&2 || store_fail "restic check --read-data failed: the repository is not sound"
store_log "migrated ${#sets[@]} sets, $files files"
