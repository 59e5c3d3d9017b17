"""What one newsroom member may learn about a colleague's unpublished work in the admin."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import resolve

from articles.models import Article
from portal.admin_site import PortalAdminSite
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def shortcut_url(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


# --- 1. the admin's view-on-site shortcut -------------------------------------------------


@pytest.fixture
def embargoed(journalist):
    return make_article(
        title="Әкім отставкаға кетеді", status="draft", published_at=None, created_by=journalist
    )


def test_shortcut_does_not_reveal_a_colleagues_draft_slug(other_journalist_client, embargoed):
    response = other_journalist_client.get(shortcut_url(embargoed))

    assert response.status_code == 404
    assert embargoed.slug not in response.content.decode()
    assert embargoed.slug not in response.get("Location", "")


def test_shortcut_answers_a_missing_object_and_a_hidden_one_alike(
    other_journalist_client, embargoed
):
    content_type = ContentType.objects.get_for_model(Article).pk
    missing = other_journalist_client.get(f"/admin/r/{content_type}/999999/")
    hidden = other_journalist_client.get(shortcut_url(embargoed))

    assert missing.status_code == hidden.status_code == 404


def test_shortcut_refuses_staff_without_any_role(embargoed):
    client = Client()
    client.force_login(make_user(role=None, is_staff=True))

    assert client.get(shortcut_url(embargoed)).status_code == 404


def test_shortcut_redirects_the_owner_and_editors(journalist_client, editor_client, embargoed):
    for client in (journalist_client, editor_client):
        response = client.get(shortcut_url(embargoed))
        assert response.status_code == 302
        assert response["Location"].endswith(embargoed.get_absolute_url())


def test_shortcut_redirects_any_journalist_to_a_published_story(other_journalist_client):
    live = make_article()

    response = other_journalist_client.get(shortcut_url(live))

    assert response.status_code == 302
    assert response["Location"].endswith(live.get_absolute_url())


@pytest.mark.parametrize("object_id", ["abc", "1/2", "99999999999999999999999"])
@pytest.mark.parametrize("content_type_id", ["abc", "0", "99999999999999999999999"])
def test_shortcut_crafted_ids_are_404_not_500(editor_client, content_type_id, object_id):
    assert editor_client.get(f"/admin/r/{content_type_id}/{object_id}/").status_code == 404


def test_shortcut_keeps_its_url_and_name_and_is_the_guarded_one():
    match = resolve("/admin/r/1/2/")

    assert (match.namespace, match.url_name) == ("admin", "view_on_site")
    # Listing "django.contrib.admin" again in INSTALLED_APPS would bring back the open one.
    assert isinstance(admin.site, PortalAdminSite)
    assert match.func.__qualname__ == "PortalAdminSite.view_on_site"


# --- 2. history of a story: editors and the story's own authors ---------------------------


def history_url(article, version=None) -> str:
    url = f"/admin/articles/article/{article.pk}/history/"
    return f"{url}{version.history_id}/" if version else url


@pytest.fixture
def cut_story(editor, journalist):
    """A colleague's story, published after an editor cut a sentence from it."""
    story = make_article(
        status="review",
        published_at=None,
        created_by=journalist,
        body="<p>Дереккөз: Асқар Б., әкімдіктің қызметкері.</p>",
    )
    story.body = "<p>Дереккөз жасырын.</p>"
    story.status = Article.Status.PUBLISHED
    story._history_user = editor
    story.save()
    return story


def test_journalist_cannot_read_a_colleagues_history_list(other_journalist_client, cut_story):
    response = other_journalist_client.get(history_url(cut_story))

    assert response.status_code in (403, 404)
    assert "Асқар" not in response.content.decode()


def test_journalist_cannot_read_a_colleagues_past_version(other_journalist_client, cut_story):
    first = cut_story.history.order_by("history_id").first()

    response = other_journalist_client.get(history_url(cut_story, first))

    assert response.status_code in (403, 404)
    assert "Асқар" not in response.content.decode()


def test_a_colleagues_draft_history_is_404(other_journalist_client, journalist):
    draft = make_article(status="draft", published_at=None, created_by=journalist)
    version = draft.history.first()

    assert other_journalist_client.get(history_url(draft)).status_code == 404
    assert other_journalist_client.get(history_url(draft, version)).status_code == 404


def test_owner_coauthor_and_editor_read_the_history(
    journalist_client, other_journalist, other_journalist_client, editor_client, cut_story
):
    from articles.models import Byline
    from authors.models import author_for_user

    Byline.objects.create(article=cut_story, author=author_for_user(other_journalist))
    first = cut_story.history.order_by("history_id").first()

    for client in (journalist_client, other_journalist_client, editor_client):
        assert client.get(history_url(cut_story)).status_code == 200
        page = client.get(history_url(cut_story, first))
        assert page.status_code == 200
        assert "Асқар" in page.content.decode()


def test_the_history_rule_is_the_roles_rule(journalist, other_journalist, editor, cut_story):
    from articles.roles import can_read_history

    assert can_read_history(editor, cut_story)
    assert can_read_history(journalist, cut_story)
    assert not can_read_history(other_journalist, cut_story)


# --- 3. a journalist's revert keeps the editors' decisions --------------------------------


def revert_post(**overrides) -> dict:
    from tests.helpers.newsroom import article_post

    return article_post(**overrides)


@pytest.fixture
def once_featured(editor, journalist):
    """A journalist's story an editor featured and scheduled, then took back to a draft."""
    from datetime import timedelta

    from django.utils import timezone

    story = make_article(status="review", published_at=None, created_by=journalist)
    story.is_featured = True
    story.published_at = timezone.now() + timedelta(days=1)
    story._history_user = editor
    story.save()
    story.is_featured = False
    story.published_at = None
    story.status = Article.Status.DRAFT
    story.save()
    return story


def featured_version(story):
    return story.history.filter(is_featured=True).get()


def test_journalist_revert_keeps_editor_only_fields(journalist_client, once_featured):
    version = featured_version(once_featured)

    response = journalist_client.post(
        history_url(once_featured, version), revert_post(title="Қайтарылды", status="draft")
    )

    assert response.status_code == 302
    once_featured.refresh_from_db()
    assert once_featured.title == "Қайтарылды"  # the revert itself went through
    assert once_featured.is_featured is False
    assert once_featured.published_at is None


def test_journalist_revert_cannot_set_an_editors_status(journalist_client, once_featured):
    version = featured_version(once_featured)
    version.status = Article.Status.PUBLISHED
    version.save()

    journalist_client.post(history_url(once_featured, version), revert_post(status="published"))

    once_featured.refresh_from_db()
    assert once_featured.status == Article.Status.DRAFT
    assert not once_featured.is_published()


def test_journalist_save_of_an_instance_with_editor_values_keeps_stored_ones(
    journalist, once_featured
):
    from django.utils import timezone

    from articles.roles import keep_editor_decisions

    once_featured.is_featured = True
    once_featured.published_at = timezone.now()
    keep_editor_decisions(journalist, once_featured)

    assert once_featured.is_featured is False
    assert once_featured.published_at is None


def test_editor_revert_restores_editor_only_fields(editor_client, once_featured):
    from tests.helpers.newsroom import split_datetime

    version = featured_version(once_featured)

    editor_client.post(
        history_url(once_featured, version),
        revert_post(status="review", is_featured="on", **split_datetime(version.published_at)),
    )

    once_featured.refresh_from_db()
    assert once_featured.is_featured is True
    assert once_featured.published_at is not None


def test_the_change_form_links_history_only_for_those_who_may_read_it(
    other_journalist_client, editor_client, journalist_client, cut_story
):
    change = f"/admin/articles/article/{cut_story.pk}/change/"
    link = f'href="{history_url(cut_story)}"'

    assert link not in other_journalist_client.get(change).content.decode()
    assert link in journalist_client.get(change).content.decode()
    assert link in editor_client.get(change).content.decode()
