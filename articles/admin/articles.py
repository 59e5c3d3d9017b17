"""The story list and form: what each role sees, may change and may save."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from articles.admin.actions import ArticleActionsMixin
from articles.admin.bylines import BylineInline
from articles.admin.editing import ArticleEditingMixin
from articles.admin.preview import ArticleHistoryMixin, ArticlePreviewMixin
from articles.forms import ArticleAdminForm
from articles.models import Article, Byline, Tag, bylines_prefetch
from articles.roles import (
    EDITOR_ONLY_FIELDS,
    articles_visible_to,
    can_edit_article,
    is_editor,
    keep_editor_decisions,
)
from authors.models import Author, author_for_user
from core.admin import CaseInsensitiveSearchMixin, HostileInputMixin


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        popular = Tag.objects.annotate(n=Count("tagged_articles")).order_by("-n", "name")[:40]
        return [(tag.slug, tag.name) for tag in popular]

    def queryset(self, request, queryset):
        if self.value() and "\x00" in self.value():
            return queryset.none()
        if self.value():
            return queryset.filter(tagged_items__tag__slug=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(
    HostileInputMixin,
    ArticleActionsMixin,
    ArticleEditingMixin,
    ArticlePreviewMixin,
    ArticleHistoryMixin,
    CaseInsensitiveSearchMixin,
    SimpleHistoryAdmin,
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = (
        "title",
        "status_label",
        "is_featured",
        "region",
        "author_names",
        "published_at",
        "view_count",
    )
    list_display_links = ("title",)
    list_filter = (
        "status",
        "is_featured",
        "region",
        ("authors", admin.RelatedOnlyFieldListFilter),
        TagFilter,
    )
    list_select_related = ("region",)
    search_fields = ("title", "lead")
    date_hierarchy = "published_at"
    autocomplete_fields = ("region", "cover_photo")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (BylineInline,)
    readonly_fields = ("view_count", "created_by", "created_at", "updated_at")
    history_list_display = ("status", "published_at")

    class Media:
        js = ("js/admin/photo_picker.js",)
        css = {"all": ("css/admin_story_media.css",)}

    fieldsets = (
        (None, {"fields": ("title", "slug", "lead", "body", "opened_version")}),
        (
            _("Cover"),
            {"fields": ("cover_photo", "cover_image", "cover_caption", "cover_credit")},
        ),
        (_("Where and what"), {"fields": ("region", "tags")}),
        (_("Publishing"), {"fields": ("status", "published_at", "is_featured")}),
        (
            _("Record"),
            {
                "classes": ("collapse",),
                "fields": ("view_count", "created_by", "created_at", "updated_at"),
            },
        ),
    )

    # --- what each role sees and may do ---------------------------------------------------

    def get_queryset(self, request):
        stories = (
            super()
            .get_queryset(request)
            .select_related("region", "created_by")
            .prefetch_related(bylines_prefetch())
        )
        # Others' drafts, reviews and scheduled stories stay private to their writers.
        return articles_visible_to(request.user, stories)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user) and super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_editor(request.user):
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in EDITOR_ONLY_FIELDS]})
            for name, opts in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"is_editor": is_editor(request.user)})

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if not is_editor(request.user):
            exclude.extend(EDITOR_ONLY_FIELDS)
        return exclude

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and obj.pk is None and request.method == "GET":
            if is_editor(request.user):
                own = Author.objects.filter(user=request.user).first()
            else:
                own = author_for_user(request.user)
            if own is not None:
                kwargs["initial"] = [{"author": own.pk, "position": 0}]
        return kwargs

    # --- saving ---------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # The form already refuses these; a history revert builds the instance from an old
        # version, so the rule is applied here, where every admin save passes.
        keep_editor_decisions(request.user, obj)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        article = form.instance
        before = self._related_snapshot(article) if change else None
        super().save_related(request, form, formsets, change)
        if not is_editor(request.user) and not change:
            own = author_for_user(request.user)
            if not article.bylines.filter(author=own).exists():
                Byline.objects.create(article=article, author=own, position=article.bylines.count())
        after = self._related_snapshot(article)
        if before != after:
            # History rows track the article's own fields; bylines and tags are noted here.
            record = article.history.order_by("-history_id").first()
            if record is not None:
                record.history_change_reason = after[:100]
                record.save(update_fields=["history_change_reason"])

    @staticmethod
    def _related_snapshot(article: Article) -> str:
        authors = ", ".join(
            Byline.objects.filter(article=article).values_list("author__name", flat=True)
        )
        tags = ", ".join(sorted(article.tags.values_list("name", flat=True)))
        return f"{_('Authors')}: {authors or '—'}; {_('Tags')}: {tags or '—'}"

    # --- list columns ---------------------------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return format_html(
                "{} {}",
                _("Scheduled"),
                timezone.localtime(obj.published_at).strftime("%d.%m %H:%M"),
            )
        return obj.get_status_display()

    @admin.display(description=_("authors"))
    def author_names(self, obj):
        return ", ".join(author.name for author in obj.byline_authors)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published() else None
