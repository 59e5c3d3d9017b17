"""What a story body may hold: media references survive, pasted pictures and bad links don't."""

import pytest
from django.core.exceptions import ValidationError

from articles.embeds import embed_from_url
from articles.html import referenced_photo_ids, sanitize_html

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ('<figure data-photo="12"></figure>', '<figure data-photo="12"></figure>'),
        ('<figure data-gallery=" 3, 4,3 "></figure>', '<figure data-gallery="3,4"></figure>'),
        (f'<figure data-embed="{YOUTUBE}"></figure>', f'<figure data-embed="{YOUTUBE}"></figure>'),
        (
            '<figure data-embed="https://youtu.be/dQw4w9WgXcQ?si=track"></figure>',
            f'<figure data-embed="{YOUTUBE}"></figure>',
        ),
        (
            '<figure data-embed="https://t.me/qazinform/12345?single"></figure>',
            '<figure data-embed="https://t.me/qazinform/12345"></figure>',
        ),
    ],
)
def test_references_are_kept_in_their_compact_form(given, kept):
    assert (
        sanitize_html(f"<p>Алдында</p>{given}<p>Кейін</p>") == f"<p>Алдында</p>{kept}<p>Кейін</p>"
    )


def test_a_reference_keeps_nothing_inside_it_and_only_one_reference():
    html = (
        '<figure data-photo="7" data-embed="https://t.me/durov/1" class="x">'
        '<img src="https://other.example/a.jpg"><figcaption>Ескі</figcaption>'
        '<a title="</figure><script>alert(1)</script>">сілтеме</a></figure><p>Соңы</p>'
    )

    assert sanitize_html(html) == '<figure data-photo="7"></figure><p>Соңы</p>'


@pytest.mark.parametrize(
    "html",
    [
        '<p>Мәтін<img src="https://other.example/hotlink.jpg" alt="x"></p>',
        '<p>Мәтін</p><picture><source srcset="https://other.example/a.webp"></picture>',
        '<p>Мәтін</p><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ">x</iframe>',
        '<p style="background:url(https://other.example/a.png)">Мәтін</p>',
    ],
)
def test_pasted_pictures_and_players_are_removed(html):
    cleaned = sanitize_html(html)

    assert "other.example" not in cleaned and "youtube" not in cleaned
    assert "<img" not in cleaned and "<iframe" not in cleaned
    assert "Мәтін" in cleaned


@pytest.mark.parametrize(
    "reference",
    [
        'data-photo="12a"',
        'data-photo="0"',
        'data-photo="javascript:alert(1)"',
        'data-gallery="1,x,3"',
        'data-embed="https://evil.example/watch?v=dQw4w9WgXcQ"',
        'data-embed="https://www.youtube.com/watch?v=short"',
        'data-embed="javascript:alert(1)"',
        'data-embed="https://t.me/c/123456/7"',
        'data-embed="https://t.me/joinchat/abcdef"',
        'data-embed="https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ"',
    ],
)
def test_bad_references_are_dropped(reference):
    assert sanitize_html(f"<figure {reference}></figure><p>Мәтін</p>") == "<p>Мәтін</p>"


def test_plain_figures_and_text_are_untouched():
    html = "<figure><figcaption>Кесте &amp; сурет</figcaption></figure><p>a &lt; b</p>"

    assert sanitize_html(html) == html


def test_referenced_ids_in_body_order():
    body = sanitize_html(
        '<figure data-photo="5"></figure><figure data-gallery="2,5,9"></figure>'
        f'<figure data-embed="{YOUTUBE}"></figure>'
    )

    assert referenced_photo_ids(body) == [5, 2, 9]


@pytest.mark.parametrize(
    ("url", "provider", "key"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "youtube", "dQw4w9WgXcQ"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://youtube.com/shorts/abcdefghijk", "youtube", "abcdefghijk"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://t.me/qazinform/12345", "telegram", "qazinform/12345"),
        ("http://telegram.me/Tengri_News/7", "telegram", "Tengri_News/7"),
    ],
)
def test_known_providers_are_recognised(url, provider, key):
    embed = embed_from_url(url)

    assert (embed.provider, embed.key) == (provider, key)
    assert embed.url.startswith("https://")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://vimeo.com/123", "unknown_provider"),
        ("ftp://youtube.com/watch?v=dQw4w9WgXcQ", "unknown_provider"),
        ("https://youtube.com:8443/watch?v=dQw4w9WgXcQ", "unknown_provider"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "bad_youtube"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXc", "bad_youtube"),
        ("https://t.me/durov", "bad_telegram"),
        ("https://t.me/s/durov/12", "bad_telegram"),
        ("", "unknown_provider"),
    ],
)
def test_anything_else_is_refused_with_a_clear_message(url, code):
    with pytest.raises(ValidationError) as caught:
        embed_from_url(url)

    assert caught.value.code == code
    assert "YouTube" in caught.value.messages[0] or "Telegram" in caught.value.messages[0]
