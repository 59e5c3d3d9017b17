"""Uploads and renditions in a real S3 bucket (SeaweedFS), and pages that never ask it."""

import io
import re
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article
from tests.factories import make_article, make_author, make_user
from tests.helpers.newsroom import ADD_URL, article_post

from .conftest import bucket_keys

pytestmark = pytest.mark.django_db

URL_ATTRIBUTES = re.compile(r'(?:src|srcset)="([^"]+)"')


def photo(name="photo.jpg", colour=(200, 120, 40), size=(1600, 900)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def media_urls(html: str) -> list[str]:
    urls = []
    for value in URL_ATTRIBUTES.findall(html):
        urls += [part.strip().split(" ")[0] for part in value.split(",")]
    return [url for url in urls if "/covers/" in url]


def test_a_cover_uploaded_in_the_admin_lands_in_the_bucket_with_its_renditions(
    client, s3_media, s3_server, s3_calls, media_root
):
    client.force_login(make_user("Editor"))

    response = client.post(ADD_URL, {**article_post(), "cover_image": photo("Фото.jpg")})

    assert response.status_code == 302
    article = Article.objects.get()
    name = article.cover_image.name
    assert re.fullmatch(r"covers/\d{4}/\d{2}/foto-[0-9a-f]{8}\.jpg", name)  # unguessable
    renditions = [name.removesuffix(".jpg") + f".{w}w.webp" for w in (400, 800, 1200)]
    assert bucket_keys(s3_server, s3_media) == sorted([name, *renditions])
    assert not any(media_root.iterdir()), "nothing may be written to the local media folder"
    head = s3_server.client().head_object(Bucket=s3_media, Key=renditions[0])
    assert "max-age=31536000" in head["CacheControl"]
    assert head["ContentType"] == "image/webp"
    puts = [params for operation, params in s3_calls if operation == "PutObject"]
    assert len(puts) == 4
    assert all(params["ACL"] == "public-read" for params in puts)


def test_a_stored_cover_is_publicly_readable_at_its_url(s3_media, s3_server):
    article = make_article(cover_image=photo())

    url = article.cover_renditions[0]["url"]
    assert url.startswith(f"{s3_server.endpoint}/{s3_media}/covers/")
    # No credentials: what a reader's browser does.
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        with Image.open(io.BytesIO(response.read())) as image:
            assert image.format == "WEBP"
            assert image.width == 400


def test_two_uploads_with_the_same_file_name_never_overwrite_each_other(s3_media, s3_server):
    first = make_article(cover_image=photo("same.jpg", colour=(255, 0, 0)))
    second = make_article(cover_image=photo("same.jpg", colour=(0, 0, 255)))

    assert first.cover_image.name != second.cover_image.name
    keys = bucket_keys(s3_server, s3_media)
    assert len(keys) == 2 * 4  # two originals, three renditions each
    for article, colour in ((first, (255, 0, 0)), (second, (0, 0, 255))):
        for name in (article.cover_image.name, article.cover_renditions[0]["url"]):
            key = name.split(f"/{s3_media}/", 1)[-1]
            assert key in keys
            with default_storage.open(key, "rb") as stored, Image.open(stored) as image:
                red, _green, blue = image.convert("RGB").getpixel((10, 10))
                assert (red > blue) == (colour[0] > colour[2]), key


def test_two_uploads_racing_for_one_name_both_survive(s3_media, s3_server):
    # Both uploads found the name free before either was written (what get_available_name
    # does for each of two simultaneous requests); the second must not replace the first.
    name = "covers/2026/12/race.jpg"
    first = default_storage._save(name, ContentFile(b"first upload", name="race.jpg"))
    second = default_storage._save(name, ContentFile(b"second upload", name="race.jpg"))

    assert first == name
    assert second != name and second.startswith("covers/2026/12/race")
    assert bucket_keys(s3_server, s3_media) == sorted([first, second])
    with default_storage.open(first) as stored:
        assert stored.read() == b"first upload"
    with default_storage.open(second) as stored:
        assert stored.read() == b"second upload"


def test_public_pages_link_media_on_the_custom_domain(client, s3_media, settings):
    settings.AWS_S3_CUSTOM_DOMAIN = "media.example.kz"
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(cover_image=photo())

    for url in ("/", article.get_absolute_url()):
        html = client.get(url).content.decode()
        urls = media_urls(html)
        assert urls, f"no cover on {url}"
        assert all(u.startswith("https://media.example.kz/covers/") for u in urls), urls
    largest = article.cover_renditions[-1]["url"]
    assert largest.startswith("https://media.example.kz/covers/")
    assert f'property="og:image" content="{largest}"' in html


def test_rendering_pages_asks_the_storage_nothing(client, s3_media, s3_calls, settings):
    settings.PAGE_CACHE_SECONDS = 0
    author = make_author(photo=photo("portrait.jpg", size=(300, 300)))
    article = make_article(cover_image=photo(), authors=[author])
    assert s3_calls, "the uploads themselves must have gone through boto (the counter works)"
    s3_calls.clear()

    for url in ("/", "/news/", article.get_absolute_url(), f"/regions/{article.region.slug}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert media_urls(response.content.decode()), f"no cover on {url}"
    author_page = client.get(author.get_absolute_url()).content.decode()
    assert f'src="{author.photo.url}"' in author_page

    assert s3_calls == []


def test_the_feed_asks_each_covers_size_once(client, s3_media, s3_calls, settings):
    settings.PAGE_CACHE_SECONDS = 0
    articles = [make_article(cover_image=photo(f"c{i}.jpg")) for i in range(3)]
    s3_calls.clear()

    first = client.get("/rss/")
    sizes = [c for c in s3_calls if c[0] == "HeadObject"]
    assert len(sizes) == len(articles)
    s3_calls.clear()
    second = client.get("/rss/")

    assert s3_calls == []
    assert first.content == second.content
    stored = default_storage.size(articles[0].cover_image.name)
    assert f'length="{stored}"' in second.content.decode()
