from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles import images
from articles.html import sanitize_html
from core.text import collapse_whitespace, latin_slugify, unique_slug


class Tag(TagBase):
    """A taggit tag with a Latin slug and case-insensitive identity.

    ``normalized`` (the case-folded name) is unique in the database, so «Алматы», «алматы»
    and «АЛМАТЫ» are one tag on every database: SQLite's LIKE, which taggit's own
    case-insensitive mode relies on, folds only ASCII letters.
    """

    normalized = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = latin_slugify(tag, max_length=90, fallback="tag")
        return f"{slug}-{i}" if i is not None else slug

    @staticmethod
    def clean_name(name: str) -> str:
        """A tag name as stored: inner runs of spaces squeezed, no spaces around it."""
        return collapse_whitespace(name)

    def save(self, *args, **kwargs):
        self.name = self.clean_name(self.name)
        self.normalized = self.name.casefold()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class ArticleTagManager(_TaggableManager):
    def _to_tag_model_instances(self, tags, tag_kwargs):
        names = {}
        for tag in tags:
            if isinstance(tag, str) and tag.strip():
                name = Tag.clean_name(tag)
                names.setdefault(name.casefold(), name)
        found = {t.normalized: t for t in Tag.objects.filter(normalized__in=names)}
        for folded, name in names.items():
            if folded not in found:
                try:
                    with transaction.atomic():
                        found[folded] = Tag.objects.create(name=name[:100])
                except IntegrityError:  # created meanwhile by a concurrent save
                    found[folded] = Tag.objects.get(normalized=folded)
        instances = [
            found[Tag.clean_name(t).casefold()] if isinstance(t, str) else t
            for t in tags
            if not isinstance(t, str) or t.strip()
        ]
        return super()._to_tag_model_instances(instances, tag_kwargs)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_tag_article")]


def published_condition(prefix: str = "", *, at=None) -> Q:
    """What "published" means (live now, not scheduled), for ``prefix`` = a path to articles.

    ``published_condition("articles__")`` filters or counts a region's live stories.
    """
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__lte": at or timezone.now(),
        }
    )


def owned_condition(user) -> Q:
    """Stories the user created or signs: what a journalist may call their own."""
    signed = Byline.objects.filter(author__user=user).values("article_id")
    return Q(created_by=user) | Q(pk__in=signed)


def bylines_prefetch() -> Prefetch:
    """Authors in byline order, for ``Article.byline_authors``."""
    return Prefetch("bylines", queryset=Byline.objects.select_related("author"))


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """What the public may see; every public page, feed and ranking starts here."""
        return self.filter(published_condition(at=at))

    def scheduled(self, *, at=None):
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=at or timezone.now())

    def in_region(self, region):
        return self.filter(region=region)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)

    def latest_first(self):
        return self.order_by("-published_at", "-id")

    def for_cards(self, *, bylines: bool = True):
        """Everything a story card shows (title, bylines, region, date, views) in 2 queries.

        The body stays in the database. ``bylines=False`` when the caller gathers cards from
        several lists and prefetches their bylines once (``bylines_prefetch()``).
        """
        cards = self.select_related("region").defer("body")
        return cards.prefetch_related(bylines_prefetch()) if bylines else cards

    def owned_by(self, user):
        return self.filter(owned_condition(user))

    def next_publish_time(self) -> float | None:
        """When the next scheduled story goes live (epoch seconds), or None."""
        when = self.scheduled().order_by("published_at").values_list("published_at", flat=True)
        first = next(iter(when[:1]), None)
        return first.timestamp() if first else None


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        unique=True,
        blank=True,
        help_text=_(
            "Latin address of the story. Leave empty to make it from the title; it no longer "
            "follows the title once the story is published, so links keep working."
        ),
    )
    lead = models.TextField(
        _("lead"),
        blank=True,
        help_text=_("One or two sentences shown under the title and in lists."),
    )
    body = ProseEditorField(
        _("body"),
        blank=True,
        extensions={
            "Bold": True,
            "Italic": True,
            "Underline": True,
            "Strike": True,
            "Subscript": True,
            "Superscript": True,
            "Link": {"protocols": ["http", "https", "mailto", "tel"]},
            "Heading": {"levels": [2, 3, 4]},
            "BulletList": True,
            "OrderedList": True,
            "ListItem": True,
            "Blockquote": True,
            "HardBreak": True,
            "HorizontalRule": True,
            "History": True,
        },
        sanitize=sanitize_html,
    )
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="covers/%Y/%m/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        help_text=_("JPEG, PNG or WebP, up to 10 MB and 40 megapixels."),
        validators=[images.validate_cover_image],
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Widths of the renditions that exist. Pages build srcset from this alone (no storage
    # call): a big upload's renditions come later from the worker, and until then readers get
    # the original, scaled by the browser.
    cover_rendition_widths = models.JSONField(default=list, blank=True, editable=False)
    cover_caption = models.CharField(_("cover caption"), max_length=300, blank=True)
    cover_credit = models.CharField(_("cover credit"), max_length=150, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        "authors.Author", through="Byline", related_name="articles", verbose_name=_("authors")
    )
    tags = TaggableManager(
        through=TaggedArticle, manager=ArticleTagManager, blank=True, verbose_name=_("tags")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_("A future time schedules the story: it goes live by itself at that time."),
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown among the lead stories on the home page.")
    )
    view_count = models.PositiveBigIntegerField(_("views"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["view_count", "updated_at", "cover_rendition_widths"]
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, schedule, feature and unpublish"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_publish_time",
            )
        ]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="article_published_latest",
            ),
            models.Index(
                fields=["region", "-published_at"],
                condition=Q(status="published"),
                name="article_published_region",
            ),
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published", is_featured=True),
                name="article_published_featured",
            ),
            models.Index(fields=["status", "-updated_at"], name="article_status_updated"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._derive_fields()
        new_cover = images.clean_upload(self.cover_image)
        if new_cover:
            self.cover_rendition_widths = []
        if not self._state.adding and not args and not kwargs.get("force_insert"):
            # view_count changes only by atomic counting, and rendition widths only when made:
            # an instance loaded before (an admin form, a service) must not write its stale
            # values back.
            skipped = {"id", "view_count"} | (set() if new_cover else {"cover_rendition_widths"})
            kwargs.setdefault(
                "update_fields",
                [f.name for f in self._meta.concrete_fields if f.name not in skipped],
            )
        super().save(*args, **kwargs)
        self._loaded_title = self.title
        if new_cover:
            self._make_renditions()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def _make_renditions(self) -> None:
        from articles import tasks

        pixels = (self.cover_width or 0) * (self.cover_height or 0)
        if pixels > settings.RENDITIONS_INLINE_MAX_PIXELS:
            # Seconds of CPU for a 40-megapixel photo: the worker does it, the save answers.
            tasks.enqueue_with_transaction(
                tasks.make_cover_renditions, self.pk, self.cover_image.name
            )
        else:
            self.cover_rendition_widths = tasks.cover_renditions_now(self.pk, self.cover_image)

    def _derive_fields(self) -> None:
        """Sanitized body, a publish time for a published story, a slug that follows the title
        until the story was first published (then links must keep working)."""
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        title_changed = getattr(self, "_loaded_title", self.title) != self.title
        never_published = self.status != self.Status.PUBLISHED and self._state.adding is False
        if not self.slug or (title_changed and never_published and not self._was_published()):
            self.slug = unique_slug(
                Article, self.title, max_length=255, fallback="news", pk=self.pk
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_title = instance.__dict__.get("title")
        return instance

    def _was_published(self) -> bool:
        return self.history.filter(status=self.Status.PUBLISHED).exists()

    def is_published(self, *, at=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (at or timezone.now())
        )

    def is_owned_by(self, user) -> bool:
        """The instance's ``ArticleQuerySet.owned_by``; no query when the user created it."""
        if self.created_by_id == user.pk:
            return True
        return Article.objects.owned_by(user).filter(pk=self.pk).exists()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_published()

    @property
    def cover_renditions(self) -> list[dict]:
        """``{url, width, height}`` per rendition, narrowest first, computed without I/O."""
        if not self.cover_image:
            return []
        storage = self.cover_image.storage
        return [
            {
                "url": storage.url(images.rendition_name(self.cover_image.name, w)),
                "width": w,
                "height": h,
            }
            for w, h in images.rendition_sizes(self.cover_width, self.cover_height)
            if w in (self.cover_rendition_widths or ())
        ]

    @cached_property
    def byline_authors(self):
        """Authors in byline order; free when the queryset used ``for_cards()``."""
        return [byline.author for byline in self.bylines.all()]


class Byline(models.Model):
    """An author's place on a story; ordered, because bylines are not users."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="bylines", verbose_name=_("author")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_byline")]
        indexes = [models.Index(fields=["author", "article"], name="byline_author_article")]

    def __str__(self):
        return f"{self.author} — {self.article}"


class ArticleAutosave(models.Model):
    """What a writer typed but has not saved: kept per user, never shown to readers.

    One row per user and story (one per user for a story not created yet), overwritten by
    each autosave and dropped when the story is saved.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="autosaves"
    )
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="one_autosave_per_user_and_story",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="one_new_story_autosave"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.article or _('new story')}"
