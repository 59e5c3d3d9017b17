#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh into a FRESH database and media store:
#   deploy/restore.sh BACKUP_FOLDER
# DATABASE_URL names an existing, empty database (createdb -O portal portal); media go to
# MEDIA_ROOT, or to the bucket AWS_STORAGE_BUCKET_NAME (created if missing) when it is set.
# It refuses a database that already has tables: restoring over a live site is never meant.
set -euo pipefail

backup=${1:?usage: deploy/restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL is not set}"
[ -f "$backup/database.dump" ] || { echo "$backup/database.dump is missing" >&2; exit 2; }
[ -d "$backup/media" ] || { echo "$backup/media is missing" >&2; exit 2; }
backup=$(cd "$backup" && pwd)

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}

tables=$(psql "$DATABASE_URL" -X -q -t -A -c \
  "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "the database of DATABASE_URL already has $tables tables; restore into a fresh one" >&2
  exit 3
fi

pg_restore --no-owner --no-acl --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup/database.dump"

if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  (cd "$root" && "$python" deploy/s3sync.py create-bucket)
  (cd "$root" && "$python" deploy/s3sync.py upload "$backup/media")
else
  media_root=${MEDIA_ROOT:-$root/media}
  mkdir -p "$media_root"
  rsync -a "$backup/media/" "$media_root/"
fi
echo "restored $backup"
