"""Story cards are rendered once per change of what they show, and never show stale facts."""

import pytest
from django.core.cache import cache

from articles import cards
from articles.models import Article
from pageviews.models import DailyPageViews
from tests.factories import make_article, make_author, region
from tests.helpers.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_renders(monkeypatch):
    """The kind (card template or compact item) of every card built instead of remembered."""
    kinds = []
    build = cards._build

    def counted(kind, *args):
        kinds.append(kind)
        return build(kind, *args)

    monkeypatch.setattr(cards, "_build", counted)
    return kinds


def cold_page(client, url: str) -> str:
    """The page rendered again (nothing in the page cache), as after its entry expired."""
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def card_of(page: str, article) -> str:
    """The text of the first list card that links to ``article``."""
    root = parse(page)
    for card in root.iter("article"):
        if any(a.attrs.get("href") == article.get_absolute_url() for a in card.iter("a")):
            return card.text
    raise AssertionError(f"no card of {article.title}")


def test_a_page_rendered_again_reuses_its_cards(client, card_renders):
    make_article(authors=[make_author()])
    make_article()

    cold_page(client, "/news/")
    first = len(card_renders)
    cold_page(client, "/news/")

    assert first >= 2
    assert len(card_renders) == first  # every card and compact item came from the memo


def test_another_page_reuses_the_cards_a_list_rendered(client, card_renders):
    story = make_article(tags=["су"])
    cold_page(client, "/news/")
    rendered = len(card_renders)

    page = cold_page(client, "/tags/su/")

    assert story.title in card_of(page, story)
    assert len(card_renders) == rendered


def _retitle(story, author):
    story.title = "Жаңа тақырып"
    story.save()
    return "Жаңа тақырып"


def _rename_author(story, author):
    author.name = "Жаңа Автор"
    author.save()
    return "Жаңа Автор"


def _move_without_save(story, author):
    Article.objects.filter(pk=story.pk).update(region=region("astana"))
    return region("astana").name


def _new_lead(story, author):
    story.lead = "Жаңа қысқаша мазмұн"
    story.save()
    return "Жаңа қысқаша мазмұн"


@pytest.mark.parametrize("change", [_retitle, _rename_author, _move_without_save, _new_lead])
def test_each_fact_a_card_shows_is_fresh_on_the_next_render(client, change):
    author = make_author(name="Ескі Автор")
    story = make_article(authors=[author])
    cold_page(client, "/news/")

    expected = change(story, author)

    assert expected in card_of(cold_page(client, "/news/"), Article.objects.get(pk=story.pk))


def test_a_renamed_region_shows_on_cards_at_once(client):
    place = region("almaty")
    story = make_article(region=place)
    cold_page(client, "/news/")

    place.name = "Алматы облысы (жаңа)"
    place.save()

    assert "Алматы облысы (жаңа)" in card_of(cold_page(client, "/news/"), story)


def test_view_counts_are_filled_in_fresh_on_a_remembered_card(client):
    story = make_article()
    cold_page(client, "/news/")

    Article.objects.filter(pk=story.pk).update(view_count=4321)

    assert "4321" in card_of(cold_page(client, "/news/"), story)


def test_top_news_shows_period_reads_while_lists_show_the_total(client):
    story = make_article()
    Article.objects.filter(pk=story.pk).update(view_count=900)
    DailyPageViews.objects.create(article=story, day=story.published_at.date(), count=7)

    top = parse(cold_page(client, "/")).find("section", class_="top-news")

    assert "7" in top.text.split() and "900" not in top.text
    assert "900" in card_of(cold_page(client, "/news/"), story)


def test_search_results_share_the_card_but_highlight_each_query(client, card_renders):
    story = make_article(title="Су тасқыны туралы", lead="Өзен арнасынан асты")
    cold_page(client, "/news/")

    flood = card_of(cold_page(client, "/search/?q=тасқыны"), story)
    flood_html = cold_page(client, "/search/?q=тасқыны")
    river_html = cold_page(client, "/search/?q=өзен")
    listed = cold_page(client, "/news/")

    assert "<mark>тасқыны</mark>" in flood_html and "<mark>тасқыны</mark>" not in river_html
    assert "<mark>Өзен</mark>" in river_html and "<mark>" not in listed
    assert story.title in flood and story.title in card_of(listed, story)
    # The list card, the search card with a snippet: two renderings for four pages.
    assert card_renders.count(cards.CARD_TEMPLATE) == 2


def test_cards_follow_the_readers_language(client):
    story = make_article()
    kazakh = cold_page(client, "/news/")
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    russian = cold_page(client, "/news/")

    assert card_of(kazakh, story) != card_of(russian, story)


def test_region_blocks_are_kept_but_show_fresh_view_counts(client, settings, card_renders):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page; fragments stay kept
    story = make_article(region=region("astana"))
    client.get("/")
    rendered = len(card_renders)

    Article.objects.filter(pk=story.pk).update(view_count=777)  # a flush: no content change
    page = client.get("/").content.decode()

    blocks = parse(page).find("section", class_="regions-news")
    assert "777" in blocks.text and story.title in blocks.text
    assert len(card_renders) == rendered  # the blocks came from the fragment


def test_a_compact_item_without_bylines_or_region_has_no_dangling_dash(client):
    place = region("astana")
    make_article(region=place, title="Қысқа жаңалық")  # no byline

    page = parse(cold_page(client, place.get_absolute_url()))

    metas = [p.text.strip() for p in page.iter("p") if "meta" in p.attrs.get("class", "")]
    assert metas and not any(text.startswith("-") for text in metas)
