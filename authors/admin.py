from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from articles.admin import CaseInsensitiveSearchMixin, HostileInputMixin
from authors.models import Author


@admin.register(Author)
class AuthorAdmin(HostileInputMixin, CaseInsensitiveSearchMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "user", "is_external", "region", "article_count")
    list_filter = ("is_external", "region")
    search_fields = ("name", "slug", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "region")
    # Editors cannot browse user accounts, so the staff user is a plain list, not an autocomplete.
    autocomplete_fields = ("region",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("bylines"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count
