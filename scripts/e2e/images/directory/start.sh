#!/bin/sh
# Start-up of the local directory (scripts/e2e/images/directory; also run as a private process by
# test/standin/standin.test.ts): writes slapd.conf for the suffix, loads the entries into an empty
# database once, then runs slapd in the foreground (exec: it gets the stop signal).
#
#   SEI_DIRECTORY_SUFFIX   the base DN every entry is under (platform.yaml directory.baseDn)
#   SEI_DIRECTORY_BIND_DN  the one account that may search (SIP's usuario_pesquisa)
#   SEI_DIRECTORY_CONFIG   folder with entries.ldif, tls.crt, tls.key   (default /etc/sei-directory)
#   SEI_DIRECTORY_DATA     the database folder                          (default /var/lib/ldap)
#   SEI_DIRECTORY_RUN      slapd.conf, pid and args files               (default /tmp)
#   SEI_DIRECTORY_URLS     what slapd listens on                        (default ldaps:///)
#
# Access: anyone may bind (authenticate) with a password; only the bind account reads the entries
# (SIP searches a login with it); a person reads only their own entry; nobody reads a password.
set -eu
: "${SEI_DIRECTORY_SUFFIX:?is not set}" "${SEI_DIRECTORY_BIND_DN:?is not set}"
config="${SEI_DIRECTORY_CONFIG:-/etc/sei-directory}"
data="${SEI_DIRECTORY_DATA:-/var/lib/ldap}"
run="${SEI_DIRECTORY_RUN:-/tmp}"
for f in entries.ldif tls.crt tls.key; do
  [ -r "$config/$f" ] || { echo "sei-directory: $config/$f is missing" >&2; exit 1; }
done
cat >"$run/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $run/slapd.pid
argsfile $run/slapd.args
TLSCertificateFile $config/tls.crt
TLSCertificateKeyFile $config/tls.key
disallow bind_anon
require authc
database mdb
maxsize 104857600
suffix "$SEI_DIRECTORY_SUFFIX"
directory $data
index uid eq
access to attrs=userPassword
  by anonymous auth
  by * none
access to dn.subtree="$SEI_DIRECTORY_SUFFIX"
  by dn.exact="$SEI_DIRECTORY_BIND_DN" read
  by self read
  by * none
CONF
if [ ! -e "$data/data.mdb" ]; then
  slapadd -q -f "$run/slapd.conf" -l "$config/entries.ldif"
  echo "sei-directory: loaded $(grep -c '^dn:' "$config/entries.ldif") entries under $SEI_DIRECTORY_SUFFIX" >&2
fi
exec slapd -d "${SEI_DIRECTORY_DEBUG:-0}" -f "$run/slapd.conf" -h "${SEI_DIRECTORY_URLS:-ldaps:///}"
