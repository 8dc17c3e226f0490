#!/usr/bin/env bash
# Container images of the local cluster, built here from Debian packages (or from binaries of the
# toolchain), never downloaded from a registry.
#
#   scripts/e2e/images.sh build [NAME...]      build what is missing (all recipes by default); prints archive paths
#   scripts/e2e/images.sh ref NAME             the image reference, e.g. sei-e2e.local/mariadb:10.11
#   scripts/e2e/images.sh list                 NAME REFERENCE ARCHIVE, one recipe a line (ARCHIVE "-" if not built)
#   scripts/e2e/images.sh import SOCKET [NAME...]   build what is missing, then import into the containerd at
#                                              SOCKET (namespace k8s.io, where the kubelet looks)
#
# One folder per image: scripts/e2e/images/NAME/recipe.sh, sourced in a subshell, sets
#   IMAGE_TAG            required; the reference is sei-e2e.local/NAME:IMAGE_TAG
#   DEBIAN_PACKAGES=()   packages installed with mmdebstrap (variant "essential", no recommends) from
#                        this machine's Debian sources; empty: the image starts from an empty directory
#   IMAGE_ENTRYPOINT=() IMAGE_CMD=() IMAGE_ENV=() IMAGE_USER IMAGE_WORKDIR IMAGE_PORTS=()  OCI config
#   IMAGE_INPUTS=()      files outside the folder that customize copies in (their content is part of the key)
#   customize()          optional; runs as root with ROOTFS (the image's root directory) and RECIPE (the
#                        folder) set, after the packages are installed: add files, users, remove what is unused;
#                        `add_user NAME ID HOME` adds a user and a group of that id (no passwd package needed)
# Other files of the folder (scripts, configuration) are free for customize to copy.
#
# Cache (outside the repository): $SEI_CACHE/e2e/debs/ (downloaded .debs, reused by later builds),
# $SEI_CACHE/e2e/images/NAME/KEY.oci.tar, an OCI image layout in a tar
# with one uncompressed layer (imports fast), and KEY.packages (the Debian packages and versions in it).
# KEY hashes IMAGE_FORMAT, every file of the recipe folder and IMAGE_INPUTS: an image is rebuilt only
# when one of them changes (SEI_E2E_IMAGES_REBUILD=1 rebuilds anyway, e.g. for Debian security updates).
# File times are clamped to SOURCE_DATE_EPOCH (the recipe folder's newest commit, else 0), so two
# builds from the same packages give the same layer.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tools/lib.sh
. "$here/../tools/lib.sh"

RECIPES="$here/images"
# Recipes of images made from toolchain binaries read their paths from the toolchain's variables.
if [[ -z "${SEI_E2E_COREDNS:-}" ]]; then eval "$("$here/toolchain.sh")"; fi
STORE="$SEI_CACHE/e2e/images"
DEBS="$SEI_CACHE/e2e/debs"        # Debian packages downloaded by earlier image builds
REGISTRY=sei-e2e.local           # a name no registry answers to: these images exist only here
DEBIAN_SUITE="${SEI_E2E_DEBIAN_SUITE:-bookworm}"
# Bump when a change to build_one changes what an image holds: every image is then rebuilt.
IMAGE_FORMAT=1
DEBIAN_SOURCES="${SEI_E2E_DEBIAN_SOURCES:-/etc/apt/sources.list.d/debian.sources}"

recipe_names() {
  local d
  for d in "$RECIPES"/*/recipe.sh; do basename "$(dirname "$d")"; done
}

# load_recipe NAME: source the recipe into fresh variables (call in a subshell).
load_recipe() {
  local file="$RECIPES/$1/recipe.sh"
  [[ -f "$file" ]] || sei_die "no image recipe $file (recipes: $(recipe_names | tr '\n' ' '))"
  IMAGE_TAG="" DEBIAN_PACKAGES=() IMAGE_ENTRYPOINT=() IMAGE_CMD=() IMAGE_ENV=() IMAGE_USER="" IMAGE_WORKDIR=""
  IMAGE_PORTS=() IMAGE_INPUTS=()
  unset -f customize
  RECIPE="$RECIPES/$1"
  # shellcheck disable=SC1090
  . "$file"
  [[ -n "$IMAGE_TAG" ]] || sei_die "$file: IMAGE_TAG is not set"
  local f
  for f in "${IMAGE_INPUTS[@]}"; do [[ -f "$f" ]] || sei_die "$file: IMAGE_INPUTS names $f, which does not exist (run scripts/e2e/toolchain.sh)"; done
}

# add_user NAME ID HOME: for customize, a user NAME and a group NAME, both with id ID, no login.
add_user() {
  local name="$1" id="$2" home="$3"
  grep -q "^$name:" "$ROOTFS/etc/group" || printf '%s:x:%s:\n' "$name" "$id" >>"$ROOTFS/etc/group"
  grep -q "^$name:" "$ROOTFS/etc/passwd" || printf '%s:x:%s:%s::%s:/usr/sbin/nologin\n' "$name" "$id" "$id" "$home" >>"$ROOTFS/etc/passwd"
  if [[ -f "$ROOTFS/etc/shadow" ]] && ! grep -q "^$name:" "$ROOTFS/etc/shadow"; then printf '%s:!:1::::::\n' "$name" >>"$ROOTFS/etc/shadow"; fi
}

image_ref() { (load_recipe "$1"; echo "$REGISTRY/$1:$IMAGE_TAG"); }

image_key() {
  (
    load_recipe "$1"
    {
      echo "format $IMAGE_FORMAT suite $DEBIAN_SUITE"
      (cd "$RECIPE" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
      for f in "${IMAGE_INPUTS[@]}"; do sha256sum <"$f"; done
    } | sha256sum | cut -c1-16
  )
}

archive_of() { echo "$STORE/$1/$(image_key "$1").oci.tar"; }

# json_array ITEM...: a JSON array of strings.
json_array() { jq -cn '$ARGS.positional' --args "$@"; }

# blob DIR FILE MEDIATYPE: move FILE into DIR/blobs/sha256, print its descriptor.
blob() {
  local dir="$1" file="$2" type="$3" digest size
  digest="$(sha256sum "$file" | cut -d' ' -f1)"
  size="$(stat -c %s "$file")"
  mkdir -p "$dir/blobs/sha256"
  mv "$file" "$dir/blobs/sha256/$digest"
  jq -cn --arg t "$type" --arg d "sha256:$digest" --argjson s "$size" '{mediaType: $t, digest: $d, size: $s}'
}

build_one() {
  local name="$1" out work
  out="$(archive_of "$name")"
  if [[ -f "$out" && "${SEI_E2E_IMAGES_REBUILD:-0}" != 1 ]]; then echo "$out"; return 0; fi
  sei_lock "image-$name"
  if [[ -f "$out" && "${SEI_E2E_IMAGES_REBUILD:-0}" != 1 ]]; then echo "$out"; return 0; fi
  [[ "$(id -u)" == 0 ]] || sei_die "building images needs root (mmdebstrap, file owners)"
  command -v jq >/dev/null || sei_die "jq is missing: run scripts/e2e/toolchain.sh"
  work="$(mktemp -d /tmp/sei-image-"$name".XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  local t0=$SECONDS
  (
    load_recipe "$name"
    export SOURCE_DATE_EPOCH
    SOURCE_DATE_EPOCH="$(git -C "$RECIPE" log -1 --format=%ct -- . 2>/dev/null || true)"
    SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-0}"
    ROOTFS="$work/rootfs"
    if [[ ${#DEBIAN_PACKAGES[@]} -gt 0 ]]; then
      command -v mmdebstrap >/dev/null || sei_die "mmdebstrap is missing: run scripts/e2e/toolchain.sh"
      sei_log "$name: mmdebstrap $DEBIAN_SUITE + ${DEBIAN_PACKAGES[*]}"
      # Downloaded packages are kept in $DEBS and offered to the next build (apt checks their hashes
      # against the fresh index and downloads only what is missing or newer); one build at a time.
      mkdir -p "$DEBS"
      # This machine's Debian sources (mirror, security and updates suites); else mmdebstrap's default mirror.
      local sources=()
      if [[ -f "$DEBIAN_SOURCES" ]]; then sources=("$DEBIAN_SOURCES"); fi
      sei_lock image-debs
      # shellcheck disable=SC2016 # $1 is mmdebstrap's: the hooks get the root directory as $1
      mmdebstrap --quiet --variant=essential --dpkgopt=force-unsafe-io --include="$(IFS=,; echo "${DEBIAN_PACKAGES[*]}")" \
        --skip=essential/unlink \
        --setup-hook='mkdir -p "$1"/var/cache/apt/archives' --setup-hook="sync-in $DEBS /var/cache/apt/archives" \
        --customize-hook="sync-out /var/cache/apt/archives $DEBS" \
        --aptopt='APT::Install-Recommends "false"' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        --customize-hook='chroot "$1" dpkg-query -W -f "\${Package} \${Version}\n" > "$1/.packages"' \
        --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*.log "$1"/var/log/apt' \
        "$DEBIAN_SUITE" "$ROOTFS" "${sources[@]}" >&2
      mv "$ROOTFS/.packages" "$work/packages"
    else
      mkdir -p "$ROOTFS"
      : >"$work/packages"
    fi
    if declare -F customize >/dev/null; then
      export ROOTFS RECIPE
      customize
    fi
    # /dev, /proc, /sys are the runtime's; keep the mount points only.
    for d in dev proc sys; do if [[ -d "$ROOTFS/$d" ]]; then find "$ROOTFS/$d" -mindepth 1 -delete; fi; done

    local oci="$work/oci" layer="$work/layer.tar" layer_desc config_desc manifest_desc created
    mkdir -p "$oci"
    tar --create --file "$layer" --directory "$ROOTFS" --sort=name --numeric-owner --xattrs \
      --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime --format=posix \
      --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
    local diff_id
    diff_id="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"
    layer_desc="$(blob "$oci" "$layer" application/vnd.oci.image.layer.v1.tar)"
    created="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
    local ports=() p
    for p in "${IMAGE_PORTS[@]}"; do ports+=("$p"); done
    jq -n --arg created "$created" --arg user "$IMAGE_USER" --arg workdir "$IMAGE_WORKDIR" --arg diff "$diff_id" \
      --argjson entrypoint "$(json_array "${IMAGE_ENTRYPOINT[@]}")" --argjson cmd "$(json_array "${IMAGE_CMD[@]}")" \
      --argjson env "$(json_array "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "${IMAGE_ENV[@]}")" \
      --argjson ports "$(json_array "${ports[@]}")" --arg recipe "scripts/e2e/images/$name" '
      {created: $created, architecture: "amd64", os: "linux",
       config: ({Env: $env, Labels: {"org.opencontainers.image.source": $recipe}}
         + (if $user != "" then {User: $user} else {} end)
         + (if $workdir != "" then {WorkingDir: $workdir} else {} end)
         + (if ($entrypoint | length) > 0 then {Entrypoint: $entrypoint} else {} end)
         + (if ($cmd | length) > 0 then {Cmd: $cmd} else {} end)
         + (if ($ports | length) > 0 then {ExposedPorts: ($ports | map({key: ., value: {}}) | from_entries)} else {} end)),
       rootfs: {type: "layers", diff_ids: [$diff]},
       history: [{created: $created, created_by: ("scripts/e2e/images.sh build " + $recipe)}]}' >"$work/config.json"
    config_desc="$(blob "$oci" "$work/config.json" application/vnd.oci.image.config.v1+json)"
    jq -n --argjson config "$config_desc" --argjson layer "$layer_desc" \
      '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: $config, layers: [$layer]}' \
      >"$work/manifest.json"
    manifest_desc="$(blob "$oci" "$work/manifest.json" application/vnd.oci.image.manifest.v1+json)"
    local ref="$REGISTRY/$name:$IMAGE_TAG"
    jq -n --argjson m "$manifest_desc" --arg ref "$ref" --arg tag "$IMAGE_TAG" \
      '{schemaVersion: 2, manifests: [$m + {platform: {architecture: "amd64", os: "linux"},
        annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $tag}}]}' \
      >"$oci/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
    mkdir -p "$(dirname "$out")"
    tar --create --file "$out.tmp" --directory "$oci" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner .
    mv "$work/packages" "${out%.oci.tar}.packages"
    mv "$out.tmp" "$out"
    # Older builds of this image are dead weight, except the one before: two checkouts of one cache whose
    # recipes differ (a branch that changes an image, and main) would otherwise delete each other's build
    # and rebuild it on every run.
    local old
    find "$(dirname "$out")" -maxdepth 1 -type f -name '*.oci.tar' ! -name "$(basename "$out")" -printf '%T@ %p\n' |
      sort -rn | tail -n +2 | cut -d' ' -f2- | while read -r old; do rm -f "$old" "${old%.oci.tar}.packages"; done
  )
  rm -rf "$work"
  trap - EXIT
  sei_log "built image $(image_ref "$name") in $((SECONDS - t0)) s: $out ($(du -h "$out" | cut -f1))"
  printf '%s\t%s\t%ss\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "image $name" "$((SECONDS - t0))" >>"$SEI_CACHE/timings.log"
  echo "$out"
}

cmd_build() {
  local names=("$@") n
  [[ ${#names[@]} -gt 0 ]] || mapfile -t names < <(recipe_names)
  for n in "${names[@]}"; do build_one "$n"; done
}

cmd_list() {
  local n a
  for n in $(recipe_names); do
    a="$(archive_of "$n")"
    [[ -f "$a" ]] || a="-"
    printf '%s\t%s\t%s\n' "$n" "$(image_ref "$n")" "$a"
  done
}

# import SOCKET [NAME...]: skip what this containerd already holds under the same manifest digest.
cmd_import() {
  local socket="${1:?usage: images.sh import SOCKET [NAME...]}"; shift
  local names=("$@") n archive ref want
  [[ ${#names[@]} -gt 0 ]] || mapfile -t names < <(recipe_names)
  for n in "${names[@]}"; do
    archive="$(build_one "$n")"
    ref="$(image_ref "$n")"
    want="$(tar -xOf "$archive" ./index.json | jq -r '.manifests[0].digest')"
    if ctr --address "$socket" -n k8s.io images ls "name==$ref" 2>/dev/null | grep -q "$want"; then continue; fi
    local t0=$SECONDS
    # (ctr warns that containerd deprecates cgroup v1 on every call: known, see node.sh.)
    ctr --address "$socket" -n k8s.io images import "$archive" 2>&1 >/dev/null | { grep -v 'DEPRECATION.*cgroup v1' || true; } >&2
    sei_log "imported $ref in $((SECONDS - t0)) s"
  done
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  ref) image_ref "${2:?usage: images.sh ref NAME}" ;;
  list) cmd_list ;;
  import) shift; cmd_import "$@" ;;
  *) echo "usage: $0 build [NAME...] | ref NAME | list | import SOCKET [NAME...]" >&2; exit 2 ;;
esac
