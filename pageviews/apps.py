from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PageviewsConfig(AppConfig):
    name = "pageviews"
    verbose_name = _("Page views")

    def ready(self):
        from pageviews.generation import bump_on_article_change

        # Cache invalidation only: a publish, unpublish or edit makes most-read fresh at once.
        post_save.connect(
            bump_on_article_change, sender="articles.Article", dispatch_uid="pageviews.saved"
        )
        post_delete.connect(
            bump_on_article_change, sender="articles.Article", dispatch_uid="pageviews.deleted"
        )
