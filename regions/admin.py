from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin import CaseInsensitiveSearchMixin, HostileInputMixin
from articles.forms import RegionMergeForm
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
        form = RegionMergeForm(request.POST if "apply" in request.POST else None, sources=sources)
        if form.is_valid():
            target = form.cleaned_data["target"]
            moved = 0
            for source in sources:
                moved += region_merge(
                    source=source,
                    target=target,
                    user=request.user,
                    delete_source=form.cleaned_data["delete_source"],
                )
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
        return TemplateResponse(
            request,
            "admin/regions/region/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge regions"),
                "opts": self.opts,
                "form": form,
                "regions": queryset,
                "action": "merge_regions",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
