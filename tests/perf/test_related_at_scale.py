from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, TaggedArticle
from articles.selectors import CANDIDATES_PER_TAG, article_related_list
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def story():
    return make_article(tags=["сирек", "жиі"], published_at=ago(0.5))


def test_a_repeat_costs_one_query_and_gives_the_same_stories(story, django_assert_num_queries):
    others = [make_article(tags=["жиі"], published_at=ago(i + 1)) for i in range(6)]
    first = article_related_list(story)
    with django_assert_num_queries(1):
        again = article_related_list(story)
    assert again == first == others[:5]


def test_an_unpublished_story_leaves_the_list_at_once(story):
    rare = make_article(tags=["сирек"], published_at=ago(5))
    assert article_related_list(story)[0] == rare
    rare.status = Article.Status.DRAFT
    rare.save()
    assert rare not in article_related_list(story)


def test_a_story_unpublished_without_signals_is_still_dropped(story):
    rare = make_article(tags=["сирек"], published_at=ago(5))
    assert article_related_list(story)[0] == rare
    Article.objects.filter(pk=rare.pk).update(status=Article.Status.DRAFT)
    assert rare not in article_related_list(story)


def test_editing_tags_changes_the_ranking_at_once(story):
    newest = make_article(tags=["жиі"], published_at=ago(1))
    for i in range(4):
        make_article(tags=["жиі"], published_at=ago(100 + i))
    older = make_article(published_at=ago(10))
    assert article_related_list(story, limit=2)[0] == newest
    older.tags.add("сирек")
    assert article_related_list(story, limit=2)[0] == older


def test_a_story_sharing_a_rare_tag_wins_over_hundreds_sharing_a_common_one(story):
    crowd = [make_article(published_at=ago(1 + i / 100)) for i in range(CANDIDATES_PER_TAG + 50)]
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=other, tag=story.tags.get(name="жиі")) for other in crowd
    )
    rare = make_article(tags=["сирек"], published_at=ago(400))
    related = article_related_list(story)
    assert related[0] == rare
    assert related[1:] == crowd[:4]
