"""What only PostgreSQL does: typo tolerance and the indexes behind /search/."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.search import SEARCH_VECTOR, article_search, postgres_match, search_terms
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def found(query: str) -> list[Article]:
    return list(article_search(search_terms(query)))


def test_a_small_typo_in_a_title_word_still_finds_the_story():
    story = make_article(title="Алматы облысында жаңа мектеп ашылды")
    make_article(title="Астанада жол жөндеу басталды")

    assert found("мектрп") == [story]
    assert found("алматы мектрп") == [story]
    assert found("облысынла") == [story]


def test_words_sharing_only_an_ending_are_not_typos():
    make_article(title="Іс-шара барысында марапаттау өтті")

    assert found("облысында") == []


def test_short_words_must_match_exactly():
    make_article(title="Ақтөбе облысында мектеп ашылды")

    assert found("ақтөбе жол") == []


def test_exact_matches_rank_before_typo_matches():
    typo_only = make_article(title="Мектеп салынды")
    exact = make_article(title="Мектрп деген ауыл")

    assert found("мектрп") == [exact, typo_only]


def test_lowercase_cyrillic_finds_capitalised_words_in_every_field():
    in_title = make_article(title="АЛМАТЫ ЖАҢАЛЫҚТАРЫ")
    in_body = make_article(body="<p>Біз <b>Алматыда</b> тұрамыз</p>")

    assert set(found("алматы")) == {in_title, in_body}


def explain(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def test_search_conditions_use_the_full_text_and_trigram_indexes():
    make_article(title="Алматы")
    matching = Article.objects.annotate(search=SEARCH_VECTOR).filter(postgres_match(["алматы"]))

    plan = explain(matching)

    assert "article_search_vector" in plan
    assert "article_title_trgm" in plan


def test_only_the_newest_matches_compete_for_the_top(monkeypatch):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 2)
    now = timezone.now()
    best_but_old = make_article(title="Егін егін егін", published_at=now - timedelta(days=30))
    newer = [
        make_article(title=f"Егін туралы {n}", published_at=now - timedelta(days=n)) for n in (1, 2)
    ]

    assert best_but_old not in found("егін")
    assert set(found("егін")) == set(newer)
