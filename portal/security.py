"""Small security pieces the settings point at (SECURITY.md explains each)."""

import base64
import hashlib
import ipaddress
import re

from django.conf import settings
from django.http import HttpResponse
from django.views.debug import SafeExceptionReporterFilter

# "scheme://anything@": the user-info part of a URL, where a password (or a token standing in
# for the user name, as in redis://:secret@host) lives.
URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/\s]+@", re.IGNORECASE)


class CredentialsCleansingFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: passwords inside URLs never reach an error page or report.

    Django hides settings by name (KEY, PASS, SECRET...), but REDIS_URL, DATABASE_URL and
    CACHES["default"]["LOCATION"] carry their password inside the value.
    """

    def cleanse_setting(self, key, value):
        return self._without_url_credentials(super().cleanse_setting(key, value))

    def cleanse_special_types(self, request, value):
        # The local variables of each traceback frame (a client built from REDIS_URL...).
        return self._without_url_credentials(super().cleanse_special_types(request, value))

    def _without_url_credentials(self, value):
        if isinstance(value, str):
            # str() because lazy settings (django-axes has some) pass isinstance but not re.
            text = str(value)
            if URL_CREDENTIALS.search(text):
                return URL_CREDENTIALS.sub(rf"\g<scheme>{self.cleansed_substitute}@", text)
        return value


def login_client_ip(request) -> str | None:
    """The address django-axes counts failed logins against (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR unless LOGIN_CLIENT_IP_HEADER names a header our reverse proxy sets: a client
    can send any X-Forwarded-For it likes, so a header is trusted only when configured, and
    only its last entry, the one our proxy appended (as pageviews does for readers).
    """
    header = getattr(settings, "LOGIN_CLIENT_IP_HEADER", "")
    candidate = ""
    if header and request.META.get(header):
        candidate = request.META[header].split(",")[-1].strip()
    for value in (candidate, request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            continue
    return None


class SmallBodyMiddleware:
    """Refuse big bodies (413) on the anonymous, CSRF-exempt endpoints before any view runs.

    The language switcher and the read beacon need a few hundred bytes; without this a
    stranger could make a worker read and parse megabytes there (multipart file parts do not
    count towards DATA_UPLOAD_MAX_MEMORY_SIZE). SMALL_BODY_PATHS are path prefixes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "SMALL_BODY_PATHS", ()))
        self.limit = getattr(settings, "SMALL_BODY_MAX_BYTES", 4096)

    def __call__(self, request):
        if self.prefixes and request.path.startswith(self.prefixes):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > self.limit:
                return HttpResponse(
                    "Request body too large.", status=413, content_type="text/plain"
                )
        return self.get_response(request)


def lockout_response(request, original_response=None, credentials=None):
    """The admin's "too many failed logins" page (AXES_LOCKOUT_CALLABLE), in the reader's
    language, with the cool-off in minutes; axes' own page is English-only."""
    from django.contrib import admin
    from django.template.response import TemplateResponse

    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    response = TemplateResponse(
        request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    return response.render()


# Features no page of the site uses; a page (or an injected script) cannot turn them on.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
INLINE_IMPORT_MAP = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.DOTALL)


class SecurityHeadersMiddleware:
    """Permissions-Policy everywhere, and the two CSP exceptions the admin needs.

    Sits inside django-csp's middleware, so the per-response additions below reach it:
    - the rich-text editor (django-prose-editor) declares its modules in an inline
      <script type="importmap">; its SHA-256 is allowed instead of any inline script (the
      map names hashed static files, so the hash is computed per response);
    - select2 and the editor set style="" attributes from their scripts, so admin pages allow
      inline styles ('unsafe-inline' for style-src only, never for scripts).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path_info.startswith("/admin/"):
            update = {"style-src": ["'unsafe-inline'"]}
            hashes = self._import_map_hashes(response)
            if hashes:
                update["script-src"] = hashes
            response._csp_update = {**(getattr(response, "_csp_update", None) or {}), **update}
        return response

    @staticmethod
    def _import_map_hashes(response) -> list[str]:
        if getattr(response, "streaming", False):
            return []
        if not response.get("Content-Type", "").startswith("text/html"):
            return []
        return [
            f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
            for body in INLINE_IMPORT_MAP.findall(response.content)
        ]
