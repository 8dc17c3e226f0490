#!/bin/sh
# SEI scheduler ("agendador"): what a crontab of `* * * * *` lines does in the
# public SEI images, as a loop that runs under a non-root user and a read-only
# root filesystem (cron needs neither). Every minute it starts the SEI and SIP
# scheduled-task runners (they decide themselves which tasks are due) and, once
# an hour, deletes temporary files older than a day.
# Exactly one replica runs this (see templates/deployment-scheduler.yaml).
set -u

SEI_TASKS=${SEI_TASKS:-/opt/sei/scripts/AgendamentoTarefaSEI.php}
SIP_TASKS=${SIP_TASKS:-/opt/sip/scripts/AgendamentoTarefaSip.php}
TEMP_DIRS=${TEMP_DIRS:-/opt/sei/temp /opt/sip/temp /tmp}
HEARTBEAT=${HEARTBEAT:-/tmp/scheduler-heartbeat}

# Stop between two rounds when Kubernetes asks (sleep runs in the background so
# the trap fires at once); runners already started finish or die with the pod.
trap 'echo "scheduler: stopping"; exit 0' TERM INT

minute=0
while :; do
  php "$SEI_TASKS" &
  php "$SIP_TASKS" &
  if [ $((minute % 60)) -eq 0 ]; then
    # shellcheck disable=SC2086 # TEMP_DIRS is a list of paths
    find $TEMP_DIRS -mindepth 1 -type f -mmin +1440 ! -path "$HEARTBEAT" -delete 2>/dev/null || true
  fi
  touch "$HEARTBEAT"
  minute=$((minute + 1))
  sleep 60 &
  wait $!
done
