from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyPageViews(models.Model):
    """Counted reads of one article on one day (in the site's TIME_ZONE)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        verbose_name = _("daily page views")
        verbose_name_plural = _("daily page views")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="unique_article_day")
        ]
        # Most-read periods sum a range of days per article; this index answers that
        # without touching the table.
        indexes = [models.Index(fields=["day", "article", "count"], name="pageviews_day_article")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"
