"""The articles' background work: cover renditions, and what follows a scheduled story going
live. Each task is safe to run twice (core/tasks.py re-runs a killed worker's tasks)."""

import logging
from datetime import datetime

from django_tasks import task

from articles import images
from core import cache, pages
from core.tasks import enqueue_at, enqueue_with_transaction

logger = logging.getLogger(__name__)

__all__ = ["enqueue_with_transaction", "make_cover_renditions", "cover_renditions_now"]


def _store_widths(article_id: int, name: str, widths: list[int]) -> bool:
    from articles.models import Article

    # Only for the cover they were made from: a newer upload may have replaced it meanwhile.
    return bool(
        Article.objects.filter(pk=article_id, cover_image=name).update(
            cover_rendition_widths=widths
        )
    )


def _render(name: str, storage) -> list[int]:
    images.make_renditions(name, storage=storage)
    with storage.open(name, "rb") as stored:
        size = images.image_size(stored)
    return [width for width, _height in images.rendition_sizes(*size)]


def cover_renditions_now(article_id: int, field_file) -> list[int]:
    """Renditions made inline (small uploads); a failure never costs the story its save."""
    try:
        widths = _render(field_file.name, field_file.storage)
    except Exception:
        logger.exception("renditions of %s failed", field_file.name)
        return []
    _store_widths(article_id, field_file.name, widths)
    return widths


@task()
def make_cover_renditions(article_id: int, name: str) -> list[int]:
    from articles.models import Article

    article = Article.objects.filter(pk=article_id, cover_image=name).first()
    if article is None:  # deleted, or another cover uploaded since
        return []
    widths = _render(name, article.cover_image.storage)
    if _store_widths(article_id, name, widths):
        # A queryset update sends no post_save: pages with the original must go.
        cache.bump_lists()
        pages.bump_stories([article_id])
    return widths


@task()
def story_went_live(article_id: int, published_at: str) -> bool:
    """Pages, feeds and sitemaps show the story from its publish time on, on every server.

    core.cache also bumps lazily when a page is read past that time; this makes it happen
    at the time even when nobody reads, so nginx's micro-cache and every app server agree.
    """
    from articles.models import Article

    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.published_at is None:
        return False
    # Compared as instants: the admin saves local times (+06:00), the database returns UTC.
    if article.published_at != datetime.fromisoformat(published_at) or not article.is_published():
        return False  # rescheduled or unpublished; a later task (if any) has the new time
    from articles.selectors import rank_similar_again

    # Nothing was saved at the publish time, so the Similar news of its neighbours follows now.
    rank_similar_again(article)
    cache.bump_lists()
    return True


def schedule_going_live(sender, instance, **kwargs) -> None:
    if instance.is_scheduled:
        when: datetime = instance.published_at
        enqueue_at(story_went_live, when, instance.pk, when.isoformat())
