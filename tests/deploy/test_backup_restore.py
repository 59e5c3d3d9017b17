"""deploy/backup.sh then deploy/restore.sh into a fresh database and media store.

PostgreSQL only (pg_dump/pg_restore); the bucket variant also needs SeaweedFS (tests/storage).
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from articles.models import Article
from tests.factories import make_article
from tests.storage.conftest import (  # noqa: F401  (fixtures)
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    bucket,
    bucket_keys,
    s3_server,
)
from tests.storage.test_object_storage import photo

ROOT = Path(__file__).resolve().parent.parent.parent

# pg_dump sees only committed rows, hence transactional tests; like the other transactional
# tests they never rely on rows created by migrations (regions), which may be flushed.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url(name: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def work(tmp_path_factory):
    """Backups and restored media, outside MEDIA_ROOT (the media_root fixture is tmp_path)."""
    return tmp_path_factory.mktemp("deploy")


@pytest.fixture
def fresh_database():
    """An empty database next to the test database, dropped afterwards."""
    name = f"portal_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(database_url("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        yield name
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def script(name: str, argument: Path, **env) -> str:
    for tool in ("pg_dump", "pg_restore", "psql", "rsync"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing (apt-get install postgresql-client rsync)")
    # The scripts read the site's settings; a real host has SECRET_KEY in its environment file.
    clean = {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "PYTHON": sys.executable,
        "SECRET_KEY": "backup-test-" + "x" * 40,
        **env,
    }
    result = subprocess.run(
        ["bash", str(ROOT / "deploy" / name), str(argument)],
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def rows(database: str) -> list[tuple]:
    with psycopg2.connect(database_url(database)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT title, cover_image, view_count FROM articles_article ORDER BY id")
        return cursor.fetchall()


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_backup_and_restore_with_local_media(work, media_root, fresh_database):
    make_article(
        title="Сақталатын жаңалық", cover_image=photo("cover.jpg"), view_count=42, region=None
    )
    make_article(title="Мұқабасыз", region=None)
    source = connection.settings_dict["NAME"]
    expected_rows = rows(source)
    expected_files = files(media_root)
    assert len(expected_files) == 4  # the cover and its three renditions

    out = script(
        "backup.sh", work / "backups", DATABASE_URL=database_url(source), MEDIA_ROOT=media_root
    )
    backup = Path(out.strip().splitlines()[-1])
    assert (backup / "database.dump").stat().st_size > 0
    restored_media = work / "restored-media"
    script(
        "restore.sh",
        backup,
        DATABASE_URL=database_url(fresh_database),
        MEDIA_ROOT=restored_media,
    )

    assert rows(fresh_database) == expected_rows
    assert files(restored_media) == expected_files


def test_restore_refuses_a_database_that_is_in_use(work, media_root):
    make_article(region=None)
    source = connection.settings_dict["NAME"]
    out = script("backup.sh", work, DATABASE_URL=database_url(source), MEDIA_ROOT=media_root)
    backup = out.strip().splitlines()[-1]

    result = subprocess.run(
        ["bash", str(ROOT / "deploy" / "restore.sh"), backup],
        env={"PATH": os.environ["PATH"], "DATABASE_URL": database_url(source)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 3
    assert "restore into a fresh one" in result.stderr
    assert Article.objects.count() == 1


def test_backup_and_restore_with_a_bucket(tmp_path, s3_server, bucket, fresh_database):  # noqa: F811
    s3 = s3_server.client()
    originals = {"covers/2026/12/a.jpg": b"jpeg bytes", "covers/2026/12/a.400w.webp": b"webp"}
    for key, body in originals.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    make_article(title="Бакеттегі жаңалық", region=None)
    source = connection.settings_dict["NAME"]
    s3_env = {
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_S3_REGION_NAME": REGION,
    }

    out = script(
        "backup.sh",
        tmp_path,
        DATABASE_URL=database_url(source),
        AWS_STORAGE_BUCKET_NAME=bucket,
        **s3_env,
    )
    backup = Path(out.strip().splitlines()[-1])
    assert files(backup / "media") == originals
    fresh_bucket = f"{bucket}-restored"
    script(
        "restore.sh",
        backup,
        DATABASE_URL=database_url(fresh_database),
        AWS_STORAGE_BUCKET_NAME=fresh_bucket,
        **s3_env,
    )

    try:
        assert [row[0] for row in rows(fresh_database)] == ["Бакеттегі жаңалық"]
        assert bucket_keys(s3_server, fresh_bucket) == sorted(originals)
        for key, body in originals.items():
            stored = s3.get_object(Bucket=fresh_bucket, Key=key)
            assert stored["Body"].read() == body
            assert "max-age=31536000" in stored["CacheControl"]
    finally:
        for key in bucket_keys(s3_server, fresh_bucket):
            s3.delete_object(Bucket=fresh_bucket, Key=key)
        s3.delete_bucket(Bucket=fresh_bucket)
