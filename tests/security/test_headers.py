"""Content-Security-Policy, Referrer-Policy and Permissions-Policy on every response."""

import base64
import hashlib
import re
from pathlib import Path

import pytest

from tests.factories import make_article, make_user
from tests.test_settings import PRODUCTION, settings_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def article():
    return make_article(title="Жаңалық", tags=["Қоғам"])


def public_urls(article):
    return ["/", article.get_absolute_url(), "/news/", "/top/", "/search/?q=жаңа", "/regions/"]


def test_public_pages_carry_a_strict_policy(client, article):
    for url in public_urls(article):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["img-src"] == ["'self'", "data:"]
        assert csp["frame-src"] == ["https://www.youtube-nocookie.com", "https://t.me"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]


def test_a_page_served_from_the_page_cache_has_the_headers_too(client, settings, article):
    settings.PAGE_CACHE_SECONDS = 30
    first = client.get("/")
    second = client.get("/")
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]


def test_referrer_and_permissions_policies(client):
    response = client.get("/")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "interest-cohort"):
        assert features[feature] == "()"


def test_the_admin_login_has_the_policy(client):
    response = client.get("/admin/login/")
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "Permissions-Policy" in response


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)
DATA_TYPES = ('type="application/ld+json"', 'type="application/json"', 'type="importmap"')


def inline_scripts(html: str) -> list[str]:
    return [
        body
        for attributes, body in INLINE_SCRIPT.findall(html)
        if not any(kind in attributes for kind in DATA_TYPES)
    ]


def test_no_page_has_an_inline_script(client, article):
    for url in public_urls(article):
        assert inline_scripts(client.get(url).content.decode()) == [], url
    client.force_login(make_user("Editor"))
    for url in [
        "/admin/",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
    ]:
        assert inline_scripts(client.get(url).content.decode()) == [], url


def test_the_rich_text_editors_import_map_is_allowed_by_its_hash_only(client):
    client.force_login(make_user("Editor"))
    response = client.get("/admin/articles/article/add/")
    html = response.content
    (import_map,) = re.findall(rb'<script type="importmap"[^>]*>(.*?)</script>', html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(import_map).digest()).decode()
    csp = policy(response)
    assert csp["script-src"] == ["'self'", f"'sha256-{digest}'"]
    # select2 and the editor set style attributes from script: admin pages only.
    assert "'unsafe-inline'" in csp["style-src"]


def test_templates_have_no_inline_script_or_event_handler_attribute():
    offenders = []
    templates = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "portal").rglob("*.html")]
    for path in templates:
        text = path.read_text()
        if inline_scripts(text) or re.search(r"\son[a-z]+\s*=", text) or 'style="' in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_a_media_domain_is_allowed_for_images(tmp_path):
    csp = settings_of(
        tmp_path, ["CONTENT_SECURITY_POLICY"], **PRODUCTION, AWS_S3_CUSTOM_DOMAIN="cdn.example.kz"
    )["CONTENT_SECURITY_POLICY"]
    assert csp["DIRECTIVES"]["img-src"] == ["'self'", "data:", "https://cdn.example.kz"]


def test_hsts_subdomains_and_preload_are_off_unless_switched_on(tmp_path):
    names = ["SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]
    assert settings_of(tmp_path, names, **PRODUCTION) == dict.fromkeys(names, False)
    on = settings_of(
        tmp_path, names, **PRODUCTION, SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1"
    )
    assert on == dict.fromkeys(names, True)
