"""Most-read periods, in calendar days of the site's TIME_ZONE, today included."""

import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import pgettext_lazy

# period -> number of calendar days counted, today included; None means "ever".
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "all": None}
PERIOD_LABELS = {
    "day": pgettext_lazy("most read period", "Today"),
    "week": pgettext_lazy("most read period", "Week"),
    "month": pgettext_lazy("most read period", "Month"),
    "all": pgettext_lazy("most read period", "All time"),
}
DEFAULT_PERIOD = "week"


def normalize_period(value) -> str:
    return value if value in PERIOD_DAYS else DEFAULT_PERIOD


def today(*, at: datetime | None = None) -> date:
    """The calendar day in the site's TIME_ZONE (not the request's active time zone)."""
    return timezone.localtime(at or timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def period_start(period: str, *, day: date | None = None) -> date | None:
    """The first day counted in ``period`` ending on ``day`` (today), or None for "all"."""
    days = PERIOD_DAYS[normalize_period(period)]
    if days is None:
        return None
    return (day or today()) - timedelta(days=days - 1)
