#!/bin/sh
# SEI updater: runs the SIP and SEI version-update scripts with the database
# administrator's credentials, as a Helm pre-install/pre-upgrade hook, so a new
# image only starts serving after its database is at its version.
#
# The scripts read the administrator's user and password on stdin. Run against a
# database already at the image's version, they stop with "JA ESTA INSTALADA"
# and a non-zero status: that counts as done, which makes every run of this Job
# idempotent. "NAO CORRESPONDE COM A ULTIMA VERSAO" means the database is not at
# the version the update starts from (a skipped version, a failed earlier run):
# a failure whatever the status, for a person to look at.
set -eu

: "${APP_DB_ROOT_USERNAME:?}" "${APP_DB_ROOT_PASSWORD:?}"
SIP_UPDATE=${SIP_UPDATE:-/opt/sip/scripts/atualizar_versao_sip.php}
SEI_UPDATE=${SEI_UPDATE:-/opt/sei/scripts/atualizar_versao_sei.php}
SEI_RESOURCES=${SEI_RESOURCES:-/opt/sip/scripts/atualizar_recursos_sei.php}
OUT=$(mktemp)

echo "updater: waiting for the SIP database at ${APP_DB_HOST:-?}:${APP_DB_PORTA:-?}"
until php -r "require_once '/opt/sip/web/Sip.php'; \$c = BancoSip::getInstance(); \$c->abrirConexao(); \$c->executarSql('select sigla from sistema');" >/dev/null 2>&1; do
  # The Job's activeDeadlineSeconds bounds this wait.
  sleep 5
done

run() {
  echo "updater: running $1"
  status=0
  printf '%s\n%s\n' "$APP_DB_ROOT_USERNAME" "$APP_DB_ROOT_PASSWORD" | php "$1" >"$OUT" 2>&1 || status=$?
  cat "$OUT"
  if grep -q 'NAO CORRESPONDE' "$OUT"; then
    echo "updater: $1: the database is not at the version this update starts from" >&2
    exit 1
  fi
  if [ "$status" -ne 0 ]; then
    if grep -q 'JA ESTA INSTALADA' "$OUT"; then
      echo "updater: $1 is already at this version"
    else
      echo "updater: $1 failed with status $status" >&2
      exit "$status"
    fi
  fi
}

# The public SEI entrypoint's order (entrypoint-atualizador.sh): SIP's version,
# then SEI's resources registered in SIP, then SEI's version.
run "$SIP_UPDATE"
run "$SEI_RESOURCES"
run "$SEI_UPDATE"
echo "updater: done"
