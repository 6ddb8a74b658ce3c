#!/usr/bin/env bash
# The web process: gunicorn with WEB_CONCURRENCY workers on BIND (default 127.0.0.1:8000).
source "$(dirname "$0")/common.sh"
# prometheus-client's multiprocess mode: each gunicorn worker writes its counters here; emptied at start.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$KAM_RUN_DIR/prometheus-web}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
exec "${BIN}gunicorn" kam.wsgi --config deploy/gunicorn.conf.py
