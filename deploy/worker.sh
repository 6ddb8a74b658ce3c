#!/usr/bin/env bash
# A Celery worker for one kind of work: `deploy/worker.sh heavy` or `deploy/worker.sh light`.
#   heavy: segmentation, PDFs, imports (CPU and memory: few processes, recycled often)
#   light: mail, digests, reminders, notifications, the outbox (and the old default queue "celery")
# Run as many of each, on as many machines, as the load needs.
source "$(dirname "$0")/common.sh"
kind="${1:?usage: deploy/worker.sh heavy|light}"
case "$kind" in
  heavy) queues=heavy; concurrency="${HEAVY_CONCURRENCY:-1}"; per_child="${HEAVY_MAX_TASKS_PER_CHILD:-20}" ;;
  light) queues="light,celery"; concurrency="${LIGHT_CONCURRENCY:-2}"; per_child="${LIGHT_MAX_TASKS_PER_CHILD:-500}" ;;
  *) echo "unknown worker kind: $kind (heavy or light)" >&2; exit 2 ;;
esac
exec "${BIN}celery" -A kam worker --queues="$queues" --hostname="$kind@%h" --concurrency="$concurrency" \
  --max-tasks-per-child="$per_child" --loglevel="${LOG_LEVEL:-INFO}" --without-gossip --without-mingle
