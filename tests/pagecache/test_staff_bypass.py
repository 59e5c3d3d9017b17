"""Only a valid staff session skips the page cache; a session cookie alone does not."""

import pytest
from django.test import Client

from articles.models import Article
from portal.middleware import STAFF_COOKIE, staff_marker
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(title="Кэштегі тақырып")


def _retitle_without_signal(story, title="Жаңа нұсқа"):
    Article.objects.filter(pk=story.pk).update(title=title)


def _log_in_through_the_admin(client, user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": "pass-12345"}
    )
    assert response.status_code == 302, response.content[:500]


@pytest.mark.parametrize(
    "cookies",
    [
        {"sessionid": "anything"},
        {"sessionid": "x" * 32, STAFF_COOKIE: "forged:marker:value"},
        {"sessionid": "", STAFF_COOKIE: ""},
        # A genuine marker, but made for another session: it proves nothing for this one.
        {"sessionid": "attacker-session", STAFF_COOKIE: staff_marker("someone-elses-session")},
    ],
)
def test_a_session_cookie_that_is_not_staffs_gets_the_cached_page(
    client, story, settings, cookies, django_assert_num_queries
):
    url = story.get_absolute_url()
    cached = client.get(url)
    _retitle_without_signal(story)
    for name, value in cookies.items():
        client.cookies[name] = value
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.content == cached.content
    assert "private" not in response["Cache-Control"]


def test_a_junk_session_cookie_on_a_miss_renders_and_stores_the_anonymous_page(client, story):
    client.cookies["sessionid"] = "junk"
    first = client.get("/news/")
    assert "private" not in first["Cache-Control"]
    assert "Set-Cookie" not in first  # the view never saw the cookie, so nothing to clear
    _retitle_without_signal(story)
    assert Client().get("/news/").content == first.content


def test_staff_logged_in_through_the_admin_get_fresh_private_pages(client, story):
    client.get(story.get_absolute_url())
    _log_in_through_the_admin(client, make_user("Editor"))
    assert STAFF_COOKIE in client.cookies
    _retitle_without_signal(story, "Тек редакторға")
    response = client.get(story.get_absolute_url())
    assert "Тек редакторға" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"


def test_a_forced_login_gets_the_marker_on_its_first_admin_page(client, story):
    client.force_login(make_user("Editor"))
    client.get("/admin/")
    _retitle_without_signal(story, "Жаңа")
    assert "Жаңа" in client.get("/news/").content.decode()


def test_after_logging_out_the_cache_answers_again(client, story):
    _log_in_through_the_admin(client, make_user("Editor"))
    client.get("/news/")
    client.post("/admin/logout/")
    assert client.cookies[STAFF_COOKIE].value == ""
    Client().get("/news/")
    _retitle_without_signal(story, "Шыққаннан кейін")
    assert "Шыққаннан кейін" not in client.get("/news/").content.decode()


def test_a_user_who_is_no_longer_staff_loses_the_marker(client, story):
    editor = make_user("Editor")
    _log_in_through_the_admin(client, editor)
    editor.is_staff = False
    editor.save()
    client.get("/news/")  # still marked: the page is fresh, and the marker is taken back
    assert client.cookies[STAFF_COOKIE].value == ""
    Client().get("/news/")
    _retitle_without_signal(story, "Енді кэштен")
    assert "Енді кэштен" not in client.get("/news/").content.decode()


def test_a_non_staff_user_with_a_real_session_gets_the_shared_page(client, story):
    client.force_login(make_user(None))
    client.get("/admin/")  # no marker for them
    assert STAFF_COOKIE not in client.cookies or not client.cookies[STAFF_COOKIE].value
    client.get("/news/")
    _retitle_without_signal(story)
    assert "Кэштегі тақырып" in client.get("/news/").content.decode()
