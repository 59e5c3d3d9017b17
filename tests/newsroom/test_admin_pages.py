import pytest

from articles.models import Tag
from authors.models import Author
from tests.factories import make_article, make_author, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(editor, journalist):
    own_draft = make_article(status="draft", published_at=None, created_by=journalist)
    published = make_article(authors=[make_author()], tags=["Алматы"], created_by=editor)
    return own_draft, published


@pytest.mark.parametrize("who", ["editor", "journalist"])
def test_every_newsroom_page_renders(who, request, client, stories):
    client.force_login(request.getfixturevalue(who))
    own_draft, published = stories
    tag = Tag.objects.get()
    urls = [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?q=Жаңалық&status__exact=published",
        f"/admin/articles/article/?tag={tag.slug}",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{own_draft.pk}/change/",
        f"/admin/articles/article/{own_draft.pk}/history/",
        f"/admin/articles/article/{published.pk}/change/",
        "/admin/articles/tag/",
        f"/admin/articles/tag/{tag.pk}/change/",
        "/admin/regions/region/",
        "/admin/authors/author/",
    ]
    if who == "editor":
        # A colleague's history is for editors (tests/security/test_colleagues.py).
        urls.append(f"/admin/articles/article/{published.pk}/history/")
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("field", ["region", "tags"])
def test_autocompletes_answer_a_journalist(journalist_client, field):
    make_article(tags=["Алматы"])

    response = journalist_client.get(
        "/admin/autocomplete/",
        {"term": "алм", "app_label": "articles", "model_name": "article", "field_name": field},
    )

    assert response.status_code == 200
    assert response.json()["results"]


def test_author_autocomplete_for_bylines(editor_client):
    make_author(name="Ермек Сахариев")

    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "Ермек", "app_label": "articles", "model_name": "byline", "field_name": "author"},
    )

    assert [r["text"] for r in response.json()["results"]] == ["Ермек Сахариев"]


def test_preview_shows_a_draft_to_staff_uncached_and_unindexed(editor_client):
    draft = make_article(status="draft", published_at=None, title="Әлі жарияланбаған")

    response = editor_client.get(f"/admin/articles/article/{draft.pk}/preview/")

    assert response.status_code == 200
    assert "Әлі жарияланбаған" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_preview_is_for_staff_only(client):
    draft = make_article(status="draft", published_at=None)

    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_view_on_site_only_for_published_stories(editor_client):
    draft = make_article(status="draft", published_at=None)
    live = make_article()

    draft_page = editor_client.get(f"/admin/articles/article/{draft.pk}/change/")
    live_page = editor_client.get(f"/admin/articles/article/{live.pk}/change/")

    assert draft_page.context["has_absolute_url"] is False
    assert live_page.context["has_absolute_url"] is True
    assert "/preview/" in draft_page.content.decode()


def test_article_changelist_queries_do_not_grow_with_stories(
    editor_client, django_assert_max_num_queries
):
    for _ in range(20):
        make_article(authors=[make_author(), make_author()], tags=["а", "б"], region=region())

    with django_assert_max_num_queries(20):
        response = editor_client.get("/admin/articles/article/")
    assert response.status_code == 200


def test_preview_of_a_live_story_is_the_public_page(editor_client):
    live = make_article(title="Оқырман көретін бет")

    response = editor_client.get(f"/admin/articles/article/{live.pk}/preview/")

    assert response.status_code == 200
    assert "<h1" in response.content.decode() and "Оқырман көретін бет" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]


def test_editor_adds_an_outside_source_author(editor_client):
    assert editor_client.get("/admin/authors/author/add/").status_code == 200

    response = editor_client.post(
        "/admin/authors/author/add/",
        {"name": "smi24.kz", "slug": "", "is_external": "on", "url": "https://smi24.kz"},
    )

    assert response.status_code == 302
    author = Author.objects.get(name="smi24.kz")
    assert author.slug == "smi24kz" and author.is_external
    change = editor_client.get(f"/admin/authors/author/{author.pk}/change/")
    assert change.status_code == 200


def test_an_outside_sources_address_without_a_scheme_is_taken_as_https(editor_client):
    editor_client.post(
        "/admin/authors/author/add/", {"name": "Kazinform", "slug": "", "url": "inform.kz"}
    )

    assert Author.objects.get(name="Kazinform").url == "https://inform.kz"
