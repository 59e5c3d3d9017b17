"""Writes with side effects on articles and tags: the newsroom workflow and tag moderation."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Tag, TaggedArticle
from articles.roles import is_editor
from core import slugs
from core.text import unique_slug


def _require_editor(user) -> None:
    if user is not None and not is_editor(user):
        raise PermissionDenied(_("Only editors may publish, schedule, feature or unpublish."))


def _save(article: Article, user, fields: list[str]) -> None:
    if user is not None:
        article._history_user = user
    article.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def article_submit_for_review(*, article: Article, user=None) -> Article:
    """Hand a draft to the editors; a published story is left as it is."""
    if article.status == Article.Status.DRAFT:
        article.status = Article.Status.REVIEW
        _save(article, user, ["status"])
    return article


@transaction.atomic
def article_publish(*, article: Article, user=None, at: datetime | None = None) -> Article:
    """Publish now, or schedule for ``at`` (a future time goes live by itself, no cron).

    A story already live keeps its original publish time unless ``at`` is given.
    """
    _require_editor(user)
    if at is None and article.is_published():
        return article
    article.status = Article.Status.PUBLISHED
    article.published_at = at or timezone.now()
    _save(article, user, ["status", "published_at", "slug"])
    return article


@transaction.atomic
def article_unpublish(*, article: Article, user=None) -> Article:
    """Take a story (or a scheduled one) off the site; it goes back to draft for rework."""
    _require_editor(user)
    if article.status == Article.Status.PUBLISHED:
        article.status = Article.Status.DRAFT
        article.is_featured = False
        _save(article, user, ["status", "is_featured"])
    return article


@transaction.atomic
def article_feature(*, article: Article, user=None, featured: bool = True) -> Article:
    _require_editor(user)
    if article.is_featured != featured:
        article.is_featured = featured
        _save(article, user, ["is_featured"])
    return article


def _tag_name_taken(name: str, *, exclude_pk=None) -> bool:
    return Tag.objects.filter(normalized=name.casefold()).exclude(pk=exclude_pk).exists()


@transaction.atomic
def tag_rename(*, tag: Tag, name: str) -> Tag:
    """Rename a tag; its slug follows the new name. Two tags of one name are merged instead."""
    name = Tag.clean_name(name)
    if not name:
        raise ValidationError({"name": _("A tag needs a name.")})
    if _tag_name_taken(name, exclude_pk=tag.pk):
        raise ValidationError(
            {"name": _("A tag named “%(name)s” already exists: merge the two instead.")},
            params={"name": name},
        )
    tag.name = name
    tag.slug = unique_slug(Tag, name, max_length=96, fallback="tag", pk=tag.pk)
    tag.save()
    return tag


@transaction.atomic
def tag_merge(*, sources: Iterable[Tag], target: Tag) -> int:
    """Move every article of ``sources`` to ``target`` and delete ``sources``.

    Each article ends with exactly one ``target`` tag, however many of the merged tags it
    carried. Returns the number of tags deleted.
    """
    source_ids = [tag.pk for tag in sources if tag.pk != target.pk]
    if not source_ids:
        return 0
    moving = TaggedArticle.objects.filter(tag_id__in=source_ids)
    already_tagged = TaggedArticle.objects.filter(tag=target).values("content_object_id")
    moving.filter(content_object_id__in=already_tagged).delete()
    keep = (
        moving.values("content_object_id").annotate(first=Min("id")).values_list("first", flat=True)
    )
    moving.exclude(id__in=list(keep)).delete()
    moving.update(tag=target)
    for tag in Tag.objects.filter(pk__in=source_ids):
        slugs.retire(Tag._meta.label, tag.slug, target.pk)  # old tag links lead to the kept one
    deleted, _by_model = Tag.objects.filter(pk__in=source_ids).delete()
    return len(source_ids) if deleted else 0


def tag_unused_queryset():
    return Tag.objects.annotate(n=Count("tagged_articles")).filter(n=0)


@transaction.atomic
def tag_delete_unused(*, tags: Iterable[Tag] | None = None) -> int:
    """Delete the tags (of ``tags``, or all) that no article uses; return how many."""
    unused = tag_unused_queryset()
    if tags is not None:
        unused = unused.filter(pk__in=[tag.pk for tag in tags])
    ids = list(unused.values_list("pk", flat=True))
    Tag.objects.filter(pk__in=ids).delete()
    return len(ids)
