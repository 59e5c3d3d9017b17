import functools

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles import images
from articles.html import referenced_photo_ids, sanitize_html
from core.links import path_for
from core.text import collapse_whitespace, latin_slugify, unique_slug
from photos.models import LIBRARY_PREFIX, Photo


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
        return path_for("articles:tag", slug=self.slug)


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


# What only the story's own page reads: lists, cards and rankings leave it in the database.
PAGE_ONLY_FIELDS = ("body", "body_photos", "similar_ids")


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
        cards = self.select_related("region").defer(*PAGE_ONLY_FIELDS)
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
            # Photo, gallery and embed references (static/js/admin/story_media_node.js).
            "StoryMedia": True,
        },
        sanitize=sanitize_html,
    )
    # The ids of the stories its Similar news shows, best first (articles.selectors); NULL
    # until ranked, and again when a story it might show changed.
    similar_ids = models.JSONField(null=True, blank=True, editable=False)
    # ``Photo.snapshot()`` of every library photo the body shows, by id: the page renders them
    # without a query. Written with the body and whenever one of those photos is corrected.
    body_photos = models.JSONField(default=dict, blank=True, editable=False)
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
    # The widths whose WebP renditions exist; pages build srcset from it without asking the
    # storage. NULL: a cover stored before this was tracked, when every save made all of them.
    cover_rendition_widths = models.JSONField(default=list, blank=True, null=True, editable=False)
    cover_caption = models.CharField(_("cover caption"), max_length=300, blank=True)
    cover_credit = models.CharField(_("cover credit"), max_length=150, blank=True)
    cover_photo = models.ForeignKey(
        "photos.Photo",
        verbose_name=_("cover from the photo library"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covers",
        help_text=_(
            "Instead of uploading a cover, choose a photo of the library: its caption and "
            "credit are shown, and follow it when it is corrected."
        ),
    )
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
        excluded_fields=[
            "view_count",
            "updated_at",
            "cover_rendition_widths",
            "body_photos",
            "similar_ids",
        ]
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
            # The media view asks "is this file a published story's cover?" on every request.
            models.Index(fields=["cover_image"], name="article_cover_image"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._derive_fields()
        new_cover, replaced = self._take_cover()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self._take_body_photos()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_photos"}
        if not self._state.adding and not args and not kwargs.get("force_insert"):
            # view_count changes only by atomic counting, rendition widths only when made, and
            # the Similar-news ranking only by its own updates (articles.selectors):
            # an instance loaded before (an admin form, a service) must not write its stale
            # values back.
            skipped = {"id", "view_count", "similar_ids"} | (
                set() if new_cover else {"cover_rendition_widths"}
            )
            kwargs.setdefault(
                "update_fields",
                [f.name for f in self._meta.concrete_fields if f.name not in skipped],
            )
        super().save(*args, **kwargs)
        self._after_save(new_cover, replaced, kwargs.get("update_fields"))

    def get_absolute_url(self):
        return path_for("articles:detail", pk=self.pk, slug=self.slug)

    def _take_cover(self) -> tuple[bool, str]:
        """A new upload validated and stripped (it replaces a library cover), or the library
        photo's texts; returns (a new upload?, the stored cover it replaces)."""
        new_cover = images.clean_upload(self.cover_image)
        if new_cover:
            self.cover_photo = None
            self.cover_rendition_widths = []
        self._follow_library_cover()
        return new_cover, self._stored_cover_name()

    def _after_save(self, new_cover: bool, replaced: str, update_fields) -> None:
        self._loaded_title = self.title
        if update_fields is None or {"body", "cover_photo"} & set(update_fields):
            self._record_photo_uses()
        if new_cover:
            self._make_renditions()
        if replaced and replaced != self.cover_image.name:
            # A replaced cover stays reachable at its old address unless it is removed.
            delete_cover_after_commit(replaced, storage=self.cover_image.storage)
        self._loaded_cover = self.cover_image.name

    def _follow_library_cover(self) -> None:
        """A cover chosen from the library shows the library's file, caption and credit.

        The file is shared, not copied: its renditions exist already and are named after it.
        A cover left pointing into the library without the reference (the choice was
        cleared) is dropped, since nothing would keep that photo from being deleted.
        """
        photo = None
        if self.cover_photo_id:
            # A version restored from history may name a photo deleted since.
            photo = Photo.objects.filter(pk=self.cover_photo_id).first()
            self.cover_photo = photo
        if photo is not None:
            self.cover_image.name = photo.image.name
            self.cover_width, self.cover_height = photo.width, photo.height
            # The library made the photo's renditions when it was uploaded.
            sizes = images.rendition_sizes(photo.width, photo.height)
            self.cover_rendition_widths = [width for width, _height in sizes]
            self.cover_caption, self.cover_credit = photo.caption, photo.credit
        elif self.cover_image and self.cover_image.name.startswith(LIBRARY_PREFIX):
            self.cover_image.name = ""
            self.cover_width = self.cover_height = None
            self.cover_rendition_widths = []

    def _take_body_photos(self) -> None:
        ids = referenced_photo_ids(self.body)
        photos = Photo.objects.filter(pk__in=ids) if ids else ()
        self.body_photos = {str(photo.pk): photo.snapshot() for photo in photos}

    def _record_photo_uses(self) -> None:
        """Keep ``StoryPhoto`` in step with the body and cover: a used photo cannot be deleted."""
        # _take_body_photos found the body's photos that exist; _follow_library_cover the cover.
        wanted = {int(pk) for pk in self.body_photos}
        if self.cover_photo_id:
            wanted.add(self.cover_photo_id)
        recorded = set(self.photo_uses.values_list("photo_id", flat=True))
        if recorded - wanted:
            self.photo_uses.filter(photo_id__in=recorded - wanted).delete()
        if wanted - recorded:
            StoryPhoto.objects.bulk_create(
                [StoryPhoto(article=self, photo_id=pk) for pk in wanted - recorded],
                ignore_conflicts=True,
            )

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
        if "cover_image" in instance.__dict__:  # deferred: asked when saved
            instance._loaded_cover = getattr(instance.cover_image, "name", None)
        return instance

    def _stored_cover_name(self) -> str | None:
        """The cover the row has before this save; a history revert builds its instance
        without loading the row, so then it is read."""
        if "_loaded_cover" in self.__dict__:
            return self._loaded_cover
        if self._state.adding or self.pk is None:
            return None
        stored = Article.objects.filter(pk=self.pk).values_list("cover_image", flat=True)
        return stored.first()

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
        made = self.cover_rendition_widths
        storage = self.cover_image.storage
        return [
            {
                "url": storage.url(images.rendition_name(self.cover_image.name, w)),
                "width": w,
                "height": h,
            }
            for w, h in images.rendition_sizes(self.cover_width, self.cover_height)
            if made is None or w in made
        ]

    @cached_property
    def byline_authors(self):
        """Authors in byline order; free when the queryset used ``for_cards()``."""
        return [byline.author for byline in self.bylines.all()]


def delete_cover_after_commit(name: str, *, storage) -> None:
    """Delete a cover no story uses any more, with its renditions, once the change commits.

    After the commit, because a rolled-back change still points at the file; only when no
    other story uses the same file (the demo data shares covers). History rows may still
    name it: a revert to such a version has no cover file.
    """
    if name:
        transaction.on_commit(
            functools.partial(_delete_cover_if_unused, name, storage), robust=True
        )


def delete_cover_of_deleted_article(sender, instance, **kwargs) -> None:
    if instance.cover_image:
        delete_cover_after_commit(instance.cover_image.name, storage=instance.cover_image.storage)


def _delete_cover_if_unused(name: str, storage) -> None:
    if not Article.objects.filter(cover_image=name).exists():
        images.delete_cover_files(name, storage=storage)


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


def follow_corrected_photo(sender, instance, created, **kwargs) -> None:
    """Stories show the photo's corrected texts at once: as their cover (caption and credit)
    and in their body (the snapshot of ``Article.body_photos``).

    An update, not ``save()``: the story itself did not change (no history row, no new
    ``updated_at``); the photo's save moves the content generation for the pages.
    """
    if not created:
        Article.objects.filter(cover_photo=instance).update(
            cover_caption=instance.caption, cover_credit=instance.credit
        )
        key = str(instance.pk)
        stories = list(
            Article.objects.filter(photo_uses__photo=instance, body_photos__has_key=key).only(
                "pk", "body_photos"
            )
        )
        for story in stories:
            story.body_photos[key] = instance.snapshot()
        Article.objects.bulk_update(stories, ["body_photos"], batch_size=500)


class StoryPhoto(models.Model):
    """A library photo that a story shows (in its body or as its cover); written by
    ``Article.save``.

    The photo side is protected: a photo cannot be deleted while a story shows it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photo_uses")
    photo = models.ForeignKey(
        "photos.Photo", on_delete=models.PROTECT, related_name="story_uses", verbose_name=_("photo")
    )

    class Meta:
        verbose_name = _("photo in a story")
        verbose_name_plural = _("photos in stories")
        constraints = [
            models.UniqueConstraint(fields=["article", "photo"], name="unique_story_photo")
        ]
        indexes = [models.Index(fields=["photo", "article"], name="storyphoto_photo_article")]

    def __str__(self):
        return str(self.article)
