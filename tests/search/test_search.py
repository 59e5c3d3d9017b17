from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import article_search, highlight, search_terms
from tests.factories import make_article, make_articles

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("articles:search")


def found(query: str) -> list[Article]:
    return list(article_search(search_terms(query)))


def test_search_finds_words_in_the_title_the_lead_and_the_body():
    in_title = make_article(title="Алматыда жаңа саябақ ашылды")
    in_lead = make_article(lead="Саябақ туралы қысқаша")
    in_body = make_article(body="<p>Қалада <strong>саябақтар</strong> көп</p>")
    make_article(title="Басқа жаңалық")

    assert set(found("саябақ")) == {in_title, in_lead, in_body}


def test_search_ranks_title_matches_before_lead_and_body_matches():
    in_body = make_article(body="<p>Мектеп жөнделді</p>", published_at=timezone.now())
    in_lead = make_article(lead="Мектеп туралы", published_at=timezone.now() - timedelta(hours=1))
    in_title = make_article(title="Жаңа мектеп", published_at=timezone.now() - timedelta(days=3))

    assert found("мектеп") == [in_title, in_lead, in_body]


def test_search_requires_every_term():
    both = make_article(title="Ақтөбе облысында жол салынды")
    make_article(title="Ақтөбе облысында мектеп ашылды")

    assert found("ақтөбе жол") == [both]


def test_search_ignores_drafts_stories_in_review_and_scheduled_stories():
    published = make_article(title="Сайлау нәтижелері")
    make_article(title="Сайлау жоспары", status=Article.Status.DRAFT, published_at=None)
    make_article(title="Сайлау шолуы", status=Article.Status.REVIEW, published_at=None)
    make_article(title="Сайлау ертең", published_at=timezone.now() + timedelta(hours=2))

    assert found("сайлау") == [published]


def test_lowercase_cyrillic_query_finds_capitalised_words():
    story = make_article(title="Алматы әкімі жаңа бағдарламаны таныстырды")

    assert found("алматы") == [story]
    assert found("АЛМАТЫ ӘКІМІ") == [story]


def test_query_matches_the_beginning_of_words():
    story = make_article(title="Алматыда қар жауды")

    assert found("алмат") == [story]
    assert found("мат") == []
    assert found("жауд") == [story]


def test_markup_in_the_body_is_not_searchable():
    make_article(body='<p><a href="https://strong.kz/">Сілтеме</a></p>')

    assert found("strong") == []
    assert found("href") == []


def test_search_terms_use_only_the_first_200_characters_and_drop_punctuation():
    terms = search_terms("'; DROP TABLE articles_article; --")

    assert terms == ["drop", "table", "articles", "article"]
    assert search_terms("а" * 199 + " жоқ") == ["а" * 199]
    assert search_terms("%_ *") == []


def test_search_page_lists_matches_with_highlighted_terms(client):
    story = make_article(title="Алматыда жаңа саябақ ашылды", lead="Саябақ қала орталығында")

    response = client.get(SEARCH_URL, {"q": "саябақ"})

    assert response.status_code == 200
    content = response.content.decode()
    assert story.get_absolute_url() in content
    assert "<mark>саябақ</mark>" in content
    assert response.context["articles"] == [story]
    assert "<main" in content


def test_search_page_without_a_query_shows_the_form_and_no_results(client):
    make_article(title="Кез келген жаңалық")

    response = client.get(SEARCH_URL)

    assert response.status_code == 200
    assert response.context["articles"] == []
    assert b'name="q"' in response.content


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "%",
        "_",
        "\\",
        "'; DROP TABLE articles_article; --",
        "' OR 1=1 --",
        "title:* & | ! ( ) <-> :A",
        "<script>alert(1)</script>",
        "саябақ" * 400,
        "Қазақстан Республикасының " * 80,
        "\x00",
    ],
)
def test_odd_queries_answer_a_normal_page(client, query):
    make_article(title="Қазақстан Республикасының саябақтары")

    response = client.get(SEARCH_URL, {"q": query})

    assert response.status_code == 200
    assert b"<script>alert" not in response.content


def test_a_2000_character_kazakh_query_searches_its_first_200_characters(client):
    story = make_article(title="Қазақстан Республикасының жаңалығы")
    query = ("Қазақстан Республикасының жаңалығы " * 60)[:2000]

    response = client.get(SEARCH_URL, {"q": query})

    assert response.status_code == 200
    assert response.context["query"] == query[:200]
    assert response.context["articles"] == [story]


def test_highlighting_escapes_the_text_before_marking_terms():
    marked = highlight('Tom & <b>"Алматы"</b> алматылықтар', ["алматы"])

    assert marked == (
        "Tom &amp; &lt;b&gt;&quot;<mark>Алматы</mark>&quot;&lt;/b&gt; <mark>алматы</mark>лықтар"
    )


def test_highlighting_never_marks_inside_escaped_entities():
    assert highlight("A & B", ["amp"]) == "A &amp; B"


def test_search_page_escapes_html_in_titles_and_in_the_query(client):
    make_article(title="<img src=x onerror=alert(1)> Саябақ")

    response = client.get(SEARCH_URL, {"q": "<саябақ>"})

    content = response.content.decode()
    assert "<img src=x" not in content
    assert "<саябақ>" not in content
    assert "&lt;саябақ&gt;" in content
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>Саябақ</mark>" in content


def test_snippet_shows_the_body_passage_around_a_term_missing_from_the_lead(client):
    body = "<p>" + "Алғашқы сөйлем. " * 40 + "Ең соңында <em>мұражай</em> ашылды.</p>"
    make_article(title="Жаңалық", lead="Қысқаша", body=body)

    response = client.get(SEARCH_URL, {"q": "мұражай"})

    content = response.content.decode()
    assert "<mark>мұражай</mark> ашылды" in content


def test_search_paginates_and_answers_404_past_the_end_like_other_lists(client):
    make_articles(25, title="Ауа райы болжамы")

    first = client.get(SEARCH_URL, {"q": "болжам"})
    second = client.get(SEARCH_URL, {"q": "болжам", "page": 2})

    assert len(first.context["articles"]) == 20
    assert len(second.context["articles"]) == 5
    assert "page=2" in first.content.decode()
    assert "page=3" not in second.content.decode()
    assert client.get(SEARCH_URL, {"q": "болжам", "page": 3}).status_code == 404
    assert client.get(SEARCH_URL, {"q": "болжам", "page": "x"}).status_code == 404


def test_partial_search_answers_only_the_list_items(client):
    stories = make_articles(25, title="Ауа райы болжамы")

    response = client.get(SEARCH_URL, {"q": "болжам", "page": 2, "partial": 1})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and "<form" not in content
    assert content.count("<li") == 5
    assert stories[-1].get_absolute_url() in content


def test_partial_search_items_are_highlighted_too(client):
    make_article(title="Көктемгі егін")

    response = client.get(SEARCH_URL, {"q": "егін", "partial": 1})

    assert "<mark>егін</mark>" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_partial_search_without_a_query_answers_an_empty_list(client):
    response = client.get(SEARCH_URL, {"partial": 1})

    assert response.status_code == 200
    assert "<li" not in response.content.decode()


def test_search_page_queries_do_not_grow_with_results(client, django_assert_max_num_queries):
    make_articles(20, title="Егін жинау науқаны", tags=["ауыл", "егін", "науқан"])

    # Results and bylines; the Top news sidebar; the page cache's schedule check; on
    # PostgreSQL the trigram threshold.
    with django_assert_max_num_queries(5):
        response = client.get(SEARCH_URL, {"q": "егін"})

    assert len(response.context["articles"]) == 20
