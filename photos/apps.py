from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = _("Photo library")

    def ready(self):
        from django.db.models.signals import post_delete

        from core import cache
        from photos.models import Photo, delete_files

        post_delete.connect(delete_files, sender=Photo, dispatch_uid="photos.delete_files")

        # A corrected caption or credit must show on every story using the photo at once.
        cache.watch("photos.Photo")
