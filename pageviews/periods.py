from datetime import date, timedelta

from django.utils import timezone

# period -> number of calendar days counted, today included; None means "ever".
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "all": None}
DEFAULT_PERIOD = "week"


def normalize_period(value) -> str:
    return value if value in PERIOD_DAYS else DEFAULT_PERIOD


def today() -> date:
    """Today's calendar day in the site's TIME_ZONE."""
    return timezone.localdate()


def period_start(period: str, *, day: date | None = None) -> date | None:
    days = PERIOD_DAYS[normalize_period(period)]
    if days is None:
        return None
    return (day or today()) - timedelta(days=days - 1)
