from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def test_scheduled_story_appears_by_itself_at_its_time():
    now = timezone.now()
    article = make_article(published_at=now + timedelta(hours=1))

    assert list(Article.objects.published(at=now)) == []
    assert list(Article.objects.scheduled(at=now)) == [article]
    assert list(Article.objects.published(at=now + timedelta(hours=1))) == [article]
    assert article.is_scheduled


def test_submit_publish_and_unpublish_walk_the_workflow():
    editor = make_user("Editor")
    article = make_article(status="draft", published_at=None)

    services.article_submit_for_review(article=article, user=editor)
    assert article.status == "review"
    services.article_publish(article=article, user=editor)
    assert Article.objects.published().get() == article
    services.article_unpublish(article=article, user=editor)
    article.refresh_from_db()
    assert article.status == "draft"
    assert not Article.objects.published().exists()


def test_publishing_at_a_future_time_schedules():
    at = timezone.now() + timedelta(days=1)
    article = make_article(status="review", published_at=None)

    services.article_publish(article=article, user=make_user("Editor"), at=at)

    article.refresh_from_db()
    assert article.is_scheduled and article.published_at == at


def test_services_refuse_a_journalist():
    journalist = make_user("Journalist")
    article = make_article(status="review", published_at=None)

    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=journalist)
    with pytest.raises(PermissionDenied):
        services.article_feature(article=article, user=journalist)
    article.refresh_from_db()
    assert article.status == "review" and not article.is_featured


def test_unpublishing_also_unfeatures():
    article = make_article(is_featured=True)

    services.article_unpublish(article=article, user=make_user("Editor"))

    article.refresh_from_db()
    assert (article.status, article.is_featured) == ("draft", False)
