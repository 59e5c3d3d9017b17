"""Reads in the article admin: a sortable views column, a 30-day chart, a most-read page."""

from django.contrib import admin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from articles.admin import ArticleAdmin
from articles.models import Article
from pageviews.periods import PERIOD_DAYS, PERIOD_LABELS, normalize_period, today
from pageviews.selectors import daily_reads, most_read

CHART_DAYS = 30
MOST_READ_LIMIT = 50


class ArticleReadsAdminMixin:
    """Reads for the story admin; mixed in below, before the ModelAdmin bases."""

    reads_fields = ("view_count", "reads_chart")

    # --- change list ----------------------------------------------------------------------

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if "view_count" not in columns and "views_column" not in columns:
            columns.append("views_column")
        return columns

    @admin.display(description=_("views"), ordering="view_count")
    def views_column(self, obj):
        return intcomma(obj.view_count)

    # --- change form ----------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in self.reads_fields if name not in fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in self.reads_fields]})
            for name, opts in super().get_fieldsets(request, obj)
        ]
        if obj is None or obj.pk is None:
            return fieldsets
        return [*fieldsets, (_("Reads"), {"fields": list(self.reads_fields)})]

    @admin.display(description=_("Daily reads, last 30 days"))
    def reads_chart(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return render_to_string(
            "admin/pageviews/reads_chart.html", reads_chart_context(obj.pk, days=CHART_DAYS)
        )

    # --- most-read page -------------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_most_read"
        return [
            path("most-read/", self.admin_site.admin_view(self.most_read_view), name=name),
            *super().get_urls(),
        ]

    def most_read_view(self, request):
        opts = self.model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise PermissionDenied
        period = normalize_period(request.GET.get("period"))
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Most read: %(period)s") % {"period": PERIOD_LABELS[period]},
            "period": period,
            "periods": [(key, PERIOD_LABELS[key]) for key in PERIOD_DAYS],
            "articles": most_read(period, MOST_READ_LIMIT),
        }
        return TemplateResponse(request, "admin/pageviews/most_read.html", context)


def reads_chart_context(article_id: int, *, days: int = CHART_DAYS) -> dict:
    """Bars for an inline SVG chart of the article's daily reads (one query)."""
    series = daily_reads(article_id, days=days, day=today())
    peak = max((count for _, count in series), default=0)
    width, height, gap = 8, 60, 2
    bars = []
    for index, (day, count) in enumerate(series):
        bar_height = round(height * count / peak) if peak else 0
        bars.append(
            {
                "x": index * (width + gap),
                "y": height - bar_height,
                "width": width,
                "height": bar_height,
                "day": day,
                "count": count,
            }
        )
    return {
        "article_id": article_id,
        "bars": bars,
        "total": sum(count for _, count in series),
        "peak": peak,
        "first_day": series[0][0],
        "last_day": series[-1][0],
        "svg_width": days * (width + gap) - gap,
        "svg_height": height,
    }


# The story admin is the articles app's; reads are this app's, so it extends that admin
# here rather than the articles app importing upward.
admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithReadsAdmin(ArticleReadsAdminMixin, ArticleAdmin):
    pass
