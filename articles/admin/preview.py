"""The story preview and its history pages, held to the same rules as the change form."""

import logging

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from articles.forms import slug_transliteration_table
from articles.roles import can_read_history, is_editor
from articles.views import render_article_page
from core.admin import is_valid_pk

logger = logging.getLogger(__name__)


class ArticlePreviewMixin:
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
        try:
            response = render_article_page(request, article, preview=True)
        except Exception:
            # A draft lacks what a live page takes for granted (a publish time, a cover);
            # the newsroom still gets a plain preview instead of an error.
            logger.exception("preview of article %s failed", article.pk)
            response = render(
                request, "admin/articles/article/preview_fallback.html", {"article": article}
            )
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-cache, no-store, must-revalidate, private, max-age=0"
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["slug_transliteration"] = slug_transliteration_table()
        if obj is not None and obj.pk:
            context["preview_url"] = reverse(
                "admin:articles_article_preview", args=[obj.pk], current_app=self.admin_site.name
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class ArticleHistoryMixin:
    """History pages: editors and the story's own authors only (``roles.can_read_history``).

    A journalist may read a colleague's published story, but not its past versions: they
    hold what an editor cut before publishing.
    """

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return obj is not None and can_read_history(request.user, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_read_history"] = obj is not None and can_read_history(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _history_subject(self, request, object_id):
        """The story whose history is asked for: 404 when the user may not even see the story
        (it stays unconfirmed), 403 when they may see it but not its past."""
        article = self.get_object(request, object_id)
        if article is None:
            if is_editor(request.user):
                return None  # deleted: simple_history finds it among the history rows
            raise Http404
        if not can_read_history(request.user, article):
            raise PermissionDenied
        return article

    def history_view(self, request, object_id, extra_context=None):
        # simple_history filters by the raw id: "abc" would be a ValueError, not a 404.
        if not is_valid_pk(self.model, unquote(object_id)):
            raise Http404
        self._history_subject(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not is_valid_pk(self.model.history.model, unquote(version_id)):
            raise Http404
        current = self._history_subject(request, object_id)
        # simple_history saves a revert on any POST here; hold it to the change permission.
        if request.method == "POST" and (
            current is None or not self.has_change_permission(request, current)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
