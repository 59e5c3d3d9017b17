"""Edits that are never lost: save conflicts, who has a story open, and autosaves.

A form remembers the version (``updated_at``) of the story it was opened on. A save from a
form opened on an older version is refused, the writer's text stays in the form, and they
see who saved in between, when, and what that save changed. Read-count updates never touch
``updated_at``, so only a real edit conflicts.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article, ArticleAutosave

# Fields an autosave keeps: the text a writer would hate to type again.
AUTOSAVED_FIELDS = ("title", "lead", "body", "cover_caption", "cover_credit")
AUTOSAVE_MAX_CHARS = 500_000
# A writer "has the story open" this long after their page last said so (it pings every 30 s).
PRESENCE_SECONDS = 90


def version_of(article: Article | None) -> str:
    return article.updated_at.isoformat() if article and article.updated_at else ""


@dataclass
class Conflict:
    saved_by: str
    saved_at: datetime
    changes: list[tuple[str, str, str]]  # (field name, value you opened, value saved since)


def find_conflict(article_id: int, opened_version: str) -> Conflict | None:
    """The save that happened since ``opened_version``, or None when there was none."""
    current = Article.objects.filter(pk=article_id).values_list("updated_at", flat=True).first()
    if current is None or current.isoformat() == opened_version:
        return None
    records = Article.history.filter(id=article_id)
    latest = records.select_related("history_user").order_by("-history_date").first()
    opened_at = parse_datetime(opened_version or "")
    opened = None
    if opened_at is not None:
        # The history row of a save is written just after the save's updated_at.
        opened = records.filter(history_date__gte=opened_at).order_by("history_date").first()
    changes = []
    if latest is not None and opened is not None and opened.pk != latest.pk:
        for change in latest.diff_against(opened, included_fields=AUTOSAVED_FIELDS).changes:
            changes.append((change.field, str(change.old or ""), str(change.new or "")))
    user = getattr(latest, "history_user", None)
    name = (user.get_full_name() or user.get_username()) if user else "—"
    return Conflict(saved_by=name, saved_at=current, changes=changes)


def _presence_key(article_id: int) -> str:
    return f"editing:{article_id}"


def mark_editing(article_id: int, user) -> list[str]:
    """Note that ``user`` has the story open; return the names of the others who have it."""
    now = timezone.now().timestamp()
    key = _presence_key(article_id)
    try:
        present = {uid: entry for uid, entry in (cache.get(key) or {}).items() if entry[1] > now}
        present[user.pk] = (user.get_full_name() or user.get_username(), now + PRESENCE_SECONDS)
        cache.set(key, present, PRESENCE_SECONDS)
    except Exception:  # a notice is a courtesy: a sick cache must not block editing
        return []
    return sorted(name for uid, (name, _) in present.items() if uid != user.pk)


def leave_editing(article_id: int, user) -> None:
    key = _presence_key(article_id)
    try:
        present = cache.get(key) or {}
        present.pop(user.pk, None)
        cache.set(key, present, PRESENCE_SECONDS)
    except Exception:
        pass


def autosave_store(*, user, article: Article | None, data) -> ArticleAutosave:
    """Keep the autosaved fields of ``data`` (a QueryDict or dict); refuse oversized text."""
    kept = {name: str(data.get(name, ""))[:AUTOSAVE_MAX_CHARS] for name in AUTOSAVED_FIELDS}
    with transaction.atomic():
        autosave, _ = ArticleAutosave.objects.update_or_create(
            user=user, article=article, defaults={"data": kept}
        )
    return autosave


def autosave_for(*, user, article: Article | None) -> ArticleAutosave | None:
    """The user's autosave of the story when it holds more than the story's saved text."""
    autosave = ArticleAutosave.objects.filter(user=user, article=article).first()
    if autosave is None:
        return None
    if article is not None and all(
        autosave.data.get(name, "") == (getattr(article, name) or "") for name in AUTOSAVED_FIELDS
    ):
        return None
    return autosave


def autosave_restore(article: Article, autosave: ArticleAutosave) -> None:
    """Put the autosaved text into ``article`` (in memory: the writer still has to save)."""
    for name in AUTOSAVED_FIELDS:
        if name in autosave.data:
            setattr(article, name, autosave.data[name])


def autosave_discard(*, user, article: Article | None) -> None:
    ArticleAutosave.objects.filter(user=user, article=article).delete()
