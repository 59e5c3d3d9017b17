from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Byline
from tests.factories import make_article, make_author
from tests.helpers.newsroom import ADD_URL, article_post, change_url

pytestmark = pytest.mark.django_db

DIRTY = (
    '<p>Сәлем<script>alert("x")</script></p>'
    '<img src="x" onerror="alert(1)">'
    '<p onclick="steal()">мәтін <a href="javascript:alert(1)">сілтеме</a></p>'
)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "alert(", "onerror", "onclick", "javascript:", "&lt;script"):
        assert bad not in lowered, html


def test_model_save_sanitizes_the_body():
    article = make_article(body=DIRTY)

    article.refresh_from_db()
    assert_clean(article.body)
    assert "Сәлем" in article.body and "сілтеме" in article.body


def test_admin_form_sanitizes_the_body(editor_client):
    response = editor_client.post(ADD_URL, article_post(body=DIRTY))

    assert response.status_code == 302
    assert_clean(Article.objects.get().body)


def test_body_editor_renders_with_local_assets_only(editor_client):
    html = editor_client.get(ADD_URL).content.decode()

    assert "django_prose_editor/editor.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html.split("<body", 1)[0]


def test_slug_is_the_latin_transliteration_from_the_design():
    article = make_article(title="Азаматтық қоғамды дамыту мәселелері қаралды")

    assert article.slug == "azamattyq-qogamdy-damytu-maseleleri-qaraldy"


def test_slugs_are_unique():
    first = make_article(title="Жаңа мектеп")
    second = make_article(title="Жаңа мектеп")

    assert first.slug == "zhana-mektep"
    assert second.slug == "zhana-mektep-2"


def test_slug_follows_a_draft_title_but_stays_once_published():
    article = make_article(title="Бірінші нұсқа", status="draft", published_at=None)
    article.title = "Екінші нұсқа"
    article.save()
    assert article.slug == "ekinshi-nusqa"

    article.status = Article.Status.PUBLISHED
    article.save()
    article.title = "Үшінші нұсқа"
    article.save()
    assert article.slug == "ekinshi-nusqa"

    article.status = Article.Status.DRAFT
    article.title = "Төртінші нұсқа"
    article.save()
    assert article.slug == "ekinshi-nusqa"


def test_an_admin_change_keeps_a_history_row_with_the_user_and_the_changes(editor_client, editor):
    author = make_author(name="Ермек Сахариев")
    article = make_article(status="draft", published_at=None, authors=[author], tags=["Ескі"])
    byline = Byline.objects.get(article=article)
    at = timezone.now() - timedelta(minutes=5)

    response = editor_client.post(
        change_url(article),
        article_post(
            title="Жаңа тақырып",
            slug=article.slug,
            status="published",
            tags="Жаңа, Алматы",
            existing_bylines=[byline],
            published_at_0=timezone.localtime(at).strftime("%Y-%m-%d"),
            published_at_1=timezone.localtime(at).strftime("%H:%M:%S"),
        ),
    )

    assert response.status_code == 302
    newest, previous = article.history.order_by("-history_id")[:2]
    assert newest.history_user == editor
    changed = {change.field for change in newest.diff_against(previous).changes}
    assert {"title", "status", "published_at"} <= changed
    assert (
        "Алматы" in newest.history_change_reason
        and "Ермек Сахариев" in newest.history_change_reason
    )


def test_editor_sees_who_changed_what_on_the_history_page(editor_client, editor):
    article = make_article(status="draft", published_at=None)
    editor_client.post(change_url(article), article_post(title="Өңделген", slug=article.slug))

    html = editor_client.get(f"/admin/articles/article/{article.pk}/history/").content.decode()

    assert editor.username in html or editor.get_full_name() in html
    assert "Өңделген" in html
