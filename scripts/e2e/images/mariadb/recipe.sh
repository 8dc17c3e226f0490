# shellcheck shell=bash disable=SC2034
# MariaDB 10.11 from Debian, with the start-up contract of the official MariaDB image that
# constructs/database.ts relies on (entrypoint.sh says which parts), and the project's database image
# contract on top (images/database/Containerfile): the binary-log settings and the off-site backup
# scripts with restic (Debian's 0.14, the version the real image copies), the very files of
# images/database, so the store's CronJob and the binlog shipper run here as in production.
# Runs as mysql, uid/gid 999.
IMAGE_TAG=10.11
DEBIAN_PACKAGES=(mariadb-server mariadb-client restic)
DATABASE_IMAGE="$(cd "$RECIPE/../../../../images/database" && pwd)"
IMAGE_INPUTS=("$DATABASE_IMAGE/binlog.cnf" "$DATABASE_IMAGE"/offsite/*)
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
  # The database image's own files, where images/database/Containerfile puts them.
  install -m 0644 "$DATABASE_IMAGE/binlog.cnf" "$ROOTFS"/etc/mysql/mariadb.conf.d/60-sei-binlog.cnf
  install -d -m 0755 "$ROOTFS"/opt/sei-offsite
  install -m 0755 "$DATABASE_IMAGE"/offsite/* "$ROOTFS"/opt/sei-offsite/
}
