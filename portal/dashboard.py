"""The admin home's dashboard: each role's work, one click from each story.

Editors see what waits for them (the review queue, oldest first), what is scheduled and
when, what went live today and what is read most today. Journalists see their drafts, their
stories in review and the drafts an editor sent back to them. Each block is a short list and
a count, so the dashboard costs the same number of queries however big the newsroom is.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleAutosave
from articles.roles import is_editor
from pageviews.periods import today
from pageviews.selectors import most_read

BLOCK_LENGTH = 8


@dataclass
class Block:
    title: str
    items: list
    count: int
    # Which time each item shows: "updated_at", "published_at" or "period_views".
    shows: str = "updated_at"
    more_url: str = ""
    empty: str = field(default=_("Nothing here."))


def _block(title, queryset, *, shows="updated_at", more_url="", empty=None) -> Block:
    items = list(queryset[:BLOCK_LENGTH])
    count = queryset.count()
    return Block(title, items, count, shows, more_url, empty or _("Nothing here."))


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(today(), time.min))


def editor_blocks() -> list[Block]:
    stories = Article.objects.only("pk", "title", "status", "updated_at", "published_at")
    now = timezone.now()
    admin_list = reverse("admin:articles_article_changelist")
    read_today = most_read("day", BLOCK_LENGTH)
    return [
        _block(
            _("Waiting for review"),
            stories.filter(status=Article.Status.REVIEW).order_by("updated_at", "pk"),
            more_url=f"{admin_list}?status__exact=review",
            empty=_("No story waits for review."),
        ),
        _block(
            _("Scheduled"),
            stories.scheduled(at=now).order_by("published_at", "pk"),
            shows="published_at",
            empty=_("Nothing is scheduled."),
        ),
        _block(
            _("Went live today"),
            stories.published(at=now)
            .filter(published_at__gte=_start_of_today())
            .order_by("-published_at", "-pk"),
            shows="published_at",
            empty=_("Nothing published today yet."),
        ),
        Block(
            _("Most read today"),
            read_today,
            len(read_today),
            "period_views",
            reverse("admin:articles_article_most_read") + "?period=day",
            _("No reads counted today yet."),
        ),
    ]


def journalist_blocks(user) -> list[Block]:
    mine = Article.objects.owned_by(user).only("pk", "title", "status", "updated_at")
    history = Article.history.model
    was_in_review = history.objects.filter(id=OuterRef("pk"), status=Article.Status.REVIEW)
    drafts = mine.filter(status=Article.Status.DRAFT)
    autosaves = ArticleAutosave.objects.filter(user=user).select_related("article")
    return [
        _block(
            _("Unsaved text you can restore"),
            autosaves.only("pk", "saved_at", "data", "article__id", "article__title").order_by(
                "-saved_at"
            ),
            shows="autosave",
            empty=_("No unsaved text."),
        ),
        _block(
            _("Sent back to you"),
            drafts.filter(Exists(was_in_review)).order_by("-updated_at", "-pk"),
            empty=_("No story was sent back."),
        ),
        _block(
            _("Your drafts"),
            drafts.filter(~Exists(was_in_review)).order_by("-updated_at", "-pk"),
            empty=_("No drafts."),
        ),
        _block(
            _("Your stories in review"),
            mine.filter(status=Article.Status.REVIEW).order_by("updated_at", "pk"),
            empty=_("None of your stories waits for review."),
        ),
    ]


def dashboard_for(user) -> list[Block]:
    if is_editor(user):
        return editor_blocks()
    if user.has_perm("articles.change_article"):
        return journalist_blocks(user)
    return []
