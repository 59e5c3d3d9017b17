"""Renamed tags, regions and authors keep their old URLs: a 301 to the new slug.

Apps call ``keep_old_slugs("app.Model")`` from ``AppConfig.ready()``; a save that changes the
slug records the old one. ``core.listing.get_by_slug`` looks retired slugs up when no live
object has the slug and raises ``SlugMoved``, which ``SlugMovedMiddleware`` answers with a
permanent redirect to the same address with the new slug (pages and feeds alike).
"""

from django.db import IntegrityError, transaction
from django.db.models.signals import pre_save
from django.http import HttpResponsePermanentRedirect

from core.models import RetiredSlug


class SlugMoved(Exception):
    def __init__(self, old: str, new: str):
        super().__init__(f"{old} -> {new}")
        self.old, self.new = old, new


def retire(label: str, slug: str, object_id: int) -> None:
    """Point ``slug`` of model ``label`` at ``object_id`` from now on (latest rename wins)."""
    if not slug:
        return
    try:
        with transaction.atomic():
            RetiredSlug.objects.update_or_create(
                model=label, slug=slug, defaults={"object_id": object_id}
            )
    except IntegrityError:  # the same rename saved twice at once: one row is enough
        pass


def _remember_old_slug(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old and old != instance.slug:
        retire(sender._meta.label, old, instance.pk)


def keep_old_slugs(label: str) -> None:
    pre_save.connect(_remember_old_slug, sender=label, dispatch_uid=f"core.slugs.{label}")


def moved_to(queryset, slug: str):
    """The live object of ``queryset`` that once had ``slug``, or None."""
    label = queryset.model._meta.label
    object_id = (
        RetiredSlug.objects.filter(model=label, slug=slug).values_list("object_id", flat=True)
    ).first()
    if object_id is None:
        return None
    return queryset.filter(pk=object_id).first()


class SlugMovedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SlugMoved):
            return None
        old, new = f"/{exception.old}/", f"/{exception.new}/"
        path = request.path.replace(old, new, 1)
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(path + (f"?{query}" if query else ""))
