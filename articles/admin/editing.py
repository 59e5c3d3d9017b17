"""The change form's safety net: who else has the story open, and the writer's autosave."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import editing
from core.admin import is_valid_pk


class ArticleEditingMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/autosave/",
                self.admin_site.admin_view(require_POST(self.autosave_view)),
                name="{}_{}_autosave".format(*info),
            ),
            *super().get_urls(),
        ]

    def _story_for(self, request, object_id):
        """The story being edited, or None for a new one; 404/403 as the change form would."""
        if object_id == "new":
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        if not is_valid_pk(self.model, object_id):
            raise Http404
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def autosave_view(self, request, object_id):
        """The page's script posts the form's text every 30 s; nothing here is public."""
        article = self._story_for(request, object_id)
        autosave = editing.autosave_store(user=request.user, article=article, data=request.POST)
        others = editing.mark_editing(article.pk, request.user) if article else []
        return JsonResponse(
            {"saved_at": timezone.localtime(autosave.saved_at).isoformat(), "others": others}
        )

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is not None and request.method == "GET" and "restore_autosave" in request.GET:
            autosave = editing.autosave_for(user=request.user, article=article)
            if autosave is not None:
                editing.autosave_restore(article, autosave)
        return article

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "restore_autosave" in request.GET:
            autosave = editing.autosave_for(user=request.user, article=None)
            if autosave is not None:
                initial.update(autosave.data)
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj if obj is not None and obj.pk else None
        key = article.pk if article else "new"
        context["autosave_url"] = reverse(
            "admin:articles_article_autosave", args=[key], current_app=self.admin_site.name
        )
        if article is not None:
            context["others_editing"] = editing.mark_editing(article.pk, request.user)
        if request.method == "GET" and "restore_autosave" not in request.GET:
            context["autosave"] = editing.autosave_for(user=request.user, article=article)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        editing.autosave_discard(user=request.user, article=obj if change else None)
