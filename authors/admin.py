from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from authors.models import Author
from core.admin import CaseInsensitiveSearchMixin, HostileInputMixin


@admin.register(Author)
class AuthorAdmin(HostileInputMixin, CaseInsensitiveSearchMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "user", "is_external", "region", "article_count")
    list_filter = ("is_external", "region")
    search_fields = ("name", "slug", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "region")
    # An outside source's address typed without a scheme is meant as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Editors cannot browse user accounts, so the staff user is a plain list, not an autocomplete.
    autocomplete_fields = ("region",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        # Explicit order: a grouped query drops the model's default ordering, and the
        # autocomplete paginates this queryset.
        return (
            super().get_queryset(request).annotate(article_count=Count("bylines")).order_by("name")
        )

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count
