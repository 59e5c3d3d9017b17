"""Tag moderation: rename, merge duplicates, delete unused."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import services
from articles.forms import TagAdminForm, TagMergeForm
from articles.models import Tag
from core.admin import HostileInputMixin, action_confirmation


@admin.register(Tag)
class TagAdmin(HostileInputMixin, admin.ModelAdmin):
    form = TagAdminForm
    list_display = ("name", "slug", "article_count")
    search_fields = ("name", "slug")
    ordering = ("name",)
    actions = ("merge_tags", "delete_unused_tags")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("tagged_articles"))

    def get_search_results(self, request, queryset, search_term):
        search_term = search_term.replace("\x00", "")
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            # SQLite folds only ASCII case; the stored case-folded name matches any script.
            queryset |= self.get_queryset(request).filter(
                normalized__contains=search_term.strip().casefold()
            )
        return queryset, may_have_duplicates

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting a used tag is a merge or a cleanup
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            services.tag_rename(tag=obj, name=form.cleaned_data["name"])
        else:
            super().save_model(request, obj, form, change)

    @admin.action(permissions=["change"], description=_("Merge selected tags into one"))
    def merge_tags(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two tags to merge."), messages.WARNING)
            return None
        form = TagMergeForm(request.POST if "apply" in request.POST else None, tags=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = services.tag_merge(sources=list(queryset), target=target)
            self.message_user(
                request,
                ngettext(
                    "%(n)d tag merged into “%(target)s”.",
                    "%(n)d tags merged into “%(target)s”.",
                    merged,
                )
                % {"n": merged, "target": target.name},
                messages.SUCCESS,
            )
            return None
        return action_confirmation(
            self,
            request,
            action="merge_tags",
            title=_("Merge tags"),
            form=form,
            queryset=queryset,
            template="admin/articles/tag/merge.html",
        )

    @admin.action(permissions=["delete"], description=_("Delete the selected tags no article uses"))
    def delete_unused_tags(self, request, queryset):
        deleted = services.tag_delete_unused(tags=list(queryset))
        self.message_user(
            request,
            ngettext("%(n)d unused tag deleted.", "%(n)d unused tags deleted.", deleted)
            % {"n": deleted},
            messages.SUCCESS,
        )
