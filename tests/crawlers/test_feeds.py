from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from tests.factories import make_article, make_articles, make_author, region
from tests.helpers.feeds import NS, parse_xml
from tests.helpers.images import image_bytes, upload

pytestmark = pytest.mark.django_db

RSS = reverse("articles:rss")


def item_links(channel) -> list[str]:
    return [item.findtext("link") for item in channel.iter("item")]


def test_rss_lists_the_latest_published_stories_newest_first_with_absolute_links(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.kz"]
    older, newer = make_article(published_at=timezone.now() - timedelta(hours=2)), make_article()

    channel = parse_xml(client.get(RSS, HTTP_HOST="news.example.kz")).find("channel")

    assert item_links(channel) == [
        f"http://news.example.kz{newer.get_absolute_url()}",
        f"http://news.example.kz{older.get_absolute_url()}",
    ]
    assert channel.findtext("link") == "http://news.example.kz/"


def test_rss_items_carry_title_lead_date_guid_authors_and_tags(client):
    author = make_author(name="Ермек Сахариев")
    published_at = timezone.now() - timedelta(minutes=5)
    story = make_article(
        title="Азаматтық қоғамды дамыту мәселелері қаралды",
        lead="Облыста азаматтық қоғам форумы өтті",
        published_at=published_at,
        authors=[author],
        tags=["Қоғам", "Форум"],
    )

    item = parse_xml(client.get(RSS)).find("channel/item")

    assert item.findtext("title") == story.title
    assert item.findtext("description") == story.lead
    assert parsedate_to_datetime(item.findtext("pubDate")) == published_at.replace(microsecond=0)
    assert item.findtext("guid") == f"http://testserver{story.get_absolute_url()}"
    assert item.findtext("dc:creator", namespaces=NS) == "Ермек Сахариев"
    assert sorted(c.text for c in item.findall("category")) == ["Форум", "Қоғам"]


def test_rss_encloses_the_cover_image_with_an_absolute_url(client, media_root):
    story = make_article(cover_image=upload(image_bytes()))

    enclosure = parse_xml(client.get(RSS)).find("channel/item/enclosure")

    assert enclosure.get("url") == f"http://testserver{story.cover_image.url}"
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == story.cover_image.size


def test_rss_survives_a_cover_file_missing_from_storage(client, media_root):
    story = make_article(cover_image=upload(image_bytes()))
    story.cover_image.storage.delete(story.cover_image.name)

    assert parse_xml(client.get(RSS)).find("channel/item/enclosure").get("length") == "0"


def test_rss_leaves_out_drafts_stories_in_review_and_scheduled_stories(client):
    published = make_article()
    make_article(status=Article.Status.DRAFT, published_at=None)
    make_article(status=Article.Status.REVIEW, published_at=None)
    make_article(published_at=timezone.now() + timedelta(hours=1))

    assert item_links(parse_xml(client.get(RSS)).find("channel")) == [
        f"http://testserver{published.get_absolute_url()}"
    ]


def test_rss_holds_the_30_latest_stories(client):
    stories = make_articles(32)

    links = item_links(parse_xml(client.get(RSS)).find("channel"))

    assert links == [f"http://testserver{s.get_absolute_url()}" for s in stories[:30]]


def test_an_unpublished_story_leaves_the_feed_at_once(client):
    story = make_article()
    assert len(item_links(parse_xml(client.get(RSS)).find("channel"))) == 1

    story.status = Article.Status.DRAFT
    story.save()

    assert item_links(parse_xml(client.get(RSS)).find("channel")) == []


def test_feeds_use_site_url_when_it_is_set(client, settings):
    settings.SITE_URL = "https://zhanalyqtar.kz"
    story = make_article(tags=["Ауыл"], cover_image="")

    for url in (
        RSS,
        reverse("regions:rss", args=["almaty"]),
        reverse("articles:tag_rss", args=[story.tags.get().slug]),
    ):
        response = client.get(url)
        channel = parse_xml(response).find("channel")
        assert item_links(channel) == [f"https://zhanalyqtar.kz{story.get_absolute_url()}"]
        assert channel.findtext("link").startswith("https://zhanalyqtar.kz/")
        assert b"testserver" not in response.content
        assert b"example.com" not in response.content


def test_feeds_follow_the_request_scheme(client):
    make_article()

    response = client.get(RSS, secure=True)

    assert item_links(parse_xml(response).find("channel"))[0].startswith("https://testserver/")
    assert b"example.com" not in response.content


def test_region_feed_lists_only_the_region_stories(client):
    almaty = make_article(region=region("almaty"))
    make_article(region=region("astana"))

    channel = parse_xml(client.get(reverse("regions:rss", args=["almaty"]))).find("channel")

    assert item_links(channel) == [f"http://testserver{almaty.get_absolute_url()}"]
    assert channel.findtext("link") == f"http://testserver{region('almaty').get_absolute_url()}"
    assert region("almaty").name in channel.findtext("title")


def test_tag_feed_lists_only_the_tag_stories(client):
    tagged = make_article(tags=["Ауыл шаруашылығы"])
    make_article(tags=["Спорт"])
    make_article(tags=["Ауыл шаруашылығы"], status=Article.Status.DRAFT, published_at=None)
    tag = Tag.objects.get(name="Ауыл шаруашылығы")

    channel = parse_xml(client.get(reverse("articles:tag_rss", args=[tag.slug]))).find("channel")

    assert item_links(channel) == [f"http://testserver{tagged.get_absolute_url()}"]
    assert channel.findtext("link") == f"http://testserver{tag.get_absolute_url()}"


def test_feeds_of_unknown_regions_and_tags_answer_404(client):
    assert client.get(reverse("regions:rss", args=["atlantis"])).status_code == 404
    assert client.get(reverse("articles:tag_rss", args=["no-such-tag"])).status_code == 404


def test_feed_queries_do_not_grow_with_stories(client, django_assert_max_num_queries):
    authors = [make_author(), make_author()]
    make_articles(30, authors=authors, tags=["a", "b", "c"])

    # Stories, bylines, tags; the region; one more for the page cache's schedule check.
    with django_assert_max_num_queries(4):
        client.get(RSS)
    with django_assert_max_num_queries(5):
        client.get(reverse("regions:rss", args=["almaty"]))
