"""The admin home shows each role its work, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.services import article_submit_for_review
from pageviews.models import DailyPageViews
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def queries_for(client, url="/admin/") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_editors_see_the_review_queue_oldest_first_and_what_is_scheduled(editor_client):
    older = make_article(title="Ескі өтінім", status=Article.Status.REVIEW)
    newer = make_article(title="Жаңа өтінім", status=Article.Status.REVIEW)
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(hours=3))
    make_article(title="Ертеңгі жаңалық", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Бүгінгі жаңалық")

    _, html = queries_for(editor_client)

    assert html.index("Ескі өтінім") < html.index("Жаңа өтінім")
    assert f"/admin/articles/article/{newer.pk}/change/" in html
    assert "Ертеңгі жаңалық" in html and "Бүгінгі жаңалық" in html


def fill_every_block(count: int) -> None:
    for i in range(count):
        story = make_article(status=Article.Status.REVIEW if i % 2 else Article.Status.PUBLISHED)
        DailyPageViews.objects.create(article=story, day=timezone.localdate(), count=i + 1)
        make_article(published_at=timezone.now() + timedelta(hours=i + 1))


def test_the_editor_dashboard_costs_the_same_queries_for_a_busy_newsroom(editor_client):
    fill_every_block(2)
    small, _ = queries_for(editor_client)
    fill_every_block(24)
    busy, html = queries_for(editor_client)

    assert busy == small
    assert '<span class="count">13</span>' in html  # the review queue: 13, eight listed


def test_journalists_see_their_drafts_reviews_and_what_came_back(journalist_client, journalist):
    draft = make_article(title="Менің жобам", status=Article.Status.DRAFT, created_by=journalist)
    waiting = make_article(title="Тексерісте", status=Article.Status.DRAFT, created_by=journalist)
    article_submit_for_review(article=waiting)
    returned = make_article(title="Қайтарылған", status=Article.Status.DRAFT, created_by=journalist)
    article_submit_for_review(article=returned)
    returned.status = Article.Status.DRAFT
    returned.save()
    make_article(title="Біреудің жобасы", status=Article.Status.DRAFT)

    _, html = queries_for(journalist_client)

    assert html.index("Қайтарылған") < html.index("Менің жобам") < html.index("Тексерісте")
    assert "Біреудің жобасы" not in html
    assert f"/admin/articles/article/{draft.pk}/change/" in html


def test_the_admin_wears_the_newsrooms_name(editor_client, settings):
    _, html = queries_for(editor_client)
    assert settings.SITE_NAME in html
    assert "Django" not in html.split("<body", 1)[0]


def test_a_journalists_autosaves_are_one_click_from_being_restored(journalist_client):
    journalist_client.post("/admin/articles/article/new/autosave/", {"title": "Жазылып жатыр"})

    _, html = queries_for(journalist_client)

    assert "Жазылып жатыр" in html
    assert "/admin/articles/article/add/?restore_autosave=1" in html
