import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image

from articles.models import Article
from pageviews.models import DailyPageViews
from pageviews.periods import today
from pageviews.services import pageview_count
from tests.factories import make_article, make_user
from tests.helpers.beacons import BROWSER, beacon, new_reader

pytestmark = pytest.mark.django_db


def reads_of(article) -> tuple[int, int]:
    """(the article's total, today's day row)."""
    article.refresh_from_db()
    row = DailyPageViews.objects.filter(article=article, day=today()).first()
    return article.view_count, row.count if row else 0


def test_a_beacon_counts_one_read_in_the_total_and_the_day_row(client):
    article = make_article()

    response = beacon(client, article, new_reader())

    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert reads_of(article) == (1, 1)


def test_an_empty_body_still_counts(client):
    article = make_article()

    assert beacon(client, article, "").status_code == 204
    assert reads_of(article) == (1, 1)


def test_the_no_script_pixel_answers_a_one_pixel_gif_and_counts(client):
    article = make_article()

    response = beacon(client, article, method="get")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(response.content)).size == (1, 1)
    assert reads_of(article) == (1, 1)


def test_the_endpoint_needs_no_csrf_token(client):
    article = make_article()
    strict = type(client)(enforce_csrf_checks=True)

    assert beacon(strict, article, new_reader()).status_code == 204
    assert reads_of(article) == (1, 1)


@pytest.mark.parametrize("method", ["put", "patch", "delete", "head", "options"])
def test_other_methods_are_refused_with_405_and_count_nothing(client, method):
    article = make_article()

    assert beacon(client, article, method=method).status_code == 405
    assert reads_of(article) == (0, 0)


@pytest.mark.parametrize("article_id", ["abc", "1.5", "-1", "0", "١", "99999999999999999999999"])
def test_a_malformed_article_id_is_404(client, article_id):
    make_article()

    assert beacon(client, article_id).status_code == 404
    assert Article.objects.filter(view_count__gt=0).count() == 0


def test_unknown_draft_review_and_scheduled_articles_are_404_and_count_nothing(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    review = make_article(status=Article.Status.REVIEW, published_at=None)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))

    for article_id in (draft.pk, review.pk, scheduled.pk, scheduled.pk + 1000):
        assert beacon(client, article_id, new_reader()).status_code == 404
    assert not DailyPageViews.objects.exists()
    assert set(Article.objects.values_list("view_count", flat=True)) == {0}


def test_a_body_over_one_kilobyte_is_413_and_counts_nothing(client):
    article = make_article()

    assert beacon(client, article, "x" * 1025).status_code == 413
    assert reads_of(article) == (0, 0)


def test_a_declared_length_over_one_kilobyte_is_refused_before_reading(client):
    article = make_article()

    response = client.generic(
        "POST",
        f"/pageviews/{article.pk}/",
        new_reader().encode(),
        "text/plain",
        HTTP_USER_AGENT=BROWSER,
        CONTENT_LENGTH="5000",
    )

    assert response.status_code == 413
    assert reads_of(article) == (0, 0)


@pytest.mark.parametrize("body", ["not-a-uuid", "reader=abc", '{"reader": "x"}', "12345", "\udcff"])
def test_a_body_that_is_not_a_reader_id_is_400_and_counts_nothing(client, body):
    article = make_article()

    response = client.post(
        f"/pageviews/{article.pk}/",
        data=body.encode("utf-8", "surrogateescape"),
        content_type="text/plain",
        HTTP_USER_AGENT=BROWSER,
    )

    assert response.status_code == 400
    assert reads_of(article) == (0, 0)


def test_the_same_reader_within_30_minutes_is_counted_once(client):
    article = make_article()
    reader = new_reader()

    for _ in range(3):
        assert beacon(client, article, reader).status_code == 204

    assert reads_of(article) == (1, 1)


def test_the_same_reader_is_counted_again_after_30_minutes():
    article = make_article()
    start = timezone.now()

    def read(minutes):
        at = start + timedelta(minutes=minutes)
        return pageview_count(article_id=article.pk, reader="r", at=at)

    assert [read(0), read(29), read(31), read(45), read(62)] == [True, False, True, False, True]
    assert reads_of(article)[0] == 3


def test_one_reader_reading_two_articles_counts_for_each(client):
    first, second = make_article(), make_article()
    reader = new_reader()

    beacon(client, first, reader)
    beacon(client, second, reader)

    assert reads_of(first) == (1, 1)
    assert reads_of(second) == (1, 1)


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "TelegramBot (like TwitterBot)",
        "curl/8.5.0",
        "python-requests/2.32.3",
    ],
)
def test_bots_and_crawlers_are_answered_but_not_counted(client, user_agent):
    article = make_article()

    response = beacon(client, article, new_reader(), HTTP_USER_AGENT=user_agent)

    assert response.status_code == 204
    assert reads_of(article) == (0, 0)


def test_logged_in_staff_are_not_counted(client):
    article = make_article()
    client.force_login(make_user("Editor"))

    assert beacon(client, article, new_reader()).status_code == 204
    assert reads_of(article) == (0, 0)


def test_logged_in_readers_who_are_not_staff_are_counted(client):
    article = make_article()
    client.force_login(User.objects.create_user("reader", password="pass-12345"))

    beacon(client, article, new_reader())

    assert reads_of(article) == (1, 1)


def test_prefetches_and_prerenders_are_not_reads(client):
    article = make_article()

    beacon(client, article, new_reader(), HTTP_SEC_PURPOSE="prefetch;prerender")
    beacon(client, article, new_reader(), HTTP_PURPOSE="prefetch")

    assert reads_of(article) == (0, 0)


def test_the_body_reader_id_comes_before_the_cookie(client):
    article = make_article()
    client.cookies["pv_reader"] = new_reader()

    beacon(client, article, new_reader())
    beacon(client, article, new_reader())

    assert reads_of(article) == (2, 2)


def test_without_a_body_the_cookie_names_the_reader(client):
    article = make_article()

    client.cookies["pv_reader"] = new_reader()
    beacon(client, article)
    beacon(client, article)
    client.cookies["pv_reader"] = new_reader()
    beacon(client, article)

    assert reads_of(article) == (2, 2)


def test_without_body_or_cookie_the_reader_is_ip_and_user_agent(client):
    article = make_article()

    beacon(client, article, REMOTE_ADDR="10.0.0.1")
    beacon(client, article, REMOTE_ADDR="10.0.0.1")
    beacon(client, article, REMOTE_ADDR="10.0.0.2")
    beacon(client, article, REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=BROWSER + " Edg/131")

    assert reads_of(article) == (3, 3)


def test_a_malformed_cookie_falls_back_to_ip_and_user_agent(client):
    article = make_article()
    client.cookies["pv_reader"] = "<script>"

    assert beacon(client, article).status_code == 204
    assert beacon(client, article).status_code == 204
    assert reads_of(article) == (1, 1)


def test_no_raw_ip_or_reader_id_is_stored(client):
    from pageviews.models import ReaderMark

    article = make_article()
    reader = new_reader()

    beacon(client, article, REMOTE_ADDR="203.0.113.77")
    beacon(client, article, reader)

    stored = list(ReaderMark.objects.values_list("reader", flat=True))
    assert len(stored) == 2
    assert not any("203.0.113.77" in value or reader in value for value in stored)


def test_the_endpoint_never_sets_a_cookie(client):
    article = make_article()

    response = beacon(client, article, new_reader())

    assert not response.cookies


def test_an_unexpected_error_is_logged_and_answered_503_not_500(client, monkeypatch, caplog):
    from pageviews import services

    article = make_article()

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "pageview_count", broken)

    response = beacon(client, article, new_reader())

    assert response.status_code == 503
    assert "could not count" in caplog.text


def test_redis_down_falls_back_to_the_database_and_keeps_counting(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    article = make_article()
    reader = new_reader()

    assert beacon(client, article, reader).status_code == 204
    assert beacon(client, article, new_reader()).status_code == 204
    assert beacon(client, article, reader).status_code == 204  # the dedupe falls back too

    assert reads_of(article) == (2, 2)


def test_an_article_unpublished_after_a_read_is_404_for_the_same_reader(client):
    article = make_article()
    assert beacon(client, article).status_code == 204

    article.status = Article.Status.DRAFT
    article.save()

    assert beacon(client, article).status_code == 404
    assert reads_of(article) == (1, 1)


def test_a_redis_timeout_is_not_counted_again_in_the_database(client, settings, monkeypatch):
    import redis

    from pageviews import buffer

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    article = make_article()

    def quiet(**kwargs):
        raise redis.TimeoutError("Redis may or may not have counted it")

    monkeypatch.setattr(buffer, "count", quiet)

    assert beacon(client, article, new_reader()).status_code == 204
    assert reads_of(article) == (0, 0)


def test_behind_a_proxy_the_reader_is_the_address_the_proxy_saw(client, settings):
    settings.PAGEVIEWS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    article = make_article()

    beacon(client, article, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")
    beacon(client, article, HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.7")  # a spoofed start
    beacon(client, article, HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert reads_of(article) == (2, 2)
