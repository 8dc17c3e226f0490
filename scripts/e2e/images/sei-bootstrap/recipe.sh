# shellcheck shell=bash disable=SC2034
# The first-install image of the chart's bootstrap hook (images/bootstrap/Containerfile's tools: the
# mariadb client, bash, php-cli with mysqli), whose "reference dumps" are the TEST FIXTURE
# test/fixtures/reference-dumps (written for this project: the tables and columns the bootstrap
# touches), never SEI's real dumps. The Job's scripts come from the chart, as in production.
# The tag says the SEI version the fixture stands in for (platform.yaml requires the pin).
repo="$(cd "$RECIPE/../../../.." && pwd)"
sei_version="$(sed -n 's/^export const SEI_VERSION = "\(.*\)";$/\1/p' "$repo/core/image-contract.ts")"
IMAGE_TAG="$sei_version-fixture-1"
DEBIAN_PACKAGES=(mariadb-client php8.2-cli php8.2-mysql)
mapfile -t IMAGE_INPUTS < <(find "$repo/test/fixtures/reference-dumps" -type f -name '*.sql' | sort)
IMAGE_ENV=("SEI_VERSION=$sei_version" SEI_BOOTSTRAP_DUMPS=/opt/sei-bootstrap/dumps)
IMAGE_USER=65532:65532

customize() {
  add_user bootstrap 65532 /tmp
  install -d "$ROOTFS/opt/sei-bootstrap/dumps"
  install -m 0644 "${IMAGE_INPUTS[@]}" "$ROOTFS/opt/sei-bootstrap/dumps/"
  rm -rf "$ROOTFS"/etc/init.d
}
