from django.db import models
from django.utils.translation import gettext_lazy as _

from core.links import path_for
from core.text import unique_slug


class RegionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Region(models.Model):
    class Kind(models.TextChoices):
        OBLAST = "oblast", _("Oblast")
        CITY = "city", _("City of republican significance")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Latin address of the region page; filled in from the name when empty."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OBLAST)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first in menus and lists.")
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive regions disappear from menus; their stories stay online."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Region, self.name, max_length=100, fallback="region", pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("regions:detail", slug=self.slug)
