from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Sum
from django.test import RequestFactory

from articles.models import Article, Tag
from authors.models import Author
from pageviews.models import DailyPageViews
from pageviews.periods import PERIOD_DAYS, today
from pageviews.selectors import most_read
from portal.management.demo_data import SEED_TITLE, SIMILAR_STORIES, TOP_STORIES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    # seed_demo refuses DEBUG=0, which pytest-django forces for every test.
    settings.DEBUG = True


@pytest.fixture
def seeded(media_root):
    call_command("seed_demo", articles=40, verbosity=0)


def test_seed_article_is_there_as_on_the_real_page(seeded):
    article = Article.objects.get(title=SEED_TITLE)
    assert article.slug == "azamattyq-qogamdy-damytu-maseleleri-qaraldy"
    assert article.is_published()
    assert article.published_at.date() == date(2021, 9, 29)
    assert article.region.name == "Алматы қаласы"
    assert [a.name for a in article.byline_authors] == ["Ермек Сахариев"]
    assert article.body.count("<p>") >= 5
    assert article.cover_image and article.cover_image.storage.exists(article.cover_image.name)


def test_listed_stories_have_their_authors_dates_and_real_daily_views(seeded):
    for title, author, _, ymd, views in SIMILAR_STORIES + TOP_STORIES:
        article = Article.objects.get(title=title)
        assert article.published_at.date() == date(*ymd)
        assert author in [a.name for a in article.byline_authors]
        assert article.view_count == views
        assert article.daily_views.aggregate(total=Sum("count"))["total"] == views
    assert Author.objects.get(name="smi24.kz").is_external


def test_view_count_is_the_sum_of_the_day_rows_for_every_article(seeded):
    for article in Article.objects.annotate(total=Sum("daily_views__count")):
        assert article.view_count == (article.total or 0)
    assert not DailyPageViews.objects.filter(day__gt=today()).exists()


def test_top_news_is_full_for_every_period_on_a_fresh_demo_site(seeded):
    for period in PERIOD_DAYS:
        assert len(most_read(period)) == 5, period


def test_generated_stories_have_tags_and_include_drafts_and_scheduled(seeded):
    published = Article.objects.published()
    assert published.count() >= 40
    assert all(3 <= a.tags.count() <= 8 for a in published.exclude(title=SEED_TITLE)[:20])
    assert Article.objects.filter(status="draft").exists()
    assert Article.objects.filter(status="review").exists()
    assert Article.objects.scheduled().exists()
    assert Article.objects.exclude(cover_image="").count() > 5


def test_demo_users_can_log_in_with_their_roles(seeded):
    login = RequestFactory().post("/admin/login/")
    editor = authenticate(login, username="editor", password="editor-demo-2024")
    journalist = authenticate(login, username="journalist", password="journalist-demo-2024")
    assert editor.is_staff and editor.groups.filter(name="Editor").exists()
    assert journalist.is_staff and journalist.groups.filter(name="Journalist").exists()
    assert Author.objects.get(user=journalist).name == "Ермек Сахариев"


def test_running_it_twice_creates_nothing_new(seeded):
    counts = (Article.objects.count(), Tag.objects.count(), DailyPageViews.objects.count())
    call_command("seed_demo", articles=40, verbosity=0)
    assert (Article.objects.count(), Tag.objects.count(), DailyPageViews.objects.count()) == counts


def test_if_empty_does_nothing_when_articles_exist(media_root):
    from tests.factories import make_article

    make_article()
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert Article.objects.count() == 1


def test_demo_logins_prints_the_logins_and_the_address(capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    assert "editor-demo-2024" in out and "journalist-demo-2024" in out


def test_demo_covers_have_their_renditions_on_disk(seeded):
    article = Article.objects.exclude(cover_image="").first()
    storage = article.cover_image.storage
    for rendition in article.cover_renditions:
        name = rendition["url"].removeprefix(storage.base_url)
        assert storage.exists(name)


def test_pages_cached_before_seeding_show_the_demo_content_afterwards(client, media_root):
    most_read_ever = TOP_STORIES[2][0]
    assert most_read_ever not in client.get("/top/?period=all").content.decode()
    call_command("seed_demo", articles=5, verbosity=0)
    assert most_read_ever in client.get("/top/?period=all").content.decode()
