# shellcheck shell=bash disable=SC2034
# memcached from Debian. The chart passes only options (-m, -p, -U), as with the official image,
# whose entrypoint is memcached itself; it runs as uid 11211 (the chart's sei.uid.memcached).
IMAGE_TAG=1.6.18
DEBIAN_PACKAGES=(memcached)
IMAGE_ENTRYPOINT=(/usr/bin/memcached)
IMAGE_USER=11211:11211
IMAGE_PORTS=(11211/tcp)

customize() {
  # Debian's maintainer scripts add a `memcache` user; the image runs under the chart's uid.
  add_user sei-memcached 11211 /nonexistent
  rm -rf "$ROOTFS"/etc/init.d "$ROOTFS"/usr/share/memcached/scripts
}
