"""Settings for the test suite: the real settings, made fast and isolated."""

import os
import tempfile

# The settings default to DEBUG=0, which needs a SECRET_KEY; the suite was written for the
# development defaults (pytest-django still runs every test with settings.DEBUG False).
os.environ.setdefault("DEBUG", "1")

from portal.settings import *  # noqa: E402, F403
from portal.settings import CACHES, DATABASES  # noqa: E402

# The suite runs what production runs (tests/conftest.py empties the memo between tests).
STORY_CARD_MEMO_SIZE = 4000
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
# whitenoise looks for STATIC_ROOT at start-up; tests never collect static files.
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-test-static-")
# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A test run must never see or clobber a live site's cache.
    CACHES["default"]["KEY_PREFIX"] = "portal-test"
# Several people share one PostgreSQL server: each may name the database the tests create
# (Django's default is test_<NAME>).
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
