import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, TaggedArticle
from articles.selectors import CANDIDATES_PER_TAG, article_related_list, article_tags, rank_and_keep
from tests.factories import ago, fresh, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(tags=["сирек", "жиі"], published_at=ago(0.5))


def test_a_repeat_costs_one_query_and_gives_the_same_stories(story, django_assert_num_queries):
    others = [make_article(tags=["жиі"], published_at=ago(i + 1)) for i in range(6)]
    first = article_related_list(fresh(story))
    page_loads = fresh(story)  # the story page loads the row with its stored ranking
    with django_assert_num_queries(1):
        again = article_related_list(page_loads)
    assert again == first == others[:5]


def test_an_unpublished_story_leaves_the_list_at_once(story):
    rare = make_article(tags=["сирек"], published_at=ago(5))
    assert article_related_list(fresh(story))[0] == rare
    rare.status = Article.Status.DRAFT
    rare.save()
    assert rare not in article_related_list(fresh(story))


def test_a_story_unpublished_without_signals_is_still_dropped(story):
    rare = make_article(tags=["сирек"], published_at=ago(5))
    assert article_related_list(fresh(story))[0] == rare
    Article.objects.filter(pk=rare.pk).update(status=Article.Status.DRAFT)
    assert rare not in article_related_list(fresh(story))


def test_editing_tags_changes_the_ranking_at_once(story):
    newest = make_article(tags=["жиі"], published_at=ago(1))
    for i in range(4):
        make_article(tags=["жиі"], published_at=ago(100 + i))
    older = make_article(published_at=ago(10))
    assert article_related_list(fresh(story), limit=2)[0] == newest
    older.tags.add("сирек")
    assert article_related_list(fresh(story), limit=2)[0] == older


def test_a_story_sharing_a_rare_tag_wins_over_hundreds_sharing_a_common_one(story):
    crowd = [make_article(published_at=ago(1 + i / 100)) for i in range(CANDIDATES_PER_TAG + 50)]
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=other, tag=story.tags.get(name="жиі")) for other in crowd
    )
    rare = make_article(tags=["сирек"], published_at=ago(400))
    related = article_related_list(fresh(story))
    assert related[0] == rare
    assert related[1:] == crowd[:4]


def test_a_publish_that_cannot_change_a_ranking_leaves_it_stored(story, django_assert_num_queries):
    old = make_article(tags=["сирек"], published_at=ago(300))
    for i in range(12):  # newer than the story: the latest-stories fill of any new story
        make_article(published_at=ago(0.1 + i / 100))
    assert article_related_list(fresh(story))[0] == old  # ranked and kept

    make_article(tags=["басқа"], published_at=ago(0.01))

    page_loads = fresh(story)
    assert page_loads.similar_ids is not None
    with django_assert_num_queries(1):
        assert article_related_list(page_loads)[0] == old


def test_a_story_ranks_once_and_keeps_its_ranking(story, django_assert_num_queries):
    other = make_article(tags=["сирек"], published_at=ago(2))
    Article.objects.update(similar_ids=None)  # as after the upgrade: nothing ranked yet

    first = article_related_list(fresh(story))

    assert fresh(story).similar_ids[0] == other.pk == first[0].pk
    page_loads = fresh(story)
    with django_assert_num_queries(1):
        assert article_related_list(page_loads) == first


def test_a_neighbour_taken_down_leaves_a_full_block(story):
    neighbours = [make_article(tags=["жиі"], published_at=ago(i + 1)) for i in range(7)]
    assert article_related_list(fresh(story)) == neighbours[:5]

    Article.objects.filter(pk=neighbours[0].pk).update(status=Article.Status.DRAFT)

    assert article_related_list(fresh(story)) == neighbours[1:6]


def test_rank_similar_ranks_the_stories_without_a_ranking_and_leaves_the_rest(story):
    from django.core.management import call_command

    others = [make_article(tags=["жиі"], published_at=ago(i + 1)) for i in range(3)]
    draft = make_article(tags=["жиі"], status=Article.Status.DRAFT)
    Article.objects.update(similar_ids=None)
    Article.objects.filter(pk=others[2].pk).update(similar_ids=[999999])  # ranked before

    call_command("rank_similar", verbosity=0)

    assert fresh(story).similar_ids[:3] == [other.pk for other in others]
    assert fresh(others[2]).similar_ids == [999999]
    assert fresh(draft).similar_ids is None
    call_command("rank_similar", "--all", verbosity=0)
    assert 999999 not in fresh(others[2]).similar_ids


def test_a_ranked_story_page_does_not_count_its_tags_stories(client, story):
    make_article(tags=["жиі"], published_at=ago(2))
    rank_and_keep(fresh(story))
    cache.clear()  # no page kept: the view renders
    with CaptureQueriesContext(connection) as queries:
        assert client.get(story.get_absolute_url()).status_code == 200
    assert any("similar_ids" in q["sql"] for q in queries)  # the view did run
    # Counting a tag's stories (capped at 2,000 each) only serves ranking.
    assert not [q for q in queries if "capped_usage" in q["sql"]]


def test_ranking_counts_the_tags_stories_when_given_tags_without_counts(story):
    rare = make_article(tags=["сирек"], published_at=ago(5))
    common = [make_article(tags=["жиі"], published_at=ago(1 + i / 10)) for i in range(3)]
    bare = article_tags(story)  # as a page shows them: no usage
    # The rare tag outweighs the common one only when ranking counts them.
    assert rank_and_keep(fresh(story), tags=bare)[0] == rare
    assert set(common) <= set(rank_and_keep(fresh(story), tags=bare))


def test_a_story_taken_down_among_the_first_five_is_replaced_by_the_next_kept(story):
    others = [make_article(tags=["сирек"], published_at=ago(i + 1)) for i in range(7)]
    rank_and_keep(fresh(story))
    shown = article_related_list(fresh(story))
    Article.objects.filter(pk=shown[0].pk).update(status=Article.Status.DRAFT)  # no signals

    again = article_related_list(fresh(story))

    assert len(again) == 5 and shown[0] not in again
    assert set(again) <= set(others) and again[:4] == shown[1:]
