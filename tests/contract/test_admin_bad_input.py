"""Bad input anywhere in the admin gets a message or a form error, never a 500.

Each case was a 500 on PostgreSQL or SQLite before it was fixed; the ids, actions and
values are what a stale browser tab, a crafted POST or a fuzzer sends.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from articles.models import Article, Tag
from tests.factories import make_article, make_user, region

pytestmark = pytest.mark.django_db

BOGUS_IDS = ["abc", "\x00", "1'", "әә", "99999999999999999999"]


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("Editor"))
    return client


@pytest.fixture
def journalist_client(client):
    client.force_login(make_user("Journalist"))
    return client


@pytest.fixture
def story():
    return make_article(tags=["Ауыл", "Су"])


@pytest.mark.parametrize("bogus", BOGUS_IDS)
def test_history_of_a_bogus_article_id_is_not_a_500(editor_client, story, bogus):
    response = editor_client.get(f"/admin/articles/article/{bogus}/history/")
    assert response.status_code in (302, 404)


def test_history_of_a_real_article_still_opens(editor_client, story):
    assert editor_client.get(f"/admin/articles/article/{story.pk}/history/").status_code == 200


@pytest.mark.parametrize("value", ["\x00", "a\x00b"])
def test_a_nul_in_the_tag_filter_is_not_a_500(editor_client, story, value):
    response = editor_client.get("/admin/articles/article/", {"tag": value})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("field", ["region", "tags", "authors"])
def test_a_nul_in_an_autocomplete_term_is_not_a_500(editor_client, story, field):
    params = {
        "app_label": "articles",
        "model_name": "article",
        "field_name": field,
        "term": "\x00",
    }
    assert editor_client.get("/admin/autocomplete/", params).status_code in (200, 403)


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("/admin/articles/article/", "publish_selected"),
        ("/admin/articles/article/", "unpublish_selected"),
        ("/admin/articles/article/", "feature_selected"),
        ("/admin/articles/article/", "submit_selected_for_review"),
        ("/admin/articles/article/", "delete_selected"),
        ("/admin/articles/tag/", "merge_tags"),
        ("/admin/articles/tag/", "delete_unused_tags"),
        ("/admin/regions/region/", "merge_regions"),
    ],
)
@pytest.mark.parametrize("bogus", BOGUS_IDS)
def test_an_action_on_bogus_ids_is_refused_without_a_500(editor_client, story, url, action, bogus):
    data = {"action": action, ACTION_CHECKBOX_NAME: ["1", bogus], "index": "0"}
    response = editor_client.post(url, data)
    assert response.status_code in (200, 302)
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED


def test_a_journalist_action_on_bogus_ids_is_refused_without_a_500(journalist_client, story):
    data = {"action": "submit_selected_for_review", ACTION_CHECKBOX_NAME: ["abc"], "index": "0"}
    assert journalist_client.post("/admin/articles/article/", data).status_code in (200, 302)


@pytest.mark.parametrize("target", ["", "abc", "999999", "\x00"])
def test_merging_tags_into_a_bogus_target_is_a_form_error(editor_client, target):
    one, two = Tag.objects.create(name="Бір"), Tag.objects.create(name="Екі")
    data = {
        "action": "merge_tags",
        ACTION_CHECKBOX_NAME: [one.pk, two.pk],
        "apply": "1",
        "target": target,
    }
    response = editor_client.post("/admin/articles/tag/", data)
    assert response.status_code in (200, 302)
    assert Tag.objects.filter(pk__in=[one.pk, two.pk]).count() == 2


def test_merging_tags_from_the_confirmation_page_still_works(editor_client):
    one, two = Tag.objects.create(name="Бір"), Tag.objects.create(name="Екі")
    make_article(tags=[one, two])
    data = {
        "action": "merge_tags",
        ACTION_CHECKBOX_NAME: [one.pk, two.pk],
        "apply": "1",
        "target": one.pk,
    }
    response = editor_client.post("/admin/articles/tag/", data)
    assert response.status_code == 302
    assert list(Tag.objects.filter(pk__in=[one.pk, two.pk])) == [one]


@pytest.mark.parametrize("target", ["", "abc", "999999", "\x00"])
def test_merging_regions_into_a_bogus_target_is_a_form_error(editor_client, story, target):
    source = region("almaty")
    data = {
        "action": "merge_regions",
        ACTION_CHECKBOX_NAME: [source.pk],
        "apply": "1",
        "target": target,
    }
    response = editor_client.post("/admin/regions/region/", data)
    assert response.status_code in (200, 302)
    story.refresh_from_db()
    assert story.region_id == source.pk


def _article_form(**extra):
    data = {
        "title": "Тексеру",
        "slug": "",
        "lead": "x",
        "body": "<p>x</p>",
        "status": "draft",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "extra",
    [
        {"region": "abc"},
        {"region": "\x00"},
        {"region": "99999999999999999999"},
        {"tags": ["\x00"]},
        {"tags": ["a\x00b, c"]},
        {"published_at_0": "0001-01-01", "published_at_1": "00:00"},
        {"published_at_0": "9999-12-31", "published_at_1": "23:59"},
        {"title": "\x00"},
    ],
    ids=repr,
)
@pytest.mark.parametrize("role", ["Editor", "Journalist"])
def test_bad_values_in_the_article_form_are_form_errors(client, role, extra):
    client.force_login(make_user(role))
    before = Article.objects.count()
    response = client.post("/admin/articles/article/add/", _article_form(**extra))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Article.objects.count() == before


@pytest.mark.parametrize("author", ["abc", "\x00", "999999"])
def test_a_bogus_byline_author_is_a_form_error(editor_client, author):
    data = _article_form(**{"bylines-TOTAL_FORMS": "1", "bylines-0-author": author})
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert not Article.objects.filter(title="Тексеру").exists()
