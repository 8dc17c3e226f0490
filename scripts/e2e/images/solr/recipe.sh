# shellcheck shell=bash disable=SC2034
# A STAND-IN for Solr, not Solr: the Solr server distribution is not on Maven Central or in Debian.
# It keeps the contract of the chart's Solr pod (charts/sei): uid 8983, SOLR_PORT, SOLR_HOME
# (/var/solr/data), the official image's `init-var-solr` and `precreate-core` commands, a configset
# per SEI core under /opt/solr/server/solr/configsets, security.json basic auth; and it answers
# /solr/admin/info/system, /solr/admin/cores?action=STATUS, /solr/CORE/admin/ping and, with no
# document ever, /solr/CORE/select. It indexes and searches nothing.
IMAGE_TAG=standin-1
DEBIAN_PACKAGES=(python3)
IMAGE_ENTRYPOINT=(/usr/bin/python3 /opt/standin/solr.py)
IMAGE_USER=8983:8983
IMAGE_ENV=(SOLR_HOME=/var/solr/data SOLR_PORT=8983)
IMAGE_PORTS=(8983/tcp)

customize() {
  add_user solr 8983 /var/solr
  install -d -o 8983 -g 8983 "$ROOTFS"/var/solr
  install -D -m 0644 "$RECIPE/solr.py" "$ROOTFS"/opt/standin/solr.py
  install -m 0755 "$RECIPE/init-var-solr" "$RECIPE/precreate-core" "$ROOTFS"/usr/local/bin/
  local core
  for core in sei-protocolos sei-bases-conhecimento sei-publicacoes; do
    install -D -m 0644 "$RECIPE/solrconfig.xml" "$ROOTFS/opt/solr/server/solr/configsets/$core/conf/solrconfig.xml"
  done
}
