from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Byline
from authors.models import Author
from pageviews.models import DailyPageViews
from regions.models import Region

pytestmark = pytest.mark.e2e


@pytest.fixture
def site():
    """A small site: 20 stories sharing tags, read this week, in a region."""
    almaty, _ = Region.objects.get_or_create(slug="almaty", defaults={"name": "Алматы қаласы"})
    author = Author.objects.create(name="Ермек Сахариев", slug="ermek-sakhariev")
    now = timezone.now()
    stories = []
    for i in range(20):
        story = Article.objects.create(
            title=f"Жаңалық нөмір {i + 1}",
            lead="Қысқаша мазмұны.",
            body="<p>Мәтін.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=i + 1),
            region=almaty,
            view_count=100 + i,
        )
        Byline.objects.create(article=story, author=author)
        story.tags.add("Қоғам", f"тег{i % 3}")
        DailyPageViews.objects.create(article=story, day=timezone.localdate(), count=50 - i)
        stories.append(story)
    return stories


def test_reader_opens_home_follows_a_story_and_sees_both_blocks(page, site):
    page.goto("/")
    assert page.locator("h2", has_text="Топ жаңалықтар").is_visible()
    page.locator("#latest-list a", has_text="Жаңалық нөмір 1").first.click()
    page.wait_for_url("**/news/**")
    assert page.locator("h1").first.inner_text() == "Жаңалық нөмір 1"
    similar = page.locator("section", has=page.locator("h2", has_text="Ұқсас жаңалықтар"))
    assert similar.locator("li").count() == 5
    top = page.locator("section", has=page.locator("h2", has_text="Топ жаңалықтар"))
    assert top.locator("ol > li").count() == 5
    assert top.locator("a[href='/top/']").count() == 1


def test_show_more_appends_the_next_items(page, site):
    page.goto("/news/")
    items = page.locator("#story-list > li")
    assert items.count() == 12
    page.get_by_role("link", name="Тағы көрсету", exact=True).click()
    # expect() polls from Python; wait_for_function would eval() in the page, which the
    # Content-Security-Policy (script-src 'self') rightly refuses.
    expect(items).to_have_count(20)
    assert page.url.endswith("/news/")  # appended in place, no navigation
    assert page.locator("[data-show-more]").count() == 0  # nothing more to load


def test_show_more_works_on_the_home_page_too(page, site):
    page.goto("/")
    before = page.locator("#latest-list > li").count()
    page.locator("[data-show-more='#latest-list']").click()
    expect(page.locator("#latest-list > li")).not_to_have_count(before)


def test_reader_switches_the_language(page, site):
    page.goto("/news/")
    assert page.locator("h1").inner_text() == "Соңғы жаңалықтар"
    page.locator(".lang-switch button[value='ru']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Последние новости"
    assert page.locator("html").get_attribute("lang") == "ru"
    page.locator(".lang-switch button[value='en']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Latest news"
