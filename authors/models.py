from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import images
from core.links import path_for
from core.text import unique_slug


class Author(models.Model):
    """A byline: a staff journalist, a freelancer or an outside source such as smi24.kz."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="authors/",
        blank=True,
        help_text=_("JPEG, PNG or WebP, up to 10 MB and 40 megapixels."),
        validators=[images.validate_image],
    )
    bio = models.TextField(_("short bio"), blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("home region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authors",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_("The newsroom account that writes under this name, if any."),
    )
    is_external = models.BooleanField(
        _("outside source"),
        default=False,
        help_text=_("A news agency or another outlet whose stories we republish."),
    )
    url = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Same checks and clean copy as a cover: a portrait's EXIF can hold a home address.
        images.clean_upload(self.photo, fallback="author")
        if not self.slug:
            self.slug = unique_slug(
                Author, self.name, max_length=150, fallback="author", pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("authors:detail", slug=self.slug)


def author_for_user(user) -> Author:
    """Return the user's byline, creating it the first time the user writes."""
    author = Author.objects.filter(user=user).first()
    if author is None:
        author = Author.objects.create(name=default_author_name(user), user=user)
    return author


def default_author_name(user) -> str:
    """The full name, else a neutral «Автор 12»: never the login name, which the byline and
    its slug would publish (half of what a password guess needs, and nothing to a reader)."""
    return user.get_full_name().strip() or gettext("Author %(number)s") % {"number": user.pk}
