"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py portal.wsgi`.

Every value can be overridden from the environment (WEB_CONCURRENCY, PORT or BIND, ...).
"""

import multiprocessing
import os

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Synchronous workers: pages are rendered or served from the cache in a few milliseconds,
# so one process per request in flight, 2 per core plus one, is the classic sizing; capped
# so a big machine does not multiply memory for nothing.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 12))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")

# Load the application once in the master, so workers share its memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then, with jitter so they do not all restart at once: bounds the
# memory of a long-running process whatever a library leaks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))

# A 2,000-character Kazakh search is about 12 KB of percent-encoded URL. gunicorn silently
# caps any positive limit at 8,190 bytes; 0 lifts the cap (its parser still stops at 1 MB).
limit_request_line = 0
limit_request_field_size = 16384

# Access logs cost time on every request; a front proxy usually keeps them. "-" = stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
