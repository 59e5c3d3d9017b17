from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PageviewsConfig(AppConfig):
    name = "pageviews"
    verbose_name = _("Page views")

    def ready(self):
        from pageviews.signals import article_changed

        # Cache invalidation only: a publish, unpublish or edit is seen by counting and
        # most-read at once.
        post_save.connect(
            article_changed, sender="articles.Article", dispatch_uid="pageviews.saved"
        )
        post_delete.connect(
            article_changed, sender="articles.Article", dispatch_uid="pageviews.deleted"
        )

        from core import tasks
        from pageviews import conf
        from pageviews.tasks import flush_pageviews_if_due

        tasks.periodic(flush_pageviews_if_due, every=conf.get("PAGEVIEWS_FLUSH_CHECK_SECONDS"))
