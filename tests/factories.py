"""Small plain factories: each returns a saved object with sensible defaults."""

import itertools
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.models import Article, Byline
from authors.models import Author
from regions.models import Region

_seq = itertools.count(1)


def region(slug: str = "almaty") -> Region:
    """One of the 20 regions the migration created."""
    return Region.objects.get(slug=slug)


def make_author(**overrides) -> Author:
    n = next(_seq)
    fields = {"name": f"Автор {n}", "slug": f"author-{n}"}
    fields.update(overrides)
    return Author.objects.create(**fields)


def make_user(role: str | None = None, **overrides) -> User:
    n = next(_seq)
    fields = {"username": f"user{n}", "password": "pass-12345", "is_staff": role is not None}
    fields.update(overrides)
    user = User.objects.create_user(**fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_article(*, authors=(), tags=(), **overrides) -> Article:
    """A published article from a minute ago unless told otherwise."""
    n = next(_seq)
    fields = {
        "title": f"Жаңалық {n}",
        "lead": f"Қысқаша мазмұны {n}",
        "body": f"<p>Мәтін {n}</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(minutes=1),
    }
    if "region" not in overrides:
        fields["region"] = region()
    fields.update(overrides)
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    return article


def make_articles(count: int, **overrides) -> list[Article]:
    """``count`` articles, newest first, one minute apart."""
    now = timezone.now()
    return [
        make_article(published_at=now - timedelta(minutes=i + 1), **overrides) for i in range(count)
    ]


def ago(hours: float):
    """A time ``hours`` before now."""
    return timezone.now() - timedelta(hours=hours)


def fresh(story: Article) -> Article:
    """The story as a page loads it, with what is stored now (its Similar-news ranking)."""
    return Article.objects.get(pk=story.pk)
