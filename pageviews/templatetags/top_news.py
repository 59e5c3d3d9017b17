"""The Top news block that every public page shows beside its content."""

from django import template

from pageviews.selectors import most_read

register = template.Library()


@register.inclusion_tag("partials/top_news.html")
def top_news():
    """The week's five most-read stories, kept as long as PAGEVIEWS_MOST_READ_CACHE_SECONDS."""
    return {"articles": most_read("week", 5)}
