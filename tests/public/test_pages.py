from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_articles, make_author, region
from tests.helpers.html import parse, titles

pytestmark = pytest.mark.django_db


def test_home_shows_lead_latest_top_and_region_blocks(client):
    almaty, astana = region("almaty"), region("astana")
    lead = make_article(title="Басты жаңалық", is_featured=True, region=astana)
    latest = make_article(title="Ең соңғы жаңалық", region=almaty)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Басты жаңалық" in html and "Ең соңғы жаңалық" in html
    assert "Топ жаңалықтар" in html
    assert f'href="{almaty.get_absolute_url()}"' in html
    assert f'href="{astana.get_absolute_url()}"' in html
    assert lead.get_absolute_url() in html and latest.get_absolute_url() in html


def test_home_show_more_links_to_the_second_page_of_news_when_there_is_one(client):
    make_articles(13)
    html = client.get("/").content.decode()
    assert 'href="/news/?page=2"' in html and "data-show-more" in html


def test_news_list_is_newest_first_and_paginated_with_a_real_next_link(client):
    stories = make_articles(14)
    first = client.get("/news/").content.decode()
    second = client.get("/news/?page=2").content.decode()
    assert titles(parse(first)) == [s.title for s in stories[:12]]
    assert titles(parse(second)) == [s.title for s in stories[12:]]
    assert 'href="/news/?page=2"' in first
    assert "?page=3" not in second


def test_news_list_leaves_out_drafts_reviews_and_scheduled_stories(client):
    shown = make_article(title="Жарияланған")
    make_article(title="Жоба", status=Article.Status.DRAFT)
    make_article(title="Тексерісте", status=Article.Status.REVIEW)
    make_article(title="Болашақта", published_at=timezone.now() + timedelta(hours=2))
    assert titles(parse(client.get("/news/").content.decode())) == [shown.title]


@pytest.mark.parametrize("query", ["?partial=1", "?page=1&partial=1", "?page=2&partial=1"])
def test_partial_answers_only_the_list_items_for_any_page(client, query):
    make_articles(14)
    response = client.get("/news/" + query)
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith("<li") and html.endswith("</li>")
    assert "<html" not in html and "<main" not in html
    assert len(parse(html).children_of("li")) == (2 if "page=2" in query else 12)


@pytest.mark.parametrize("value", ["XMLHttpRequest", "", "fetch"])
def test_a_request_header_never_turns_a_list_into_its_items(client, value):
    """Only ``?partial=1`` asks for items: a header (even empty) once poisoned the cache."""
    make_articles(3)
    response = client.get("/news/", headers={"X-Requested-With": value})
    assert "<main" in response.content.decode()
    assert "X-Requested-With" not in response.get("Vary", "")
    assert "<main" in client.get("/news/").content.decode()


def test_partial_tells_the_script_where_the_next_items_are(client):
    make_articles(14)
    assert client.get("/news/?partial=1")["X-Next-Url"] == "/news/?page=2"
    assert client.get("/news/?page=2&partial=1")["X-Next-Url"] == ""


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "1.5", "9" * 30, "", "²", "١", "%00"])
def test_bad_page_numbers_answer_404_never_500(client, page):
    make_articles(3)
    expected = 200 if page == "" else 404
    assert client.get(f"/news/?page={page}").status_code == expected


def test_article_page_shows_the_story(client):
    author = make_author(name="Ермек Сахариев")
    story = make_article(
        title="Азаматтық қоғамды дамыту мәселелері қаралды",
        lead="Алқа жиыны өтті.",
        body="<p>Мәтін <strong>қалың</strong></p><script>alert(1)</script>",
        authors=[author],
        tags=["Қоғам"],
        published_at=timezone.make_aware(timezone.datetime(2021, 9, 29, 12, 0)),
        view_count=42,
    )
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.split("<h1", 1)[1].split(">", 1)[1].split("</h1>")[0] == story.title
    assert "Алқа жиыны өтті." in html
    assert "<strong>қалың</strong>" in html and "alert(1)" not in html
    assert f'href="{author.get_absolute_url()}"' in html
    assert f'href="{story.region.get_absolute_url()}"' in html
    assert "29.09.2021" in html
    assert 'href="/tags/qogam/"' in html
    assert "42" in parse(html).find("p", class_="story__dates").text
    assert "pageviews.js" in html


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "review", "scheduled"],
)
def test_unpublished_articles_answer_404(client, overrides):
    story = make_article(**overrides)
    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(f"/news/{story.pk}/").status_code == 404


def test_unknown_article_answers_404_in_the_site_design(client):
    response = client.get("/news/999999/nothing/")
    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()


def test_short_and_stale_article_urls_redirect_permanently_to_the_canonical_one(client):
    story = make_article(title="Жаңа тақырып")
    for url in (f"/news/{story.pk}/", f"/news/{story.pk}/old-slug/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url()


def test_outside_source_is_shown_as_such_with_its_url_on_its_page(client):
    source = make_author(name="smi24.kz", is_external=True, url="https://smi24.kz/")
    story = make_article(authors=[source])
    article_html = client.get(story.get_absolute_url()).content.decode()
    assert "smi24.kz" in article_html
    author_html = client.get(source.get_absolute_url()).content.decode()
    assert 'href="https://smi24.kz/"' in author_html
    assert titles(parse(author_html)) == [story.title]


def test_region_page_lists_only_its_stories_and_its_most_read(client):
    from pageviews.models import DailyPageViews

    almaty, astana = region("almaty"), region("astana")
    mine = make_articles(2, region=almaty)
    make_article(region=astana)
    DailyPageViews.objects.create(article=mine[1], day=timezone.localdate(), count=7)
    response = client.get(almaty.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert titles(parse(html)) == [s.title for s in mine]
    assert "Өңірде көп оқылғандар" in html


def test_region_list_shows_active_regions(client):
    html = client.get("/regions/").content.decode()
    assert region("almaty").get_absolute_url() in html
    assert html.count('class="region-tile"') == 20


def test_unknown_region_tag_and_author_answer_404(client):
    for url in ("/regions/nowhere/", "/tags/nothing/", "/authors/nobody/"):
        assert client.get(url).status_code == 404


def test_tag_page_lists_its_published_stories_newest_first(client):
    tagged = make_articles(3, tags=["Ауыл шаруашылығы"])
    make_article(tags=["Спорт"])
    make_article(tags=["Ауыл шаруашылығы"], status=Article.Status.DRAFT)
    response = client.get("/tags/auyl-sharuashylygy/")
    assert response.status_code == 200
    assert titles(parse(response.content.decode())) == [s.title for s in tagged]


def test_author_list_shows_only_authors_with_published_stories(client):
    writer, idle = make_author(name="Жазушы"), make_author(name="Бос автор")
    make_article(authors=[writer])
    html = client.get("/authors/").content.decode()
    assert "Жазушы" in html and "Бос автор" not in html
    assert idle.get_absolute_url() not in html


def test_error_500_page_renders_without_a_request_context(rf):
    from portal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "500" in response.content.decode()


def test_language_switcher_posts_to_set_language_and_changes_the_interface(client):
    make_article()
    html = client.get("/news/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/news/"})
    assert response.status_code == 302
    assert "Последние новости" in client.get("/news/").content.decode()


def test_pages_set_no_cookie_for_anonymous_readers(client):
    story = make_article()
    for url in ("/", "/news/", story.get_absolute_url()):
        assert not client.get(url).cookies


def test_interface_is_kazakh_whatever_the_browser_asks_until_the_reader_chooses(client):
    story = make_article(tags=["т"])
    make_article(tags=["т"])
    html = client.get(story.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert "Ұқсас жаңалықтар" in html.decode() and "Топ жаңалықтар" in html.decode()
    client.cookies["django_language"] = "en"
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Similar news" in html and '<html lang="en">' in html


def test_preview_renders_an_unpublished_story_uncached_and_uncounted(rf):
    from django.contrib.auth.models import AnonymousUser

    from articles.views import render_article_page

    draft = make_article(title="Жоба мақала", status=Article.Status.DRAFT, published_at=None)
    request = rf.get("/admin/preview/")
    request.user = AnonymousUser()
    response = render_article_page(request, draft, preview=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Жоба мақала" in html and 'content="noindex, nofollow"' in html
    assert "pageviews.js" not in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_home_partial_answers_the_latest_news_items(client):
    make_articles(3)
    html = client.get("/?partial=1").content.decode().strip()
    assert html.startswith("<li") and len(parse(html).children_of("li")) == 3


@pytest.mark.parametrize("url", ["/news/", "/regions/almaty/", "/tags/qogam/"])
def test_main_holds_only_the_listed_stories_while_top_news_sits_beside_it(client, url):
    import re

    from pageviews.models import DailyPageViews

    listed = make_articles(2, region=region("almaty"), tags=["Қоғам"])
    elsewhere = make_article(region=region("astana"))
    DailyPageViews.objects.create(article=elsewhere, day=timezone.localdate(), count=9)
    html = client.get(url).content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    links = re.findall(r'href="(/news/\d+/[^"]+)"', main)
    expected = [s.get_absolute_url() for s in listed]
    if url == "/news/":
        expected = [elsewhere.get_absolute_url(), *expected]
    assert list(dict.fromkeys(links)) == expected
    if url != "/regions/almaty/":
        assert "Топ жаңалықтар" in html.split("</main>", 1)[1]


@pytest.mark.parametrize(
    "url",
    [
        "/news/99999999999999999999999/x/",
        "/news/99999999999999999999999/",
        "/news/0/x/",
        "/regions/a%00/",
        "/tags/a%00/",
        "/authors/a%00/",
    ],
)
def test_absurd_ids_and_slugs_answer_404(client, url):
    assert client.get(url).status_code == 404


def test_russian_interface_uses_russian_plurals(client):
    make_articles(5, region=region("almaty"))
    make_articles(2, region=region("astana"))
    client.cookies["django_language"] = "ru"
    html = client.get("/regions/").content.decode()
    assert "5 материалов" in html and "2 материала" in html
