# Sourced by the other deploy scripts: run from the repository, with its virtualenv's tools when there is one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x .venv/bin/python ]; then BIN=.venv/bin/; else BIN=""; fi
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-kam.settings}"
# Pid files, the metrics of gunicorn's workers: per machine, never shared.
export KAM_RUN_DIR="${KAM_RUN_DIR:-${TMPDIR:-/tmp}/kam-run-$(id -u)}"
mkdir -p "$KAM_RUN_DIR"
