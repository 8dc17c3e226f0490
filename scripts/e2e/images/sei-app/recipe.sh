# shellcheck shell=bash disable=SC2034
# The STAND-IN APP (images/standin: NOT SEI) in the SEI app image's runtime (images/app/runtime:
# Apache + PHP 8.2 from Debian 12, its entrypoint, apache.conf and php.ini), built from the same files
# as images/standin/Containerfile, read from there (nothing is copied into this folder). It runs where
# the chart runs SEI's image: the app, the scheduler and the updater hook. Its updater and scheduler
# scripts are stand-ins too: they migrate and run nothing (images/standin/infra/infra_php/Infra.php says what
# they check). It trusts the local cluster's test CA (scripts/e2e/test-ca.sh), as SEI's image trusts
# the issuer of the Ingress's certificate, so its calls to SIP through APP_HOST check TLS.
# The tag says the SEI version it stands in for (platform.yaml requires the pin in the app tag).
repo="$(cd "$RECIPE/../../../.." && pwd)"
sei_version="$(sed -n 's/^export const SEI_VERSION = "\(.*\)";$/\1/p' "$repo/core/image-contract.ts")"
sip_version="$(sed -n 's/^export const SIP_VERSION = "\(.*\)";$/\1/p' "$repo/core/image-contract.ts")"
IMAGE_TAG="$sei_version-standin-1"
DEBIAN_PACKAGES=(apache2 libapache2-mod-php8.2 php8.2-cli php8.2-mysql php8.2-curl php8.2-memcached php8.2-ldap ca-certificates curl)
mapfile -t IMAGE_INPUTS < <(find "$repo/images/app/runtime" "$repo/images/standin" -type f ! -name Containerfile | sort)
IMAGE_INPUTS+=("$("$RECIPE/../../test-ca.sh" cert)")
IMAGE_ENTRYPOINT=(/usr/local/bin/sei-entrypoint)
IMAGE_USER=33:33
IMAGE_PORTS=(8000/tcp)
# As images/standin/Containerfile sets them.
IMAGE_ENV=(
  "STANDIN_SEI_VERSION=$sei_version" "STANDIN_SIP_VERSION=$sip_version"
  SEI_WEB_ROOT=/opt/standin/web SEI_WEB_ROOT_SEI=/opt/standin/web/sei SEI_WEB_ROOT_SIP=/opt/standin/web/sip
  SEI_WEB_ROOT_INFRA_CSS=/opt/standin/web/infra_css SEI_WEB_ROOT_INFRA_JS=/opt/standin/web/infra_js
)

customize() {
  local runtime="$repo/images/app/runtime" standin="$repo/images/standin"
  install -m 0644 "$runtime/apache.conf" "$ROOTFS/etc/apache2/sei.conf"
  install -m 0644 "$runtime/php.ini" "$ROOTFS/etc/php/8.2/apache2/conf.d/90-sei.ini"
  install -m 0644 "$runtime/php.ini" "$ROOTFS/etc/php/8.2/cli/conf.d/90-sei.ini"
  install -m 0644 "$runtime/web/session.ini" "$ROOTFS/etc/php/8.2/apache2/conf.d/91-sei-session.ini"
  install -m 0644 "$runtime/cli/session.ini" "$ROOTFS/etc/php/8.2/cli/conf.d/91-sei-session.ini"
  install -m 0755 "$runtime/entrypoint.sh" "$ROOTFS/usr/local/bin/sei-entrypoint"
  install -d "$ROOTFS/opt/standin"
  cp -r --no-preserve=ownership "$standin/web" "$ROOTFS/opt/standin/"
  # The stand-in's framework (NOT SEI's) where SEI's is: found through include_path only.
  cp -r --no-preserve=ownership "$standin/infra" "$ROOTFS/opt/"
  cp -r --no-preserve=ownership "$standin/sei" "$standin/sip" "$ROOTFS/opt/"
  install -d -o 33 -g 33 "$ROOTFS/var/sei/arquivos" "$ROOTFS/run/apache2"
  install -m 0644 "${IMAGE_INPUTS[-1]}" "$ROOTFS/usr/local/share/ca-certificates/sei-e2e-test-ca.crt"
  chroot "$ROOTFS" update-ca-certificates >/dev/null
  # Debian's site machinery and init scripts are unused: apache.conf is self-contained.
  rm -rf "$ROOTFS"/etc/init.d "$ROOTFS"/etc/apache2/sites-enabled "$ROOTFS"/var/www/html
}
