"""Cover files of stories that are not live: not served to readers, not left behind."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles import images
from articles.models import Article
from articles.selectors import cover_is_public
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def jpeg(name="cover.jpg", size=(1000, 500)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def media_url(name: str) -> str:
    return "/media/" + name


def stored(media_root, name: str) -> bool:
    return (media_root / name).exists()


@pytest.fixture
def draft_with_cover(media_root, django_capture_on_commit_callbacks):
    return make_article(
        title="Әкім отставкаға кетеді",
        status=Article.Status.DRAFT,
        published_at=None,
        cover_image=jpeg("akim.jpg"),
    )


def every_file_of(article) -> list[str]:
    return [article.cover_image.name, *(r["url"] for r in article.cover_renditions)]


def paths_of(article) -> list[str]:
    name = article.cover_image.name
    return [name, *(images.rendition_name(name, r["width"]) for r in article.cover_renditions)]


# --- serving ------------------------------------------------------------------------------


def test_a_drafts_cover_and_renditions_are_404_for_readers(client, draft_with_cover, media_root):
    for name in paths_of(draft_with_cover):
        assert stored(media_root, name)
        assert client.get(media_url(name)).status_code == 404, name


def test_the_404_of_a_hidden_cover_is_not_kept_by_caches(client, draft_with_cover, media_root):
    response = client.get(media_url(draft_with_cover.cover_image.name))

    assert response.status_code == 404
    assert "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_scheduled_storys_cover_waits_for_its_time(client, media_root):
    story = make_article(published_at=timezone.now() + timedelta(hours=1), cover_image=jpeg())

    assert client.get(media_url(story.cover_image.name)).status_code == 404


def test_a_published_cover_keeps_its_long_cache(client, media_root):
    story = make_article(cover_image=jpeg())

    for name in paths_of(story):
        response = client.get(media_url(name))
        assert response.status_code == 200, name
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_newsroom_sees_a_drafts_cover_never_cached(draft_with_cover, media_root):
    client = Client()
    client.force_login(make_user("Journalist"))

    for name in paths_of(draft_with_cover):
        response = client.get(media_url(name))
        assert response.status_code == 200, name
        assert "private" in response["Cache-Control"]
        assert "max-age=31536000" not in response["Cache-Control"]


def test_a_signed_in_reader_who_is_not_staff_gets_404(draft_with_cover, media_root):
    client = Client()
    client.force_login(make_user(role=None))

    assert client.get(media_url(draft_with_cover.cover_image.name)).status_code == 404


def test_an_unpublished_storys_cover_is_404_again(client, media_root):
    story = make_article(cover_image=jpeg())
    story.status = Article.Status.DRAFT
    story.save()

    assert client.get(media_url(story.cover_image.name)).status_code == 404


def test_one_query_decides(client, media_root, django_assert_num_queries):
    story = make_article(cover_image=jpeg())
    rendition = images.rendition_name(story.cover_image.name, 400)

    with django_assert_num_queries(1):
        assert client.get(media_url(rendition)).status_code == 200


def test_renditions_lead_back_to_originals_of_every_format():
    assert images.original_candidates("covers/2026/12/a-1f2e3d4c.800w.webp") == [
        "covers/2026/12/a-1f2e3d4c.800w.webp",
        "covers/2026/12/a-1f2e3d4c.jpg",
        "covers/2026/12/a-1f2e3d4c.png",
        "covers/2026/12/a-1f2e3d4c.webp",
    ]
    assert images.original_candidates("covers/x.jpg") == ["covers/x.jpg"]


def test_cover_is_public_for_a_png_original(media_root):
    out = io.BytesIO()
    Image.new("RGB", (900, 450)).save(out, "PNG")
    story = make_article(cover_image=SimpleUploadedFile("p.png", out.getvalue()))

    assert cover_is_public(images.rendition_name(story.cover_image.name, 800))
    assert not cover_is_public("covers/unknown.800w.webp")


# --- names --------------------------------------------------------------------------------


def test_new_cover_names_cannot_be_guessed_from_the_title(media_root):
    first = make_article(cover_image=jpeg("Әкім.jpg"))
    second = make_article(cover_image=jpeg("Әкім.jpg"))

    pattern = r"covers/\d{4}/\d{2}/akim-[0-9a-f]{8}\.jpg"
    assert re.fullmatch(pattern, first.cover_image.name)
    assert re.fullmatch(pattern, second.cover_image.name)
    assert first.cover_image.name != second.cover_image.name


# --- files left behind --------------------------------------------------------------------


def test_a_replaced_cover_is_deleted_after_the_commit(
    media_root, django_capture_on_commit_callbacks
):
    story = make_article(cover_image=jpeg("old.jpg"))
    old = paths_of(story)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        story.cover_image = jpeg("new.jpg")
        story.save()
    assert all(stored(media_root, name) for name in old)  # a rollback still needs them
    for callback in callbacks:
        callback()

    assert not any(stored(media_root, name) for name in old)
    assert all(stored(media_root, name) for name in paths_of(story))


def test_a_cleared_cover_is_deleted(media_root, django_capture_on_commit_callbacks):
    story = make_article(cover_image=jpeg())
    old = paths_of(story)

    with django_capture_on_commit_callbacks(execute=True):
        story.cover_image = None
        story.save()

    assert not any(stored(media_root, name) for name in old)


def test_a_deleted_storys_cover_is_deleted(media_root, django_capture_on_commit_callbacks):
    story = make_article(cover_image=jpeg())
    old = paths_of(story)

    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=story.pk).delete()

    assert not any(stored(media_root, name) for name in old)


def test_a_cover_another_story_uses_is_kept(media_root, django_capture_on_commit_callbacks):
    story = make_article(cover_image=jpeg())
    shared = story.cover_image.name
    make_article(cover_image=shared)
    old = paths_of(story)

    with django_capture_on_commit_callbacks(execute=True):
        story.delete()

    assert all(stored(media_root, name) for name in old)


def test_a_rolled_back_replacement_keeps_the_old_cover(
    media_root, django_capture_on_commit_callbacks
):
    from django.db import transaction

    story = make_article(cover_image=jpeg("old.jpg"))
    old = paths_of(story)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            story.cover_image = jpeg("new.jpg")
            story.save()
            raise RuntimeError

    assert all(stored(media_root, name) for name in old)


def test_a_cover_a_history_revert_drops_is_deleted(
    media_root, editor_client, django_capture_on_commit_callbacks
):
    from tests.helpers.newsroom import article_post

    story = make_article(status=Article.Status.DRAFT, published_at=None)
    without_cover = story.history.get()
    story.cover_image = jpeg("later.jpg")
    story.save()
    added = paths_of(story)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/articles/article/{story.pk}/history/{without_cover.history_id}/",
            article_post(title=story.title, slug=story.slug, status="draft"),
        )

    assert response.status_code == 302
    story.refresh_from_db()
    assert not story.cover_image
    assert not any(stored(media_root, name) for name in added)
