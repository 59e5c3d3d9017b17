"""The story editor and the embed facade in a real browser (the shared headless Chromium)."""

import pytest
from django.test import Client

from articles.models import Article
from tests.factories import make_user

from .helpers import image_bytes, make_photo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def editor_page(browser, live_server, media_root):
    editor = make_user("Editor")
    client = Client()
    client.force_login(editor)
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    outside = []

    def only_the_site(route):
        if route.request.url.startswith(live_server.url) or route.request.url.startswith("data:"):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", only_the_site)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.outside = outside
    yield page
    context.close()


def test_the_editor_inserts_photos_galleries_and_embeds_that_survive_the_next_edit(editor_page):
    page = editor_page
    wanted = make_photo(data=image_bytes(size=(500, 300)), caption="Бурабай көлі")
    other = make_photo(data=image_bytes(size=(500, 300)), caption="Көкшетау тауы")

    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Бурабайдағы демалыс")
    page.click(".prose-editor > .ProseMirror")
    page.keyboard.type("Бірінші абзац.")

    page.click("[data-story-media=photo]")
    page.fill(".story-media-picker input[type=search]", "бурабай")
    page.click(f".story-media-picker [data-photo-id='{wanted.pk}']")

    page.click("[data-story-media=gallery]")
    page.click(f".story-media-picker [data-photo-id='{other.pk}']")
    page.click(f".story-media-picker [data-photo-id='{wanted.pk}']")
    page.click(".story-media-picker .button.default")

    page.once("dialog", lambda dialog: dialog.accept("https://youtu.be/dQw4w9WgXcQ?si=x"))
    page.click("[data-story-media=embed]")
    assert page.locator(".prose-editor > .ProseMirror figure[data-embed]").count() == 1

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    story = Article.objects.get()
    assert f'<figure data-photo="{wanted.pk}"></figure>' in story.body
    assert f'<figure data-gallery="{other.pk},{wanted.pk}"></figure>' in story.body
    assert f'<figure data-embed="{YOUTUBE}"></figure>' in story.body
    assert "Бірінші абзац." in story.body

    # The editor loads the references back as nodes: saving again keeps every one of them.
    before = story.body
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    story.refresh_from_db()
    assert story.body == before
    assert not page.outside


def test_an_embed_loads_the_player_only_after_a_click(editor_page, live_server):
    from tests.factories import make_article

    page = editor_page
    article = make_article(
        region=None, body=f'<p>Мәтін</p><figure data-embed="{YOUTUBE}"></figure>'
    )
    page.context.clear_cookies()  # a reader, not the editor

    page.goto(article.get_absolute_url())
    assert page.locator("[data-story-body] iframe").count() == 0
    assert not page.outside

    page.click("[data-embed-provider=youtube] a")
    frame = page.wait_for_selector("[data-embed-provider=youtube] iframe")
    assert frame.get_attribute("src").startswith(
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
