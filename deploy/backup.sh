#!/usr/bin/env bash
# Back up KAM: the database as a pg_dump custom-format archive, and the media directory as a tarball.
#   deploy/backup.sh [DEST_DIR]          (default: $BACKUP_DIR, else ./backups)
# Uses DATABASE_URL (PostgreSQL) and MEDIA_ROOT (default ./media). Consistent while the app runs (pg_dump
# reads one snapshot). Prints the two files written. Keep copies off the machine; test a restore regularly.
source "$(dirname "$0")/common.sh"
: "${DATABASE_URL:?set DATABASE_URL}"
dest="${1:-${BACKUP_DIR:-backups}}"
media="${MEDIA_ROOT:-media}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
dump="$dest/kam-$stamp.dump"
tarball="$dest/kam-$stamp-media.tar.gz"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dump.partial"
mv "$dump.partial" "$dump"  # a dump cut short never looks complete
mkdir -p "$media"
tar --create --gzip --file="$tarball" --directory="$media" .
echo "$dump"
echo "$tarball"
