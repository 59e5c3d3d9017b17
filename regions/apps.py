from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self):
        from core import cache
        from core.slugs import keep_old_slugs

        cache.watch("regions.Region")  # names and slugs show on public pages
        keep_old_slugs("regions.Region")
