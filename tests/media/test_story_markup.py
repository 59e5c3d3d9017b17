"""The story page's media markup, read as an outside consumer reads it (a parsed tree)."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from core import cache as page_cache
from tests.factories import make_article
from tests.helpers.html import parse

from .helpers import image_bytes, make_photo, upload

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
TELEGRAM = "https://t.me/qazinform/12345"


def story_body(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    root = parse(response.content.decode())
    bodies = [e for e in root.iter() if "data-story-body" in e.attrs]
    assert len(bodies) == 1
    return root, bodies[0]


def own_url(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/media/")


def assert_contract_photo(figure, photo, *, lazy=True):
    assert figure.tag == "figure"
    images = list(figure.iter("img"))
    assert len(images) == 1
    img = images[0].attrs
    assert img["alt"] == photo.alt
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert own_url(img["src"])
    candidates = [part.split() for part in img["srcset"].split(",")]
    assert [w for _url, w in candidates] == ["400w", "800w", "1200w"]
    assert all(own_url(url) and url.endswith(".webp") for url, _w in candidates)
    assert img.get("loading") == ("lazy" if lazy else "eager")
    caption = figure.find("figcaption")
    assert photo.caption in caption.text and photo.credit in caption.text


def test_photos_galleries_and_embeds_follow_the_markup_contract(client, media_root):
    photos = [make_photo(caption=f"Сурет {i}", credit=f"Автор {i}") for i in range(4)]
    body = (
        f'<p>Бірінші абзац.</p><figure data-photo="{photos[0].pk}"></figure>'
        f'<p>Екінші абзац.</p><figure data-gallery="{photos[1].pk},{photos[2].pk},{photos[3].pk}">'
        f'</figure><figure data-embed="{YOUTUBE}"></figure>'
        f'<figure data-embed="{TELEGRAM}"></figure>'
    )
    article = make_article(body=body)

    root, story = story_body(client, article)

    figures = [f for f in story.iter("figure") if "data-gallery" not in f.parent.attrs]
    assert len(figures) == 1
    assert_contract_photo(figures[0], photos[0], lazy=False)  # no cover: the first is eager
    galleries = [e for e in story.iter() if "data-gallery" in e.attrs]
    assert len(galleries) == 1
    in_gallery = galleries[0].children_of("figure")
    assert len(in_gallery) == 3
    for figure, photo in zip(in_gallery, photos[1:], strict=True):
        assert_contract_photo(figure, photo, lazy=True)

    embeds = {
        e.attrs["data-embed-provider"]: e for e in story.iter() if "data-embed-provider" in e.attrs
    }
    assert set(embeds) == {"youtube", "telegram"}
    assert embeds["youtube"].find("a").attrs["href"] == YOUTUBE
    assert embeds["telegram"].find("a").attrs["href"] == TELEGRAM

    # Nothing from another host is loaded before a click, anywhere on the page.
    assert root.find("iframe") is None
    for element in root.iter():
        for name in ("src", "srcset", "poster", "style"):
            value = element.attrs.get(name) or ""
            assert (
                "youtube" not in value
                and "t.me" not in value
                and "//" not in value.split("/media/")[0]
            ), (element.tag, name, value)
    scripts = [s.attrs.get("src", "") for s in root.iter("script") if s.attrs.get("src")]
    assert any(src.endswith("embeds.js") or "/embeds." in src for src in scripts)
    assert all(
        s.attrs.get("src") or s.attrs.get("type") == "application/ld+json"
        for s in root.iter("script")
    ), "no inline script"


def test_with_a_cover_every_body_photo_is_lazy(client, media_root):
    photo = make_photo()
    article = make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    article.cover_image = upload(image_bytes(), "cover.jpg")
    article.save()

    _root, story = story_body(client, article)

    assert story.find("img").attrs["loading"] == "lazy"


def test_a_missing_photo_renders_nothing(client, media_root):
    kept = make_photo()
    article = make_article(
        body=f'<p>Мәтін</p><figure data-photo="999999"></figure>'
        f'<figure data-gallery="999998,{kept.pk}"></figure>'
    )

    _root, story = story_body(client, article)

    assert len(list(story.iter("img"))) == 1
    assert "999999" not in str(story.attrs) and story.find("figure").find("img") is not None


def test_a_corrected_caption_shows_at_once(client, media_root, settings):
    settings.PAGE_CACHE_SECONDS = 60
    photo = make_photo(caption="Қате атау")
    article = make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    assert "Қате атау" in client.get(article.get_absolute_url()).content.decode()

    photo.caption = "Дұрыс атау"
    photo.save()

    page = client.get(article.get_absolute_url()).content.decode()
    assert "Дұрыс атау" in page and "Қате атау" not in page


def page_queries(client, url: str, *, cold: bool) -> int:
    """Queries of one story page; ``cold``: nothing cached, else only the page itself is new
    (another address of the same story: fragments and rankings are already kept)."""
    if cold:
        cache.clear()
        page_cache.current()
    else:
        assert client.get(url).status_code == 200
        url += "?utm_source=test"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_twenty_photos_cost_the_same_queries_as_none(client, media_root):
    photos = [make_photo(data=image_bytes(size=(300, 200))) for _ in range(20)]
    plain = make_article(body="<p>Суретсіз</p>")
    one = make_article(body=f'<figure data-photo="{photos[0].pk}"></figure>')
    twenty = make_article(
        body="".join(
            f'<p>{i}</p><figure data-photo="{p.pk}"></figure>' for i, p in enumerate(photos)
        )
    )
    stories = (plain, one, twenty)
    for story in stories:  # a first reader ranks its Similar news, kept with the story
        client.get(story.get_absolute_url())

    cold = [page_queries(client, a.get_absolute_url(), cold=True) for a in stories]
    warm = [page_queries(client, a.get_absolute_url(), cold=False) for a in stories]

    # Cold, the photos come with the story (its snapshot of them): no query of their own.
    assert cold[2] == cold[1] == cold[0]
    assert cold[2] <= 8  # the story page's budget (tests/perf/test_query_budgets.py)
    # Once expanded, the body is a fragment under the content generation: no query at all.
    assert warm[2] == warm[1] == warm[0]


def test_captions_and_embed_links_follow_the_readers_language(client, media_root):
    photo = make_photo(credit="Ә. Нұров")
    article = make_article(
        body=f'<figure data-photo="{photo.pk}"></figure><figure data-embed="{YOUTUBE}"></figure>'
    )

    kazakh = client.get(article.get_absolute_url()).content.decode()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    russian = client.get(article.get_absolute_url()).content.decode()

    assert "Бейнені YouTube-та көру" in kazakh
    assert "Смотреть видео на YouTube" in russian and "Бейнені YouTube-та көру" not in russian


def test_a_body_without_its_snapshot_still_shows_every_photo(client, media_root):
    """A story written before snapshots, or one whose snapshot lost a photo, asks the library."""
    photos = [make_photo(caption=f"Сурет {i}") for i in range(2)]
    article = make_article(body="".join(f'<figure data-photo="{p.pk}"></figure>' for p in photos))
    Article.objects.filter(pk=article.pk).update(body_photos={})

    _root, story = story_body(client, article)

    assert [img.attrs["alt"] for img in story.iter("img")] == [p.alt for p in photos]


def test_a_corrected_photo_updates_the_snapshot_of_every_story_showing_it(media_root):
    photo = make_photo(caption="Ескі", alt="Ескі сипаттама")
    showing = make_article(body=f'<figure data-gallery="{photo.pk}"></figure>')
    cover_only = make_article(cover_photo=photo)

    photo.caption, photo.alt = "Жаңа", "Жаңа сипаттама"
    photo.save()

    showing.refresh_from_db()
    cover_only.refresh_from_db()
    snapshot = showing.body_photos[str(photo.pk)]
    assert (snapshot["caption"], snapshot["alt"]) == ("Жаңа", "Жаңа сипаттама")
    assert cover_only.body_photos == {} and cover_only.cover_caption == "Жаңа"


def test_the_upgrade_snapshots_the_photos_of_stories_stored_before_it(media_root):
    from importlib import import_module

    from django.apps import apps

    upgrade = import_module("articles.migrations.0011_body_photos").snapshot_body_photos
    photo = make_photo(caption="Бұрынғы")
    with_photo = make_article(body=f'<p>Мәтін</p><figure data-photo="{photo.pk}"></figure>')
    text_only = make_article(body="<p>Мәтін</p>")
    Article.objects.update(body_photos={})

    upgrade(apps, None)

    with_photo.refresh_from_db()
    text_only.refresh_from_db()
    assert with_photo.body_photos == {str(photo.pk): photo.snapshot()}
    assert text_only.body_photos == {}
