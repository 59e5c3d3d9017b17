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
