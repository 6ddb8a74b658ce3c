#!/usr/bin/env bash
# Celery beat with the schedules administrators edit in /admin/. Run exactly ONE in the whole deployment:
# two would publish every periodic job twice (the jobs are idempotent, but that is no reason).
source "$(dirname "$0")/common.sh"
exec "${BIN}celery" -A kam beat --loglevel="${LOG_LEVEL:-INFO}" \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler --pidfile="$KAM_RUN_DIR/beat.pid"
