"""The photo library: pictures uploaded once, described once, used in any number of stories.

Stories refer to a photo by its id, so a corrected caption or credit shows everywhere it is
used; the picture goes through the same checks and clean-up as a story cover.
"""

import posixpath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import images

# Where library files live; a story cover under it is a photo of the library.
LIBRARY_PREFIX = "photos/"


def photo_upload_to(instance, filename: str) -> str:
    """``photos/<year>/<month>/<latin-name>-<random>.<ext>``.

    The name comes from ``core.images.latin_file_name`` with its random part, which keeps two
    photos called «IMG_0001.jpg» apart and keeps storages from renaming (renditions are named
    after the original, so a renamed original would orphan them).
    """
    root, ext = posixpath.splitext(posixpath.basename(filename))
    now = timezone.now()
    return f"{LIBRARY_PREFIX}{now:%Y/%m}/{root[:80]}{ext.lower()}"


def delete_files(sender, instance, **kwargs) -> None:
    """A deleted photo's files go too, once the deletion is committed (a rollback keeps them)."""
    if instance.image:
        name, storage = instance.image.name, instance.image.storage
        transaction.on_commit(lambda: images.delete_with_renditions(name, storage=storage))


class PhotoQuerySet(models.QuerySet):
    def matching(self, term: str):
        """Photos whose alt text, caption or credit contain ``term`` in any letter case."""
        term = " ".join(term.replace("\x00", "").split())[:100]
        if not term:
            return self
        # SQLite's icontains folds ASCII only; the usual spellings of a Cyrillic term too.
        condition = models.Q()
        for variant in {term, term.lower(), term.upper(), term.capitalize(), term.title()}:
            for field in ("alt", "caption", "credit"):
                condition |= models.Q(**{f"{field}__icontains": variant})
        return self.filter(condition)


class Photo(models.Model):
    image = models.ImageField(
        _("image"),
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        max_length=200,
        help_text=_("JPEG, PNG or WebP, up to 10 MB and 40 megapixels."),
        validators=[images.validate_image],
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    alt = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        permissions = [("change_any_photo", _("Can edit the texts of anyone's photos"))]

    SNAPSHOT_FIELDS = ("width", "height", "alt", "caption", "credit")

    def __str__(self):
        return self.caption or self.alt or f"#{self.pk}"

    def save(self, *args, **kwargs):
        self.alt = " ".join(self.alt.split())
        new_image = images.clean_upload(self.image)
        super().save(*args, **kwargs)
        if new_image:
            images.make_renditions_or_log(self.image)

    def can_be_changed_by(self, user) -> bool:
        """Anyone with the permission edits their own photos; editors everybody's."""
        if not user.has_perm("photos.change_photo"):
            return False
        return user.has_perm("photos.change_any_photo") or (
            self.uploaded_by_id is not None and self.uploaded_by_id == user.pk
        )

    def clean(self):
        self.alt = " ".join(self.alt.split())
        if not self.alt:
            raise ValidationError(
                {"alt": _("Describe what the photo shows; readers who cannot see it need it.")}
            )

    def snapshot(self) -> dict:
        """What a story page needs to show the photo, kept with the stories that show it, so a
        page with twenty photos reads none of them from this table."""
        return {field: getattr(self, field) for field in self.SNAPSHOT_FIELDS} | {
            "image": self.image.name
        }

    @classmethod
    def from_snapshot(cls, pk: int, snapshot: dict) -> "Photo":
        """An unsaved photo from ``snapshot()``, enough to render it."""
        return cls(pk=pk, **{key: snapshot.get(key) for key in (*cls.SNAPSHOT_FIELDS, "image")})

    @property
    def renditions(self) -> list[dict]:
        """``{url, width, height}`` per WebP rendition, narrowest first, without I/O."""
        return images.renditions(self.image, self.width, self.height)

    @property
    def text_alt(self) -> str:
        """Never empty: an ``<img>`` of a story must always say what it shows."""
        return self.alt or self.caption or str(_("Photo"))
