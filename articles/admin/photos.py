"""Which stories use a library photo, and why such a photo cannot be deleted.

The photo admin is the photos app's; stories are this app's, so the usage is added here by
re-registering that admin with a mixin (as pageviews extends the story admin).
"""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Article, StoryPhoto
from articles.roles import articles_visible_to
from photos.admin import PhotoAdmin
from photos.models import Photo


def _uses(photo: Photo) -> list[StoryPhoto]:
    """The uses prefetched for the viewer (``get_queryset``)."""
    return list(photo.story_uses.all())


def _all_uses(photo: Photo) -> list[StoryPhoto]:
    """Every use, whoever asks: what decides whether the photo may be deleted."""
    return list(StoryPhoto.objects.filter(photo=photo).select_related("article"))


class PhotoUsageAdminMixin:
    """A "used in" column and field; deleting a used photo is refused, naming the stories."""

    def get_queryset(self, request):
        uses = StoryPhoto.objects.select_related("article").only(
            "id", "photo_id", "article__id", "article__title"
        )
        # Others' drafts stay private to their writers here too (as in the story list).
        uses = uses.filter(article__in=articles_visible_to(request.user, Article.objects.all()))
        return super().get_queryset(request).prefetch_related(Prefetch("story_uses", uses))

    def get_list_display(self, request):
        return [*super().get_list_display(request), "used_in"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return [*fields, "used_in"] if obj is not None and "used_in" not in fields else fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "used_in"]

    @admin.display(description=_("used in"))
    def used_in(self, obj):
        uses = _uses(obj) if obj is not None and obj.pk else []
        if not uses:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_article_change", args=[use.article_id]), use.article.title)
                for use in uses
            ),
        )

    def _refusal(self, photo: Photo) -> str:
        titles = ", ".join(f"«{use.article.title}»" for use in _all_uses(photo))
        return _(
            "The photo “%(photo)s” cannot be deleted: it is used in %(stories)s. "
            "Remove it from these stories first."
        ) % {"photo": photo, "stories": titles}

    def delete_view(self, request, object_id, extra_context=None):
        photo = self.get_object(request, object_id)
        if photo is not None and self.has_delete_permission(request, photo) and _all_uses(photo):
            self.message_user(request, self._refusal(photo), messages.ERROR)
            return HttpResponseRedirect(
                reverse(
                    "admin:photos_photo_change", args=[photo.pk], current_app=self.admin_site.name
                )
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        used = [photo for photo in queryset if _all_uses(photo)]
        for photo in used:
            self.message_user(request, self._refusal(photo), messages.ERROR)
        unused = queryset.exclude(pk__in=[photo.pk for photo in used])
        count = unused.count()
        super().delete_queryset(request, unused)
        if used and count:
            self.message_user(
                request,
                ngettext(
                    "%(n)d unused photo was deleted.", "%(n)d unused photos were deleted.", count
                )
                % {"n": count},
                messages.WARNING,
            )


admin.site.unregister(Photo)


@admin.register(Photo)
class PhotoWithUsageAdmin(PhotoUsageAdminMixin, PhotoAdmin):
    pass
