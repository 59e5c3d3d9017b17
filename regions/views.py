from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from articles.models import Article
from articles.selectors import story_cards
from articles.views import get_by_slug, paginate, render_list
from pageviews.selectors import most_read
from regions.models import Region


def region_list(request):
    published = Q(articles__status=Article.Status.PUBLISHED) & Q(
        articles__published_at__lte=timezone.now()
    )
    regions = Region.objects.active().annotate(story_count=Count("articles", filter=published))
    return render(request, "regions/region_list.html", {"regions": regions})


def region_detail(request, slug):
    # Inactive regions leave the menus, but their pages and stories stay online.
    region = get_by_slug(Region.objects.all(), slug)
    stories = story_cards().in_region(region)
    page = paginate(request, stories)
    context = {"region": region}
    if page.number == 1:
        context["region_most_read"] = most_read("week", 5, region=region)
    return render_list(request, "regions/region_detail.html", page, context)
