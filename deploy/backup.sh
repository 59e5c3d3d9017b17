#!/usr/bin/env bash
# Back up the site: deploy/backup.sh DEST_FOLDER  ->  DEST_FOLDER/portal-<UTC time>/
#   database.dump  pg_dump custom format of DATABASE_URL (pg_restore reads it)
#   media/         every upload and rendition: MEDIA_ROOT, or the bucket when
#                  AWS_STORAGE_BUCKET_NAME is set
# Reads the site's environment, e.g.: set -a; . /etc/portal/env; set +a; deploy/backup.sh /backup
# Safe while the site runs: pg_dump sees one consistent snapshot, and uploads never change
# or replace a stored file.
set -euo pipefail

dest=${1:?usage: deploy/backup.sh DEST_FOLDER}
: "${DATABASE_URL:?DATABASE_URL is not set}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh backs up PostgreSQL; DATABASE_URL is not a postgres:// URL" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
mkdir -p "$dest"
out="$(cd "$dest" && pwd)/portal-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir "$out"

# The database first, media second: every file the dump refers to is then in the copy.
pg_dump --format=custom --no-owner --no-acl --file="$out/database.dump.part" "$DATABASE_URL"
mv "$out/database.dump.part" "$out/database.dump"

if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  (cd "$root" && "$python" deploy/s3sync.py download "$out/media")
  media_from="bucket $AWS_STORAGE_BUCKET_NAME"
else
  media_root=${MEDIA_ROOT:-$root/media}
  mkdir -p "$out/media"
  if [ -d "$media_root" ]; then
    rsync -a "$media_root/" "$out/media/"
  fi
  media_from="$media_root"
fi

{
  echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "media from: $media_from"
  echo "media files: $(find "$out/media" -type f | wc -l)"
  echo "database bytes: $(stat -c %s "$out/database.dump")"
} > "$out/MANIFEST"
echo "$out"
