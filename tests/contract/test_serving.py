"""robots.txt and /media/ as crawlers, CDNs and attackers ask for them."""

import pytest
from PIL import Image

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(media_root):
    folder = media_root / "covers"
    folder.mkdir()
    Image.new("RGB", (4, 4), "red").save(folder / "pic.webp", "WEBP")
    (media_root.parent / "secret.txt").write_text("h6-private-bytes")
    # Covers are public only as a published story's (tests/security/test_media.py).
    make_article(cover_image="covers/pic.webp")
    return "/media/covers/pic.webp"


def test_robots_txt_answers_head_before_any_get_filled_the_page_cache(client):
    assert client.head("/robots.txt").status_code == 200
    assert client.get("/robots.txt").status_code == 200


def test_media_is_served_with_long_cache_headers_for_get_and_head(client, picture):
    for response in (client.head(picture), client.get(picture)):
        assert response.status_code == 200
        assert "max-age=31536000" in response["Cache-Control"]
        assert response["Content-Type"] == "image/webp"


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/covers/../../secret.txt",
        "/media/..%2Fsecret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/%2Fetc%2Fpasswd",
        "/media//etc/passwd",
        "/media/covers/pic.webp%00.txt",
        "/media/covers/",
        "/media/" + "a" * 3000,
        "/media/covers/" + "b" * 300 + ".webp",
    ],
)
def test_media_path_tricks_and_impossible_names_are_404(client, picture, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"h6-private-bytes" not in response.content


def test_media_refuses_writes(client, picture):
    assert client.post(picture).status_code == 405
