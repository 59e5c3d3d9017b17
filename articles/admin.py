import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from simple_history.admin import SimpleHistoryAdmin

from articles import services
from articles.forms import (
    EDITOR_ONLY_FIELDS,
    ArticleAdminForm,
    BylineFormSet,
    SafeAutocompleteSelect,
    TagAdminForm,
    TagMergeForm,
    journalist_author_queryset,
    slug_transliteration_table,
)
from articles.models import Article, Byline, Tag
from articles.roles import is_editor
from authors.models import Author, author_for_user
from pageviews.admin_mixins import ArticleReadsAdminMixin

logger = logging.getLogger(__name__)

EDITABLE_BY_JOURNALIST = (Article.Status.DRAFT, Article.Status.REVIEW)


def is_own_article(user, article: Article) -> bool:
    if article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def is_valid_pk(model, value) -> bool:
    """Whether ``value`` can be a primary key of ``model`` (a number in the column's range)."""
    try:
        model._meta.pk.clean(value, None)
    except ValidationError:
        return False
    return True


class SafeAutocompleteMixin:
    """Autocomplete widgets that survive a crafted, non-numeric id in a posted form."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HostileInputMixin(SafeAutocompleteMixin):
    """Give crafted ids and search terms a message instead of a 500.

    Django's admin passes the ids of an action straight to ``pk__in`` (``"abc"`` raises), and
    PostgreSQL refuses a NUL character in any string parameter.
    """

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def response_action(self, request, queryset):
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(is_valid_pk(self.model, value) for value in selected):
            self.message_user(
                request, _("The selection is not valid; nothing was changed."), messages.WARNING
            )
            return None
        return super().response_action(request, queryset)


class CaseInsensitiveSearchMixin:
    """Search that ignores the case of Kazakh and Russian letters on SQLite too.

    SQLite's LIKE folds only ASCII, so "алм" would miss «Алматы»; the usual spellings of
    the term (lower, Capitalised, UPPER) are searched as well.
    """

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term or term.isascii():
            return results, may_have_duplicates
        for variant in {term.lower(), term.capitalize(), term.upper(), term.title()} - {term}:
            more, more_duplicates = super().get_search_results(request, queryset, variant)
            results |= more
            may_have_duplicates |= more_duplicates
        return results, may_have_duplicates


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
    HostileInputMixin, ArticleReadsAdminMixin, CaseInsensitiveSearchMixin, SimpleHistoryAdmin
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
    autocomplete_fields = ("region",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = (BylineInline,)
    readonly_fields = ("view_count", "created_by", "created_at", "updated_at")
    history_list_display = ("status", "published_at")
    actions = (
        "publish_selected",
        "unpublish_selected",
        "feature_selected",
        "submit_selected_for_review",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "lead", "body")}),
        (_("Cover"), {"fields": ("cover_image", "cover_caption", "cover_credit")}),
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
        qs = (
            super()
            .get_queryset(request)
            .select_related("region", "created_by")
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )
        if is_editor(request.user):
            return qs
        # Others' drafts, reviews and scheduled stories stay private to their writers.
        mine = Q(created_by=request.user) | Q(
            pk__in=Byline.objects.filter(author__user=request.user).values("article_id")
        )
        live = Q(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())
        return qs.filter(mine | live)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or is_editor(request.user):
            return True
        return obj.status in EDITABLE_BY_JOURNALIST and is_own_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return is_editor(request.user)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if is_editor(request.user):
            return True
        return obj is not None and self.get_queryset(request).filter(pk=obj.pk).exists()

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
        if not is_editor(request.user) and obj.status not in EDITABLE_BY_JOURNALIST:
            raise PermissionDenied  # the form already refuses it; never trust one layer
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

    # --- bulk actions ---------------------------------------------------------------------

    def _apply_to_each(self, request, articles, service, summary) -> None:
        """Run a workflow service on each article and report how many it changed."""
        count = 0
        for article in articles:
            service(article=article, user=request.user)
            count += 1
        self.message_user(request, summary(count) % {"n": count}, messages.SUCCESS)

    @admin.action(permissions=["publish"], description=_("Publish selected articles now"))
    def publish_selected(self, request, queryset):
        self._apply_to_each(
            request,
            (article for article in queryset if not article.is_published()),
            services.article_publish,
            lambda n: ngettext("%(n)d article published.", "%(n)d articles published.", n),
        )

    @admin.action(permissions=["publish"], description=_("Unpublish selected articles"))
    def unpublish_selected(self, request, queryset):
        self._apply_to_each(
            request,
            queryset.filter(status=Article.Status.PUBLISHED),
            services.article_unpublish,
            lambda n: ngettext("%(n)d article unpublished.", "%(n)d articles unpublished.", n),
        )

    @admin.action(permissions=["publish"], description=_("Feature selected articles"))
    def feature_selected(self, request, queryset):
        for article in queryset:
            services.article_feature(article=article, user=request.user)
        self.message_user(request, _("The selected articles are featured."), messages.SUCCESS)

    @admin.action(permissions=["change"], description=_("Send selected drafts to review"))
    def submit_selected_for_review(self, request, queryset):
        self._apply_to_each(
            request,
            (
                article
                for article in queryset.filter(status=Article.Status.DRAFT)
                if self.has_change_permission(request, article)
            ),
            services.article_submit_for_review,
            lambda n: ngettext("%(n)d draft sent to review.", "%(n)d drafts sent to review.", n),
        )

    # --- preview and history --------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            )
        ]
        return urls + super().get_urls()

    @method_decorator(never_cache)
    def preview_view(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            raise Http404
        from articles import views

        renderer = getattr(views, "render_article_page", None)
        response = None
        if renderer is not None:
            try:
                response = renderer(request, article, preview=True)
                if hasattr(response, "render"):
                    response.render()
            except Exception:
                # A draft lacks what a live page takes for granted (a publish time, a
                # cover); the newsroom still gets a plain preview instead of an error.
                logger.exception("preview of article %s failed", article.pk)
                response = None
        if response is None:
            response = render(
                request, "admin/articles/article/preview_fallback.html", {"article": article}
            )
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-cache, no-store, must-revalidate, private, max-age=0"
        return response

    def history_view(self, request, object_id, extra_context=None):
        # simple_history filters by the raw id: "abc" would be a ValueError, not a 404.
        if not is_valid_pk(self.model, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not is_valid_pk(self.model.history.model, unquote(version_id)):
            raise Http404
        # simple_history saves a revert on any POST here; hold it to the change permission.
        current = self.get_object(request, object_id)
        if current is None or not self.has_view_history_or_change_history_permission(
            request, current
        ):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["slug_transliteration"] = slug_transliteration_table()
        if obj is not None and obj.pk:
            context["preview_url"] = reverse(
                "admin:articles_article_preview", args=[obj.pk], current_app=self.admin_site.name
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


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
        return TemplateResponse(
            request,
            "admin/articles/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge tags"),
                "opts": self.opts,
                "form": form,
                "tags": queryset,
                "action": "merge_tags",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
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
