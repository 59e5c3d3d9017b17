from django.contrib import admin

from articles.forms import BylineFormSet, journalist_author_queryset
from articles.models import Article, Byline
from articles.roles import is_editor
from authors.models import author_for_user
from core.admin import SafeAutocompleteMixin


class BylineInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    fields = ("author", "position")
    autocomplete_fields = ("author",)
    ordering = ("position", "id")
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    def get_autocomplete_fields(self, request):
        # A journalist picks from a short fixed list: themselves and the story's co-authors.
        return self.autocomplete_fields if is_editor(request.user) else ()

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.admin_site._registry[Article].has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[Article].has_view_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if is_editor(request.user):
            return formset
        own = author_for_user(request.user)
        field = formset.form.base_fields.get("author")
        if field is not None:
            field.queryset = journalist_author_queryset(own, obj)
        return type("JournalistBylineFormSet", (formset,), {"own_author": own})
