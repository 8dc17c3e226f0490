#!/bin/sh
# Entrypoint of the SEI app image (docs/images.md, "app"), shared by the stand-in
# app. It writes nothing outside SEI_RUN_DIR: Apache's PHP reads the session
# settings from the environment (web/session.ini), Apache its paths (apache.conf).
# The SEI_* variables are fixed in the pod; tests on loopback move them.
#   sei-entrypoint                 Apache in the foreground on SEI_HTTP_PORT
#   sei-entrypoint COMMAND ARGS... that command (scheduler, updater, bootstrap checks)
set -eu

if [ "${APP_MEMCACHED_SESSION:-false}" = true ]; then
  # The php-memcached handler: any app replica can serve any request.
  SEI_PHP_SESSION_HANDLER=memcached
  SEI_PHP_SESSION_PATH="${APP_MEMCACHED_HOST:?APP_MEMCACHED_SESSION is true but APP_MEMCACHED_HOST is not set}:${SEI_MEMCACHED_PORT:-11211}"
else
  # Sessions in the pod's /tmp: the Ingress pins each browser to one pod.
  SEI_PHP_SESSION_HANDLER=files
  SEI_PHP_SESSION_PATH=/tmp
fi
export SEI_PHP_SESSION_HANDLER SEI_PHP_SESSION_PATH
export SEI_HTTP_PORT="${SEI_HTTP_PORT:-8000}"
export SEI_HTTP_WORKERS="${SEI_HTTP_WORKERS:-20}"
export SEI_RUN_DIR="${SEI_RUN_DIR:-/run/apache2}"
export SEI_WEB_ROOT="${SEI_WEB_ROOT:-/opt/sei/web}"
export SEI_WEB_ROOT_SEI="${SEI_WEB_ROOT_SEI:-/opt/sei/web}"
export SEI_WEB_ROOT_SIP="${SEI_WEB_ROOT_SIP:-/opt/sip/web}"
export SEI_WEB_ROOT_INFRA_CSS="${SEI_WEB_ROOT_INFRA_CSS:-/opt/infra/infra_css}"
export SEI_WEB_ROOT_INFRA_JS="${SEI_WEB_ROOT_INFRA_JS:-/opt/infra/infra_js}"

if [ "$#" -gt 0 ]; then
  exec "$@"
fi
mkdir -p "$SEI_RUN_DIR"
exec apache2 -f "${SEI_APACHE_CONF:-/etc/apache2/sei.conf}" -DFOREGROUND
