#!/usr/bin/env bash
# `make prod`: the production processes on one machine, as on several: release, then gunicorn, a heavy and a
# light worker, one beat (Procfile.prod, started by honcho). Production settings (DEBUG off) on PostgreSQL
# and Redis; on the loopback over plain HTTP unless KAM_LOOPBACK_HTTP=false (then put TLS in front).
source "$(dirname "$0")/common.sh"
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/kam}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL to Redis, e.g. redis://127.0.0.1:6379/0}"
export DEBUG=false
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export CACHE_URL="${CACHE_URL:-$CELERY_BROKER_URL}"  # keys are prefixed: sharing the broker's database is fine
export KAM_LOOPBACK_HTTP="${KAM_LOOPBACK_HTTP:-true}"
if [ "$KAM_LOOPBACK_HTTP" = "true" ]; then
  export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
  export SITE_URL="${SITE_URL:-http://127.0.0.1:${WEB_PORT:-8000}}"
fi
if [ -z "${SECRET_KEY:-}" ]; then
  # One key per machine, kept, so sessions survive a restart; a real deployment sets SECRET_KEY.
  [ -s "$KAM_RUN_DIR/secret_key" ] || "${BIN}python" -c "import secrets; print(secrets.token_urlsafe(50))" >"$KAM_RUN_DIR/secret_key"
  SECRET_KEY="$(cat "$KAM_RUN_DIR/secret_key")"
  export SECRET_KEY
fi
deploy/release.sh
exec "${BIN}honcho" --procfile Procfile.prod start
