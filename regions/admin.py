from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import CaseInsensitiveSearchMixin, HostileInputMixin, action_confirmation
from regions.forms import RegionMergeForm
from regions.models import Region
from regions.services import region_merge


@admin.register(Region)
class RegionAdmin(HostileInputMixin, CaseInsensitiveSearchMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "position", "is_active", "article_count")
    list_editable = ("position", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug")
    ordering = ("position", "name")
    actions = ("merge_regions",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a region with stories is merged, not deleted
        return actions

    @admin.action(permissions=["change"], description=_("Merge selected regions into another"))
    def merge_regions(self, request, queryset):
        sources = list(queryset)
        # Without the delete permission a merge deactivates the merged regions instead.
        can_delete = self.has_delete_permission(request)
        data = request.POST if "apply" in request.POST else None
        form = RegionMergeForm(data, sources=sources, can_delete=can_delete)
        if form.is_valid():
            target = form.cleaned_data["target"]
            moved = 0
            for source in sources:
                moved += region_merge(
                    source=source,
                    target=target,
                    user=request.user,
                    delete_source=can_delete and form.cleaned_data["delete_source"],
                ).get("articles.Article", 0)
            self.message_user(
                request,
                ngettext(
                    "%(n)d article moved to “%(target)s”.",
                    "%(n)d articles moved to “%(target)s”.",
                    moved,
                )
                % {"n": moved, "target": target.name},
                messages.SUCCESS,
            )
            return None
        return action_confirmation(
            self,
            request,
            action="merge_regions",
            title=_("Merge regions"),
            form=form,
            queryset=queryset,
            template="admin/regions/region/merge.html",
        )
