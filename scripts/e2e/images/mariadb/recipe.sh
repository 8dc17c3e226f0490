# shellcheck shell=bash disable=SC2034
# MariaDB 10.11 from Debian, with the start-up contract of the official MariaDB image that
# constructs/database.ts relies on (entrypoint.sh says which parts). Runs as mysql, uid/gid 999.
IMAGE_TAG=10.11
DEBIAN_PACKAGES=(mariadb-server mariadb-client)
IMAGE_ENTRYPOINT=(/usr/local/bin/docker-entrypoint.sh)
IMAGE_CMD=(mariadbd)
IMAGE_USER=999:999
IMAGE_PORTS=(3306/tcp)

customize() {
  # The official images' mysql user is 999:999 (constructs/security.ts MYSQL_UID): renumber Debian's.
  local uid gid
  uid="$(chroot "$ROOTFS" id -u mysql)" gid="$(chroot "$ROOTFS" id -g mysql)"
  chroot "$ROOTFS" groupmod --gid 999 mysql
  chroot "$ROOTFS" usermod --uid 999 --gid 999 mysql
  find "$ROOTFS" -xdev \( -uid "$uid" -o -gid "$gid" \) -exec chown -h 999:999 {} +
  # The data directory is a volume; the package's own system tables would only mislead.
  rm -rf "$ROOTFS"/var/lib/mysql/* "$ROOTFS"/etc/init.d "$ROOTFS"/etc/logrotate.d
  install -d -o 999 -g 999 -m 0755 "$ROOTFS"/var/lib/mysql "$ROOTFS"/run/mysqld
  install -d -m 0755 "$ROOTFS"/docker-entrypoint-initdb.d "$ROOTFS"/etc/mysql/conf.d
  # Container defaults first, then /etc/mysql/conf.d (the project's settings) last, so they win.
  install -m 0644 "$RECIPE/mariadb.cnf" "$ROOTFS"/etc/mysql/mariadb.cnf
  install -m 0644 "$RECIPE/50-container.cnf" "$ROOTFS"/etc/mysql/mariadb.conf.d/50-server.cnf
  install -m 0755 "$RECIPE/entrypoint.sh" "$ROOTFS"/usr/local/bin/docker-entrypoint.sh
}
