import re
from datetime import timedelta

import pytest
from django.urls import reverse

from pageviews.periods import today
from pageviews.services import pageview_record
from tests.factories import make_article, make_articles, make_user

pytestmark = pytest.mark.django_db

MOST_READ = "/admin/articles/article/most-read/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("Editor"))
    return client


def test_the_article_list_has_a_views_column_sortable_by_views(editor_client):
    low, high = make_articles(2)
    pageview_record(article_id=low.pk, day=today(), by=3)
    pageview_record(article_id=high.pk, day=today(), by=40)
    changelist = reverse("admin:articles_article_changelist")

    page = editor_client.get(changelist).content.decode()
    header = r'<th scope="col" class="[^"]*column-view_count[^"]*">.*?</th>'
    views_header = re.search(header, page, re.S)
    sort_link = re.search(r'href="\?o=([^"&]+)"', views_header.group(0)).group(1)

    column = sort_link.split(".")[0].lstrip("-")
    ascending = editor_client.get(changelist, {"o": column}).content.decode()
    descending = editor_client.get(changelist, {"o": f"-{column}"}).content.decode()
    assert ascending.index(low.title) < ascending.index(high.title)
    assert descending.index(high.title) < descending.index(low.title)


def test_the_change_form_shows_an_accessible_chart_of_thirty_days(editor_client):
    article = make_article()
    pageview_record(article_id=article.pk, day=today(), by=7)
    pageview_record(article_id=article.pk, day=today() - timedelta(days=3), by=2)

    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    html = page.content.decode()
    start = html.index('<figure class="reads-chart"')
    chart = html[start : html.index("</figure>", start)]
    assert 'role="img"' in chart
    assert chart.count("<rect") == 30
    assert "<title" in chart and "<desc" in chart
    assert today().strftime("%d.%m.%Y") + ": 7" in chart


def test_the_chart_costs_one_query(editor_client, django_assert_num_queries):
    from pageviews.admin import reads_chart_context

    article = make_article()

    with django_assert_num_queries(1):
        context = reads_chart_context(article.pk)

    assert context["total"] == 0 and len(context["bars"]) == 30


def test_editors_see_the_most_read_page_for_each_period(editor_client):
    old, fresh = make_articles(2)
    pageview_record(article_id=old.pk, day=today() - timedelta(days=10), by=50)
    pageview_record(article_id=fresh.pk, day=today(), by=5)

    week = editor_client.get(MOST_READ).content.decode()
    month = editor_client.get(MOST_READ, {"period": "month"}).content.decode()

    assert fresh.title in week and old.title not in week
    assert month.index(old.title) < month.index(fresh.title)
    for period in ("day", "week", "month", "all"):
        assert f'href="?period={period}"' in week
    assert editor_client.get(MOST_READ, {"period": "bogus"}).status_code == 200


def test_the_most_read_page_needs_staff_with_view_permission(client):
    assert client.get(MOST_READ).status_code == 302  # to the login page

    client.force_login(make_user(None, is_staff=True))
    assert client.get(MOST_READ).status_code == 403

    client.force_login(make_user("Journalist"))
    assert client.get(MOST_READ).status_code == 200
