"""One settings module for every environment; the environment alone decides which.

Development needs only `DEBUG=1` (`make run` sets it). Production is `DEBUG=0` (the
default) plus `SECRET_KEY`, `ALLOWED_HOSTS`, `DATABASE_URL` and, optionally, `REDIS_URL`.
See README.md for the full list and SECURITY.md for what the security settings protect.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Off unless the environment turns it on: a forgotten variable must never give a production
# site debug pages. `make run` and the test settings set DEBUG=1 for themselves.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=0 the site refuses to start without a secret "
            'key; generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public base URL for absolute links (feeds, sitemaps, OpenGraph); empty means "use the
# request's scheme and host".
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Өңір жаңалықтары")

INSTALLED_APPS = [
    # Django's admin with a guarded view-on-site shortcut (portal/admin_site.py).
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "simple_history",
    "csp",
    "django_prose_editor",
    "core",
    "portal",
    "regions",
    "authors",
    "photos",
    "articles",
    "pageviews",
    # After portal: its db_worker (which recovers a killed worker's tasks) must win.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Anonymous POST endpoints take tiny bodies; refuse big ones before anything reads them.
    "portal.security.SmallBodyMiddleware",
    # Outside the page cache, so cached pages get the same headers as fresh ones.
    "csp.middleware.CSPMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth on purpose: a page served from the cache costs no SQL.
    "portal.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Kazakh unless the reader picked a language with the switcher (Accept-Language ignored).
    "portal.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A renamed tag, region or author: its old address answers 301 with the new slug.
    "core.slugs.SlugMovedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(), then the second factor before any admin page (portal/otp.py).
    "django_otp.middleware.OTPMiddleware",
    "portal.otp.RequireTwoFactorMiddleware",
    # Staff get a signed cookie here that lets the page cache tell them from anyone else.
    "portal.middleware.StaffMarkerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Counting reads writes concurrently: WAL lets readers go on while one writer works,
    # IMMEDIATE takes the write lock up front (no deadlock-style "database is locked" on
    # upgrade) and the timeout makes writers queue instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# --- Page cache (core/cache.py, portal/middleware.py) ---
# Seconds an anonymous page may be kept by the site's page cache and by a CDN (s-maxage);
# 0 turns the page cache off. Content changes refresh pages at once whatever this is; read
# count flushes do not (they would empty the cache every 30 s), so this bounds how old the
# view counts on a page can be: a read is flushed within 30 s (the Top news ranking follows
# the flush), and the page holding it is re-rendered within 30 s more: the 90-second promise
# with room for a render (docs/architecture.md, "A page request through the cache").
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 30)
# Story cards kept rendered per worker process (articles/cards.py), 1-2 KB each. Off
# under DEBUG so an edited card template shows at once.
STORY_CARD_MEMO_SIZE = env_int("STORY_CARD_MEMO_SIZE", 0 if DEBUG else 4000)
# How long a page is kept past PAGE_CACHE_SECONDS, to be served while one request renders it
# again (stale-while-revalidate, here and in the header for a CDN).
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 30)
# How long a CDN may answer with a stale page while the site answers with errors.
PAGE_CACHE_STALE_IF_ERROR_SECONDS = env_int("PAGE_CACHE_STALE_IF_ERROR_SECONDS", 600)
# Larger responses are served but not stored: a few big pages must not evict the rest.
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 512 * 1024)
# Where the local-memory cache's generation stamp lives; empty means the temp folder.
PAGE_CACHE_STAMP_FILE = os.environ.get("PAGE_CACHE_STAMP_FILE", "")
# --- end of page cache ---

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# django-axes first: a locked-out account is refused before its password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Two-factor authentication (django-otp; portal/otp.py) ---
# 1: editors and superusers cannot use the admin until they have set up an authenticator
# app. Whatever this says, an account that has set one up must give a code at every login.
OTP_REQUIRED_FOR_EDITORS = env_bool("OTP_REQUIRED_FOR_EDITORS", False)
OTP_TOTP_ISSUER = SITE_NAME

# --- Login throttling (django-axes; SECURITY.md "Accounts") ---
# After LOGIN_FAILURE_LIMIT failed logins for one user name from one address, that pair is
# refused (the right password too) for LOGIN_COOLOFF_MINUTES. The pair, not the address
# alone: a newsroom shares one office IP, and nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
# django-ipware is not installed, so axes' AXES_IPWARE_* settings would do nothing; this
# callable reads REMOTE_ADDR, or the last entry of LOGIN_CLIENT_IP_HEADER when it is set
# (e.g. HTTP_X_FORWARDED_FOR behind nginx). Never set it without a proxy that writes it.
AXES_CLIENT_IP_CALLABLE = "portal.security.login_client_ip"
# Behind a reverse proxy, the request header that carries the client's address (the proxy
# appends the address it saw), e.g. HTTP_X_FORWARDED_FOR; empty: REMOTE_ADDR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()
LOGIN_CLIENT_IP_HEADER = os.environ.get("LOGIN_CLIENT_IP_HEADER", "").strip() or CLIENT_IP_HEADER

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "kk")
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

# --- Static files and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The site serves /media/ itself unless nginx or object storage does it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "portal.storage.StaticFilesStorage"
        )
    },
}
# Object storage (S3 or compatible) for uploads once a bucket is named; the setting names are
# django-storages' own, so its documentation applies as is.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
if AWS_STORAGE_BUCKET_NAME:
    # django-storages' S3 storage, with uploads that can never replace an object (portal/s3.py).
    STORAGES["default"] = {"BACKEND": "portal.s3.MediaStorage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID", "").strip() or None
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "").strip() or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "").strip() or None
    # The public host of media URLs (a CDN or the bucket's website host); pages then link
    # media without asking the storage anything.
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip() or None
    AWS_S3_URL_PROTOCOL = os.environ.get("AWS_S3_URL_PROTOCOL", "https:").strip().rstrip(":") + ":"
    # "path" (endpoint/bucket/key) for servers without bucket-name host names; empty: boto's
    # choice.
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE", "").strip() or None
    # Two uploads with the same name must both survive: the second gets a suffix.
    AWS_S3_FILE_OVERWRITE = False
    # Media are public and a stored name never changes content, so browsers and CDNs may keep
    # them for a year and the URLs carry no expiring signature (which would defeat caching).
    AWS_DEFAULT_ACL = os.environ.get("AWS_DEFAULT_ACL", "public-read").strip() or None
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    # The bucket serves /media/, not the site.
    SERVE_MEDIA = env_bool("SERVE_MEDIA", False)


def _story_media_allowlist(config, shared):
    # Only read when django-prose-editor sanitizes by itself; the story body uses
    # articles.html.sanitize_html, which checks each reference's value too.
    shared["tags"].add("figure")
    shared["attributes"].setdefault("figure", set()).update(
        {"data-photo", "data-gallery", "data-embed"}
    )


# The body editor's node for photo, gallery and embed references (static/js/admin/).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/admin/story_media_node.js")],
        "extensions": {"StoryMedia": _story_media_allowlist},
    }
]
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# Django's default (2.5 MB) for everything but files: the anonymous, CSRF-exempt endpoints
# (language switcher, read beacon) get no bigger bodies than that. Files do not count towards
# it; covers (up to 10 MB, checked in articles/images.py) stream to a temporary file past
# FILE_UPLOAD_MAX_MEMORY_SIZE instead of sitting in a worker's memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# portal.security.SmallBodyMiddleware: the CSRF-exempt endpoints anyone may POST to.
SMALL_BODY_PATHS = ["/i18n/setlang/", "/pageviews/"]
SMALL_BODY_MAX_BYTES = 4096

# --- Security -------------------------------------------------------------------------------
# With DEBUG=0 every HTTPS setting is on; each one can be switched off for a site behind a
# TLS-terminating proxy or tested over plain HTTP on loopback.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# A switch like the others: "1" (or "on") means one year, "0" off; a bigger number is seconds.
SECURE_HSTS_SECONDS = (
    31536000
    if os.environ.get("SECURE_HSTS_SECONDS", "").strip().lower() in {"1", "true", "yes", "on"}
    else env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
)
# Off unless asked for: both reach beyond this site (every subdomain; browsers' built-in
# lists, which take months to leave) and need the whole domain on HTTPS first.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# check --deploy warns about each of them being off; off is the decision above, not an
# oversight, so those two warnings are silenced (SECURITY.md "Accepted risks").
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# E.g. "portal.W001,portal.W002" on a single app server (portal/checks.py).
SILENCED_SYSTEM_CHECKS += env_list("SILENCED_SYSTEM_CHECKS", [])
# Content-Security-Policy (django-csp) on every response; SECURITY.md "Headers". Scripts
# only from the site's own files (no inline script anywhere, JSON-LD is data and not run);
# portal.security.SecurityHeadersMiddleware adds the admin's two exceptions.
_media_domain = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([f"https://{_media_domain}"] if _media_domain else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Embeds a story may carry; nothing else may be framed.
        "frame-src": ["https://www.youtube-nocookie.com", "https://t.me"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# Error pages and mails also hide passwords inside URLs (REDIS_URL, CACHES, DATABASE_URL).
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.security.CredentialsCleansingFilter"

# --- Apps -----------------------------------------------------------------------------------
TAGGIT_CASE_INSENSITIVE = True

# Searches one client network may run per minute beyond the page cache; 0 = no limit.
SEARCH_RENDERS_PER_MINUTE = env_int("SEARCH_RENDERS_PER_MINUTE", 60)

# --- PAGEVIEWS (counting reads; every default is in pageviews/conf.py) ----------------------
# Behind a reverse proxy the reader's IP is in a header the proxy sets, e.g.
# HTTP_X_FORWARDED_FOR; it names readers who send no reader id (no script, no cookies).
PAGEVIEWS_CLIENT_IP_HEADER = (
    os.environ.get("PAGEVIEWS_CLIENT_IP_HEADER", "").strip() or CLIENT_IP_HEADER
)
# How old the Redis buffer may get before the site flushes it by itself (seconds).
PAGEVIEWS_FLUSH_AFTER_SECONDS = env_int("PAGEVIEWS_FLUSH_AFTER_SECONDS", 30)
# The Redis buffering counted reads; empty means REDIS_URL. Best a server of its own with
# maxmemory-policy noeviction and appendonly yes: the page cache on REDIS_URL wants
# allkeys-lru, which would evict buffered reads (README, "Counting reads").
PAGEVIEWS_REDIS_URL = os.environ.get("PAGEVIEWS_REDIS_URL", "").strip()
# Distinct readers of one story counted per client address in 30 minutes; 0 = no cap.
PAGEVIEWS_READERS_PER_ADDRESS = env_int("PAGEVIEWS_READERS_PER_ADDRESS", 50)
# --- end PAGEVIEWS --------------------------------------------------------------------------

# --- Background tasks (core/tasks.py; docs/deploy.md, "The worker") ------------------------
# Immediate by default: a task runs inside the request that enqueues it, so development and
# tests need no worker. With TASKS_BACKEND=database tasks wait in PostgreSQL for
# `manage.py db_worker`, which also runs the periodic ones (the read-count flush).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate").strip().lower() or "immediate"
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be immediate or database, got {TASKS_BACKEND!r}."
    )
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# A task claimed longer ago than this is taken to be orphaned by a killed worker on another
# machine and is run again (a worker on the same machine notices a dead one at once). It must
# exceed the slowest task: a 40-megapixel rendition takes a few seconds.
TASKS_LEASE_SECONDS = env_int("TASKS_LEASE_SECONDS", 300)
# Uploads above this many pixels get their renditions from the worker, so the save answers at
# once; smaller ones are done inline (well under a second).
RENDITIONS_INLINE_MAX_PIXELS = env_int("RENDITIONS_INLINE_MAX_PIXELS", 4_000_000)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
