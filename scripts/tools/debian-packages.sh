#!/usr/bin/env bash
# Install the Debian packages the unit tests run for real, when one is missing:
#   mariadb-server  the bootstrap tests' private MariaDB 10.11 (test/support/mariadb.ts)
#   php8.2-*        the bootstrap's first-install.php and the stand-in app
#   apache2, libapache2-mod-php8.2, memcached  the stand-in app's tests
#   ShellCheck      the shell-script lint test (package shellcheck)
#   python3-venv    the virtualenv scripts/tools/hadolint.sh installs hadolint into
#   python3-yaml    the JOD stand-in's test (it reads images/jod/application.yaml)
#   restic          the off-site backup tests (encrypted, deduplicated snapshots in the S3 store)
#   slapd, php8.2-ldap  the stand-in's login against a private OpenLDAP (test/standin/standin.test.ts)
# npm test runs this in pretest, so a clean machine's CI installs them; a warm one
# only runs dpkg-query (well under a second). Needs root and apt-get (Debian 12).
# Services are not started: the tests run their own processes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

packages=(mariadb-server mariadb-client memcached php8.2-cli php8.2-mysql php8.2-memcached php8.2-curl
  apache2 libapache2-mod-php8.2 shellcheck python3-venv python3-yaml restic slapd php8.2-ldap)

missing=()
for package in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done
((${#missing[@]} == 0)) && exit 0

command -v apt-get >/dev/null || sei_die "no apt-get: install ${missing[*]} by hand"
[[ "$(id -u)" == 0 ]] || sei_die "installing ${missing[*]} needs root (apt-get)"
sei_lock debian-packages
sei_log "installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
