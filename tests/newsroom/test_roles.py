"""Role rules, proved with the requests a browser (or a crafty journalist) would send."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Byline
from authors.models import Author, author_for_user
from tests.factories import make_article, make_author, make_user
from tests.helpers.newsroom import ADD_URL, article_post, change_url, split_datetime

pytestmark = pytest.mark.django_db


def test_journalist_creates_a_draft_signed_with_their_own_author_profile(
    journalist_client, journalist
):
    response = journalist_client.post(ADD_URL, article_post(status="review"))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == "review"
    assert article.created_by == journalist
    assert list(article.authors.all()) == [Author.objects.get(user=journalist)]


def test_journalist_add_form_preselects_their_own_byline(journalist_client, journalist):
    response = journalist_client.get(ADD_URL)

    own = Author.objects.get(user=journalist)
    assert response.status_code == 200
    assert f'<option value="{own.pk}" selected>' in response.content.decode()


def test_journalist_crafted_post_with_published_status_is_refused(journalist_client):
    response = journalist_client.post(ADD_URL, article_post(status="published"))

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_journalist_crafted_post_cannot_feature_or_schedule(journalist_client):
    future = timezone.now() + timedelta(days=1)
    data = article_post(status="draft", is_featured="on", **split_datetime(future))

    journalist_client.post(ADD_URL, data)

    article = Article.objects.get()
    assert article.is_featured is False
    assert article.published_at is None


def test_journalist_crafted_post_cannot_sign_with_another_author(journalist_client, journalist):
    someone = make_author(name="Басқа автор")

    response = journalist_client.post(ADD_URL, article_post(bylines=[someone]))

    assert response.status_code == 200
    assert not Article.objects.exists()
    assert not Byline.objects.filter(author=someone).exists()


def test_journalist_cannot_publish_their_own_draft_through_the_change_form(
    journalist_client, journalist
):
    article = make_article(status="draft", published_at=None, created_by=journalist)

    response = journalist_client.post(change_url(article), article_post(status="published"))

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == "draft"


def test_journalist_edits_their_own_draft(journalist_client, journalist):
    article = make_article(status="draft", published_at=None, created_by=journalist)
    byline = Byline.objects.create(article=article, author=author_for_user(journalist))

    response = journalist_client.post(
        change_url(article),
        article_post(title="Түзетілген тақырып", status="review", existing_bylines=[byline]),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.status) == ("Түзетілген тақырып", "review")


def test_journalist_cannot_edit_their_article_once_published(journalist_client, journalist):
    article = make_article(created_by=journalist, title="Бастапқы")

    response = journalist_client.post(change_url(article), article_post(title="Өзгерген"))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Бастапқы"


def test_journalist_cannot_see_or_edit_others_drafts(journalist_client):
    other = make_user("Journalist")
    draft = make_article(status="draft", published_at=None, created_by=other, title="Бөтен")
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=3), created_by=other)
    live = make_article(created_by=other, title="Жарияланған")

    listing = journalist_client.get("/admin/articles/article/")
    shown = list(listing.context["cl"].result_list)
    assert shown == [live]
    assert journalist_client.get(change_url(draft)).status_code == 302  # "does not exist"
    response = journalist_client.post(change_url(draft), article_post(title="Бұзылған"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Бөтен"
    assert (
        journalist_client.get(f"/admin/articles/article/{scheduled.pk}/preview/").status_code == 404
    )
    assert journalist_client.get(f"/admin/articles/article/{draft.pk}/history/").status_code in (
        403,
        404,
    )


def test_journalist_cannot_delete_or_bulk_publish(journalist_client, journalist):
    article = make_article(status="draft", published_at=None, created_by=journalist)

    delete = journalist_client.post(
        f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}
    )
    bulk = journalist_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )

    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    article.refresh_from_db()
    assert article.status == "draft"


def test_journalist_cannot_revert_history_of_a_published_story(journalist_client, journalist):
    article = make_article(status="draft", published_at=None, created_by=journalist)
    article.status = Article.Status.PUBLISHED
    article.save()
    version = article.history.order_by("history_id").first()

    response = journalist_client.post(
        f"/admin/articles/article/{article.pk}/history/{version.history_id}/",
        article_post(title="Қайтарылған", status="draft"),
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == "published"


def test_editor_schedules_a_story_for_later(editor_client):
    author = make_author()
    at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)

    response = editor_client.post(
        ADD_URL, article_post(bylines=[author], status="published", **split_datetime(at))
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.published_at == at
    assert list(Article.objects.published()) == []
    assert list(Article.objects.published(at=at)) == [article]


def test_editor_publishing_without_a_time_gets_now(editor_client):
    before = timezone.now()

    response = editor_client.post(ADD_URL, article_post(status="published"))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.published_at >= before - timedelta(seconds=1)
    assert article.is_published()


def test_editor_bulk_publishes_and_unpublishes(editor_client):
    drafts = [make_article(status="draft", published_at=None) for _ in range(2)]
    ids = [a.pk for a in drafts]

    editor_client.post(
        "/admin/articles/article/", {"action": "publish_selected", "_selected_action": ids}
    )
    assert set(Article.objects.published().values_list("pk", flat=True)) == set(ids)

    editor_client.post(
        "/admin/articles/article/", {"action": "unpublish_selected", "_selected_action": ids}
    )
    assert not Article.objects.published().exists()


def test_editor_may_set_any_byline_and_feature(editor_client):
    first, second = make_author(name="Бірінші"), make_author(name="Екінші")

    response = editor_client.post(
        ADD_URL, article_post(bylines=[first, second], status="published", is_featured="on")
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.is_featured
    assert article.byline_authors == [first, second]


def test_a_duplicate_slug_is_a_form_error_not_a_crash(editor_client):
    make_article(slug="bir-zhanalyq")

    response = editor_client.post(ADD_URL, article_post(slug="bir-zhanalyq"))

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Article.objects.count() == 1


def test_a_post_without_the_bylines_block_still_saves(editor_client):
    data = {k: v for k, v in article_post().items() if not k.startswith("bylines-")}

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    assert Article.objects.count() == 1


def test_journalist_keeps_a_co_author_the_editor_added(journalist_client, journalist):
    article = make_article(status="review", published_at=None, created_by=journalist)
    own = Byline.objects.create(article=article, author=author_for_user(journalist), position=0)
    co = Byline.objects.create(article=article, author=make_author(name="Қосалқы"), position=1)

    response = journalist_client.post(
        change_url(article),
        article_post(title="Жаңартылған", status="review", existing_bylines=[own, co]),
    )

    assert response.status_code == 302
    assert [a.name for a in Article.objects.get().byline_authors] == [
        own.author.name,
        "Қосалқы",
    ]


def test_journalist_cannot_swap_an_existing_byline_for_someone_else(journalist_client, journalist):
    article = make_article(status="draft", published_at=None, created_by=journalist)
    own = Byline.objects.create(article=article, author=author_for_user(journalist))
    someone = make_author()
    data = article_post(existing_bylines=[own])
    data["bylines-0-author"] = someone.pk

    response = journalist_client.post(change_url(article), data)

    assert response.status_code == 200
    assert list(article.authors.all()) == [own.author]
