#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh into a NEW database (never over the live one), and its media.
#   deploy/restore.sh TARGET_DATABASE_URL DUMP [MEDIA_TARBALL]
# The target database is created (it must not exist). Media files are unpacked into MEDIA_ROOT (default
# ./media). Then point DATABASE_URL at the new database, run deploy/release.sh (it migrates if the code is
# newer than the backup) and restart the processes.
source "$(dirname "$0")/common.sh"
target="${1:?usage: deploy/restore.sh TARGET_DATABASE_URL DUMP [MEDIA_TARBALL]}"
dump="${2:?usage: deploy/restore.sh TARGET_DATABASE_URL DUMP [MEDIA_TARBALL]}"
tarball="${3:-}"
# The new database's name, and the same server's maintenance database to create it from.
read -r name admin_url < <("${BIN}python" - "$target" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit

url = urlsplit(sys.argv[1])
print(url.path.lstrip("/"), urlunsplit(url._replace(path="/postgres")))
PY
)
[ -n "$name" ] || { echo "no database name in $target" >&2; exit 2; }
psql --quiet --dbname="$admin_url" --variable=ON_ERROR_STOP=1 --command="CREATE DATABASE \"$name\""
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$target" "$dump"
if [ -n "$tarball" ]; then
  media="${MEDIA_ROOT:-media}"
  mkdir -p "$media"
  tar --extract --gzip --file="$tarball" --directory="$media"
fi
echo "restored into $name"
