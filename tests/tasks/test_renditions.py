"""Cover renditions: small uploads inline, big ones from the worker; pages link only the
renditions that exist, and learn about them without touching storage."""

import pytest
from django.core.files.storage import FileSystemStorage
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from tests.factories import make_article
from tests.helpers.images import image_bytes, upload
from tests.helpers.newsroom import ADD_URL, article_post
from tests.tasks.conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_is_small(settings):
    # A "big" upload without spending seconds of a shared CPU on 40 megapixels.
    settings.RENDITIONS_INLINE_MAX_PIXELS = 500 * 400


def cover_root(article) -> str:
    """The stored cover's name without its extension (upload names carry a random part)."""
    article.refresh_from_db()
    return article.cover_image.name.rsplit(".", 1)[0]


def story_html(client, article) -> str:
    return client.get(article.get_absolute_url()).content.decode()


def test_a_small_upload_gets_its_renditions_during_the_save(backend, media_root, client):
    article = make_article(cover_image=upload(image_bytes(size=(1000, 600)), "small.jpg"))

    article.refresh_from_db()
    assert article.cover_rendition_widths == [400, 800, 1000]
    assert not DBTaskResult.objects.exists()
    assert f"{cover_root(article)}.400w.webp 400w" in story_html(client, article)


def test_a_big_upload_is_saved_at_once_and_shows_the_original_until_the_worker_ran(
    database, big_is_small, media_root, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(cover_image=upload(image_bytes(size=(1600, 900)), "big.jpg"))

    article.refresh_from_db()
    assert article.cover_rendition_widths == []
    assert not list(media_root.rglob("*.webp"))
    (job,) = DBTaskResult.objects.all()
    assert job.task_path == "articles.tasks.make_cover_renditions"
    before = story_html(client, article)
    assert ".webp" not in before  # no link to a rendition that does not exist yet
    assert f'src="{article.cover_image.url}"' in before

    run_worker()

    article.refresh_from_db()
    assert article.cover_rendition_widths == [400, 800, 1200]
    assert len(list(media_root.rglob("big*.webp"))) == 3
    # The worker's update bumped the content generation: the cached page is not served.
    assert f"{cover_root(article)}.400w.webp 400w" in story_html(client, article)


def test_a_big_upload_without_a_worker_gets_renditions_right_after_the_commit(
    immediate, big_is_small, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(cover_image=upload(image_bytes(size=(1600, 900)), "big.jpg"))

    article.refresh_from_db()
    assert article.cover_rendition_widths == [400, 800, 1200]


def test_a_big_upload_through_the_admin_enqueues_and_answers(
    database, big_is_small, media_root, editor_client, django_capture_on_commit_callbacks
):
    cover = upload(image_bytes(size=(1600, 900)), "admin.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD_URL, {**article_post(), "cover_image": cover})

    assert response.status_code == 302
    assert Article.objects.get().cover_rendition_widths == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_an_old_task_for_a_replaced_cover_changes_nothing(
    database, big_is_small, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(cover_image=upload(image_bytes(size=(1600, 900)), "first.jpg"))
    article.cover_image = upload(image_bytes(size=(600, 300)), "second.jpg")
    article.save()  # small: inline

    run_worker()

    article.refresh_from_db()
    assert "second" in article.cover_image.name
    assert article.cover_rendition_widths == [400, 600]
    assert not list(media_root.rglob("first*.webp"))


def test_an_admin_form_opened_before_the_renditions_does_not_erase_them(
    database, big_is_small, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(cover_image=upload(image_bytes(size=(1600, 900)), "kept.jpg"))
    stale = Article.objects.get(pk=article.pk)  # loaded while the task waits
    run_worker()

    stale.title = "Жаңа тақырып"
    stale.save()

    assert Article.objects.get(pk=article.pk).cover_rendition_widths == [400, 800, 1200]


def test_pages_never_ask_storage_whether_renditions_exist(backend, media_root, client, monkeypatch):
    article = make_article(cover_image=upload(image_bytes(size=(1000, 600)), "io.jpg"))
    root = cover_root(article)

    def no_storage(*args, **kwargs):
        raise AssertionError("a page touched the storage")

    for method in ("open", "exists", "size", "listdir"):
        monkeypatch.setattr(FileSystemStorage, method, no_storage)
    assert f"{root}.800w.webp 800w" in story_html(client, article)
    assert client.get("/").status_code == 200


def test_the_job_commits_or_rolls_back_with_the_story(database, big_is_small, media_root):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        make_article(cover_image=upload(image_bytes(size=(1600, 900)), "rolled.jpg"))
        # Written with the story, not after its commit: a server killed right after the
        # commit cannot lose the job.
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("the save fails later on")

    assert not Article.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_cover_stored_before_widths_were_tracked_shows_every_rendition(media_root, client):
    """The upgrade leaves old covers NULL (no table-wide rewrite); they had all renditions."""
    article = make_article(cover_image=upload(image_bytes(size=(1000, 600)), "old.jpg"))
    Article.objects.filter(pk=article.pk).update(cover_rendition_widths=None)
    root = cover_root(article)

    html = story_html(client, article)

    assert all(f"{root}.{width}w.webp {width}w" in html for width in (400, 800, 1000))
