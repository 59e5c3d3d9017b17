from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from articles.models import Article
from articles.selectors import story_cards
from articles.views import get_by_slug, paginate, render_list
from authors.models import Author


def author_list(request):
    published = Q(bylines__article__status=Article.Status.PUBLISHED) & Q(
        bylines__article__published_at__lte=timezone.now()
    )
    authors = (
        Author.objects.annotate(story_count=Count("bylines", filter=published))
        .filter(story_count__gt=0)
        .order_by("name")
    )
    return render(request, "authors/author_list.html", {"authors": authors})


def author_detail(request, slug):
    author = get_by_slug(Author.objects.select_related("region"), slug)
    stories = story_cards().by_author(author)
    return render_list(
        request, "authors/author_detail.html", paginate(request, stories), {"author": author}
    )
