from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = _("Photo library")

    def ready(self):
        from core import cache

        # A corrected caption or credit must show on every story using the photo at once.
        cache.watch("photos.Photo")
