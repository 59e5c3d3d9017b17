"""The admin site: Django's, with a view-on-site shortcut that respects who may see what.

Django's ``/admin/r/<content_type_id>/<object_id>/`` redirects any staff user to any object's
``get_absolute_url()``. A draft's URL carries its slug, and the slug spells the title: an
embargoed headline would leak to anyone who counts ids. Here the redirect is given only to
someone the object's model admin lets view that object; everyone else gets the same 404 as
for an id that does not exist, so the answer does not even confirm the object is there.
"""

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import URLPattern

from core.admin import is_valid_pk

VIEW_ON_SITE = "view_on_site"


class PortalAdminSite(admin.AdminSite):
    def get_urls(self):
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if isinstance(pattern, URLPattern) and pattern.name == VIEW_ON_SITE:
                # Same route and name as Django's, so every admin URL stays as it was.
                urls[index] = URLPattern(
                    pattern.pattern,
                    self.admin_view(self.view_on_site),
                    pattern.default_args,
                    VIEW_ON_SITE,
                )
                break
        else:  # pragma: no cover - fails loudly if a Django upgrade renames the route
            raise RuntimeError("Django's admin has no view_on_site URL to guard")
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        if not is_valid_pk(ContentType, content_type_id):
            raise Http404
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model) if model else None
        if model_admin is None:
            # A model without an admin has no one to decide who may see it.
            raise Http404
        # get_object goes through the admin's own queryset (a journalist's admin does not
        # even list others' drafts) and turns a malformed id into None.
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
