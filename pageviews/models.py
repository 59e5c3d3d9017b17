from datetime import date, datetime

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


def _upsert_sql(model, *, rows: int) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * rows)
    return (
        f"INSERT INTO {table} (article_id, day, count) VALUES {values} "
        f"ON CONFLICT (article_id, day) DO UPDATE SET count = {table}.count + EXCLUDED.count"
    )


class DailyPageViewsQuerySet(models.QuerySet):
    def upsert_increment(self, *, article_id: int, day: date, by: int = 1) -> None:
        """Add ``by`` reads to one day row in one statement (race-free on every database)."""
        self.upsert_many([(article_id, day, by)])

    def upsert_many(self, rows: list[tuple[int, date, int]]) -> None:
        """Add reads to many day rows; ``(article_id, day)`` must be unique within ``rows``."""
        if not rows:
            return
        params = []
        for article_id, day, by in rows:
            params += [article_id, day, by]
        with connection.cursor() as cursor:
            cursor.execute(_upsert_sql(self.model, rows=len(rows)), params)

    def for_article(self, article_id: int, *, since: date, until: date):
        return self.filter(article_id=article_id, day__range=(since, until)).order_by("day")


class DailyPageViews(models.Model):
    """Counted reads of one article on one day (in the site's TIME_ZONE)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("reads"), default=0)

    objects = DailyPageViewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily page views")
        verbose_name_plural = _("daily page views")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="unique_article_day")
        ]
        # Most-read periods read a range of days. ``count`` stays out of the index on
        # purpose: an increment that changes no indexed column is a HOT update in
        # PostgreSQL (no index writes), which is what keeps counting a viral story fast.
        indexes = [models.Index(fields=["day", "article"], name="dailyviews_day_article")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"


class ReaderMarkQuerySet(models.QuerySet):
    def claim(
        self,
        *,
        reader: str,
        article_id: int,
        now: datetime,
        expires_at: datetime,
        address: str = "",
    ) -> bool:
        """Remember that ``reader`` read the article; False if already remembered and unexpired.

        One statement, so two workers racing for the same reader cannot both win.
        """
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = (
            f"INSERT INTO {table} (reader, article_id, address, expires_at) "
            f"VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (reader, article_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, "
            f"address = EXCLUDED.address WHERE {table}.expires_at <= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [reader, article_id, address, expires_at, now])
            return cursor.rowcount == 1

    def readers_from(self, *, article_id: int, address: str, now: datetime) -> int:
        """Readers of the article counted from one address within the dedupe window."""
        return self.filter(article_id=article_id, address=address, expires_at__gt=now).count()

    def expired(self, *, now: datetime):
        return self.filter(expires_at__lte=now)


class ReaderMark(models.Model):
    """The 30-minute "same reader" memory when there is no Redis: shared by every worker."""

    reader = models.CharField(_("reader hash"), max_length=64)
    # A plain number, not a foreign key: a key would add an index write and a lock on the
    # article row to every counted read; marks of a deleted article simply expire.
    article_id = models.BigIntegerField(_("article id"))
    # A keyed hash of the network address the read came from, never the address: enough to
    # cap the readers one address adds to a story (PAGEVIEWS_READERS_PER_ADDRESS).
    address = models.CharField(_("address hash"), max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = ReaderMarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("recent reader")
        verbose_name_plural = _("recent readers")
        constraints = [
            models.UniqueConstraint(fields=["reader", "article_id"], name="unique_reader_article")
        ]
        indexes = [
            models.Index(
                fields=["article_id", "address", "expires_at"], name="readermark_article_address"
            )
        ]

    def __str__(self):
        return f"{self.reader[:8]}… {self.article_id}"


class AppliedFlush(models.Model):
    """A batch of the Redis buffer already added to the database.

    Written in the same transaction as the batch, so a flush killed at any point and run
    again (or two flushes at once) applies every batch exactly once.
    """

    batch = models.CharField(_("batch"), max_length=100, unique=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("applied flush batch")
        verbose_name_plural = _("applied flush batches")

    def __str__(self):
        return self.batch
