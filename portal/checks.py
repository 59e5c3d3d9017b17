"""Deployment checks (`manage.py check --deploy`): state that must be shared between servers.

Each app server keeps the page cache, the content generation and the read-count buffer in
its own memory (or temp folder) unless Redis is configured, and uploads on its own disk unless
a bucket is; with two servers behind nginx that silently gives readers stale pages, loses
read counts, and 404s for covers uploaded through the other server. A single-host site may
silence them with SILENCED_SYSTEM_CHECKS.
"""

from django.conf import settings
from django.core.checks import Warning, register


@register("deploy", deploy=True)
def shared_state(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    warnings = []
    if not getattr(settings, "REDIS_URL", ""):
        warnings.append(
            Warning(
                "REDIS_URL is not set: the page cache, its content generation and the "
                "read-count buffer are local to each app server.",
                hint=(
                    "Several app servers need Redis for the cache and the read-count buffer: "
                    "set REDIS_URL (see docs/deploy.md). On a single app server add "
                    '"portal.W001" to SILENCED_SYSTEM_CHECKS.'
                ),
                id="portal.W001",
            )
        )
    if not getattr(settings, "AWS_STORAGE_BUCKET_NAME", ""):
        warnings.append(
            Warning(
                f"Uploads are stored on this server's disk ({settings.MEDIA_ROOT}).",
                hint=(
                    "Several app servers need one media store: set AWS_STORAGE_BUCKET_NAME "
                    "(object storage) or put MEDIA_ROOT on a folder every server mounts. On a "
                    'single app server add "portal.W002" to SILENCED_SYSTEM_CHECKS.'
                ),
                id="portal.W002",
            )
        )
    return warnings
