"""The photo library in the newsroom: upload, describe, find, and pick photos for a story.

Which stories use a photo (and so whether it may be deleted) is the articles app's
knowledge: ``articles.admin.photos`` extends this admin with it.
"""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import CaseInsensitiveSearchMixin, HostileInputMixin
from photos.models import Photo

PICKER_LIMIT = 24


def thumbnail_url(photo: Photo) -> str:
    renditions = photo.renditions
    return renditions[0]["url"] if renditions else (photo.image.url if photo.image else "")


@admin.register(Photo)
class PhotoAdmin(HostileInputMixin, CaseInsensitiveSearchMixin, admin.ModelAdmin):
    list_display = ("thumbnail", "alt", "caption", "credit", "uploaded_by", "created_at")
    list_display_links = ("thumbnail", "alt")
    list_filter = (("uploaded_by", admin.RelatedOnlyFieldListFilter), "created_at")
    list_select_related = ("uploaded_by",)
    search_fields = ("alt", "caption", "credit")
    date_hierarchy = "created_at"
    list_per_page = 50
    fields = ("image", "preview", "alt", "caption", "credit", "size", "uploaded_by", "created_at")
    readonly_fields = ("preview", "size", "uploaded_by", "created_at")

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        # Journalists use every photo but correct only the texts of their own.
        return obj.can_be_changed_by(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A used photo is replaced by uploading another, never swapped under its stories.
            fields.append("image")
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        url = thumbnail_url(obj)
        if not url:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="96" style="height:auto;max-height:72px;object-fit:cover"'
            ' loading="lazy">',
            url,
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        renditions = obj.renditions if obj and obj.pk else []
        if not renditions:
            return "—"
        middle = renditions[min(1, len(renditions) - 1)]
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" style="max-width:100%;height:auto">',
            middle["url"],
            obj.alt,
            middle["width"],
            middle["height"],
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width}×{obj.height}" if obj and obj.width else "—"

    # --- the picker behind the story editor's "Insert photo" ------------------------------

    def get_urls(self):
        picker = path(
            "picker/",
            self.admin_site.admin_view(self.picker_view),
            name="photos_photo_picker",
        )
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """``?q=`` -> the newest matching photos as JSON, for search-as-you-type."""
        if not self.has_view_permission(request):
            return JsonResponse({"error": str(_("Not allowed."))}, status=403)
        photos = Photo.objects.matching(request.GET.get("q", ""))[:PICKER_LIMIT]
        return JsonResponse(
            {
                "results": [
                    {
                        "id": photo.pk,
                        "thumbnail": thumbnail_url(photo),
                        "alt": photo.alt,
                        "caption": photo.caption,
                        "credit": photo.credit,
                        "width": photo.width,
                        "height": photo.height,
                    }
                    for photo in photos
                ]
            }
        )
