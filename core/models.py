from django.db import models
from django.utils.translation import gettext_lazy as _


class RetiredSlug(models.Model):
    """A slug an object had before it was renamed or merged away.

    Old links, bookmarks and search results keep working: a request for the retired slug
    answers 301 with the object's current address (``core.slugs``).
    """

    model = models.CharField(_("model"), max_length=100, help_text='"app_label.Model"')
    slug = models.CharField(_("slug"), max_length=255)
    object_id = models.PositiveBigIntegerField(_("object id"))
    retired_at = models.DateTimeField(_("retired"), auto_now_add=True)

    class Meta:
        verbose_name = _("retired slug")
        verbose_name_plural = _("retired slugs")
        constraints = [
            models.UniqueConstraint(fields=["model", "slug"], name="unique_retired_slug")
        ]

    def __str__(self):
        return f"{self.model}:{self.slug} -> {self.object_id}"
