"""Public pages that would announce unpublished work: a tag, an author, a login name."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone, translation

from articles.models import Article, Tag
from authors.models import Author, author_for_user
from tests.factories import make_article, make_author, make_user
from tests.helpers.feeds import parse_xml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_content_generation(settings, tmp_path_factory):
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path_factory.getbasetemp() / "pages.stamp")
    settings.SITE_URL = ""


def draft(**fields) -> Article:
    return make_article(status=Article.Status.DRAFT, published_at=None, **fields)


def publish(article: Article) -> None:
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() - timedelta(minutes=1)
    article.save()


# --- tags ---------------------------------------------------------------------------------


def test_a_tag_only_drafts_carry_has_no_page_and_no_feed(client):
    story = draft(tags=["Әкім отставкасы"])
    tag = story.tags.get()

    assert client.get(f"/tags/{tag.slug}/").status_code == 404
    assert client.get(f"/tags/{tag.slug}/rss/").status_code == 404

    publish(story)

    assert client.get(f"/tags/{tag.slug}/").status_code == 200
    assert client.get(f"/tags/{tag.slug}/rss/").status_code == 200


def test_a_tag_only_a_scheduled_story_carries_waits_for_its_time(client):
    story = make_article(tags=["Жаңа әкім"], published_at=timezone.now() + timedelta(hours=2))
    tag = story.tags.get()

    assert client.get(f"/tags/{tag.slug}/").status_code == 404
    assert client.get(f"/tags/{tag.slug}/rss/").status_code == 404


# --- authors ------------------------------------------------------------------------------


def test_an_author_with_only_drafts_has_no_page(client):
    author = make_author(name="Ермек Сахариев", slug="ermek-sakhariev")
    story = draft(authors=[author])

    assert client.get("/authors/ermek-sakhariev/").status_code == 404

    publish(story)

    assert client.get("/authors/ermek-sakhariev/").status_code == 200


def test_an_author_with_no_story_at_all_has_no_page(client):
    make_author(name="Жаңа қызметкер", slug="zhana")

    assert client.get("/authors/zhana/").status_code == 404


def test_sitemap_lists_no_tag_or_author_without_a_published_story(client):
    hidden = make_author(name="Жасырын", slug="zhasyryn")
    draft(authors=[hidden], tags=["Құпия"])
    make_article(published_at=timezone.now() + timedelta(hours=1), tags=["Кейін"])
    shown = make_author(name="Көрінетін", slug="korinetin")
    make_article(authors=[shown], tags=["Ашық"])

    response = client.get("/sitemap.xml")
    parse_xml(response)  # well-formed
    xml = response.content.decode()

    assert "/authors/korinetin/" in xml and "/authors/zhasyryn/" not in xml
    for tag in Tag.objects.all():
        assert (f"/tags/{tag.slug}/" in xml) == (tag.name == "Ашық"), tag.name


# --- login names --------------------------------------------------------------------------


def test_a_byline_for_a_user_without_a_full_name_never_uses_the_login():
    user = make_user("Journalist", username="erm_1985")

    with translation.override("en"):
        author = author_for_user(user)

    assert author.name == f"Author {user.pk}"
    assert "erm" not in author.name.lower() and "erm" not in author.slug
    assert author.slug == f"author-{user.pk}"


def test_the_neutral_name_is_translated():
    user = make_user("Journalist", username="aigul.k")

    with translation.override("kk"):
        author = author_for_user(user)

    assert author.name == f"Автор {user.pk}"
    assert "aigul" not in author.slug


def test_a_byline_for_a_user_with_a_full_name_uses_it():
    user = make_user("Journalist", username="erm_1985", first_name="Ермек", last_name="Сахариев")

    assert author_for_user(user).name == "Ермек Сахариев"


def test_a_journalists_first_story_in_the_admin_signs_without_the_login(client):
    from tests.helpers.newsroom import ADD_URL, article_post

    user = make_user("Journalist", username="nurlan_secret")
    client.force_login(user)

    client.post(ADD_URL, article_post(status="review"))

    author = Author.objects.get(user=user)
    assert "nurlan" not in author.name and "nurlan" not in author.slug


def test_the_migration_renames_bylines_named_after_logins():
    migration = importlib.import_module("authors.migrations.0002_authors_not_named_after_logins")
    named_after_login = make_user("Journalist", username="ermek85")
    Author.objects.create(name="ermek85", slug="ermek85", user=named_after_login)
    with_full_name = make_user("Journalist", username="dana", first_name="Дана")
    Author.objects.create(name="dana", slug="dana", user=with_full_name)
    chosen = make_user("Journalist", username="asel")
    Author.objects.create(name="Әсел Б.", slug="asel-b", user=chosen)

    with translation.override("en"):
        migration.rename_login_named_authors(apps, None)

    renamed = Author.objects.get(user=named_after_login)
    assert (renamed.name, renamed.slug) == (
        f"Author {named_after_login.pk}",
        f"author-{named_after_login.pk}",
    )
    assert Author.objects.get(user=with_full_name).name == "Дана"
    assert Author.objects.get(user=chosen).name == "Әсел Б."


def _public_routes_with_a_slug():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<str:slug>" in route:
                yield route

    return [r for r in walk(get_resolver().url_patterns) if r.startswith(("tags/", "authors/"))]


def test_every_tag_and_author_address_waits_for_a_published_story(client):
    """Also for addresses added later (an Atom feed, a JSON list): they inherit the rule or
    this test names them."""
    author = make_author(name="Жасырын автор", slug="zhasyryn-avtor")
    story = draft(authors=[author], tags=["Жасырын тег"])
    slugs = {"tags/": story.tags.get().slug, "authors/": author.slug}
    routes = _public_routes_with_a_slug()
    assert len(routes) >= 3  # tags/<slug>/, tags/<slug>/rss/, authors/<slug>/

    for route in routes:
        url = "/" + route.replace("<str:slug>", slugs[route.split("/")[0] + "/"])
        assert client.get(url).status_code == 404, url
