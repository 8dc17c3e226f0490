# shellcheck shell=bash disable=SC2034
# PRODEMGE's directory in the local cluster (a TEST FIXTURE, scripts/lib/directory-fixture.ts): OpenLDAP's
# slapd from Debian, started by start.sh from what the fixture mounts (the entries, the TLS certificate
# the test CA issued). Runs as uid 10389; writes only its data folder and /tmp.
IMAGE_TAG=2.5-1
DEBIAN_PACKAGES=(slapd)
IMAGE_ENTRYPOINT=(/usr/local/bin/sei-directory-start)
IMAGE_USER=10389:10389
IMAGE_PORTS=(636/tcp)

customize() {
  add_user sei-directory 10389 /nonexistent
  # Debian's postinst made a configuration and a database for "nodomain": start.sh writes its own.
  rm -rf "$ROOTFS"/etc/ldap/slapd.d "$ROOTFS"/var/lib/ldap/* "$ROOTFS"/etc/init.d "$ROOTFS"/etc/default/slapd
  install -d -o 10389 -g 10389 -m 0700 "$ROOTFS"/var/lib/ldap
  install -m 0755 "$RECIPE/start.sh" "$ROOTFS"/usr/local/bin/sei-directory-start
}
