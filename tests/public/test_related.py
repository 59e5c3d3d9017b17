from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.selectors import article_related_list
from tests.factories import ago, fresh, make_article, make_author, region
from tests.helpers.html import block, block_items, last_number, parse

pytestmark = pytest.mark.django_db


def test_a_rare_shared_tag_outranks_a_common_one():
    story = make_article(tags=["сирек", "жиі"])
    common = make_article(tags=["жиі"], published_at=ago(1))
    rare = make_article(tags=["сирек"], published_at=ago(5))
    for _ in range(6):
        make_article(tags=["жиі"], published_at=ago(48))
    related = article_related_list(fresh(story), limit=2)
    assert related == [rare, common]


def test_more_shared_tags_outrank_fewer():
    story = make_article(tags=["а", "б"])
    one = make_article(tags=["а"], published_at=ago(1))
    both = make_article(tags=["а", "б"], published_at=ago(9))
    assert article_related_list(fresh(story), limit=2) == [both, one]


def test_same_region_comes_after_tags_and_before_plain_recency():
    almaty, astana = region("almaty"), region("astana")
    story = make_article(region=almaty, tags=["тақырып"])
    newest_elsewhere = make_article(region=astana, published_at=ago(1))
    same_region = make_article(region=almaty, published_at=ago(10))
    tagged_elsewhere = make_article(region=astana, tags=["тақырып"], published_at=ago(20))
    assert article_related_list(fresh(story), limit=3) == [
        tagged_elsewhere,
        same_region,
        newest_elsewhere,
    ]


def test_never_the_article_itself_nor_unpublished_or_future_stories():
    story = make_article(tags=["т"])
    make_article(tags=["т"], status=Article.Status.DRAFT)
    make_article(tags=["т"], status=Article.Status.REVIEW)
    make_article(tags=["т"], published_at=timezone.now() + timedelta(hours=1))
    visible = make_article(published_at=ago(3))
    assert article_related_list(fresh(story), limit=5) == [visible]


def test_fills_with_the_latest_stories_so_the_block_is_full():
    almaty, astana = region("almaty"), region("astana")
    story = make_article(region=almaty, tags=["жалғыз"])
    tagged = make_article(region=astana, tags=["жалғыз"], published_at=ago(30))
    latest = [make_article(region=astana, published_at=ago(h)) for h in range(1, 7)]
    related = article_related_list(fresh(story), limit=5)
    assert related == [tagged, *latest[:4]]


def test_article_page_similar_news_block_lists_five_with_author_region_date_and_views(client):
    author = make_author(name="Дахан ШӨКШИР")
    story = make_article(tags=["астық"])
    for i in range(6):
        make_article(
            authors=[author], tags=["астық"], view_count=200 + i, published_at=ago(24 * (i + 1))
        )
    similar = block(
        parse(client.get(story.get_absolute_url()).content.decode()), "Ұқсас жаңалықтар"
    )
    lis = block_items(similar)
    assert len(lis) == 5
    first = lis[0].text
    assert "Дахан ШӨКШИР" in first and story.region.name in first
    assert timezone.localtime(ago(24)).strftime("%d.%m.%Y") in first
    assert last_number(lis[0]) == 200
    assert story.get_absolute_url() not in similar.links()
