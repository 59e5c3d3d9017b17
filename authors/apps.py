from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = _("Authors")

    def ready(self):
        from core import cache
        from core.slugs import keep_old_slugs

        cache.watch("authors.Author")  # names and slugs show on public pages
        keep_old_slugs("authors.Author")
