#!/usr/bin/env bash
# Once per release, before the new processes start: translations, static files, migrations, the deploy check.
# Migrations are additive first (see README, "Upgrades"), so old processes still running keep working.
source "$(dirname "$0")/common.sh"
if command -v msgfmt >/dev/null; then
  "${BIN}python" manage.py compilemessages --ignore=.venv -v0
else
  "${BIN}python" -m kam.i18n_compile
fi
if [ "${KAM_SKIP_COLLECTSTATIC:-false}" != "true" ]; then  # the image collected them at build time
  "${BIN}python" manage.py collectstatic --no-input -v0
fi
"${BIN}python" manage.py migrate --no-input -v0
if [ "${KAM_LOOPBACK_HTTP:-false}" = "true" ]; then
  # `make prod` on plain HTTP: the HTTPS warnings are expected; report them without failing.
  "${BIN}python" manage.py check --deploy || true
else
  "${BIN}python" manage.py check --deploy --fail-level WARNING
fi
