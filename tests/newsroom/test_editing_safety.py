"""Edits that are never lost: conflicts, colleagues in the same story, autosaves."""

import pytest
from django.test import Client

from articles.editing import version_of
from articles.models import Article, ArticleAutosave, Byline
from tests.factories import make_article, make_author
from tests.helpers.newsroom import ADD_URL, article_post, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(editor):
    article = make_article(title="Бастапқы тақырып", status=Article.Status.DRAFT)
    Byline.objects.create(article=article, author=make_author(name="Сәуле"), position=0)
    return article


def second_editor_client(make_editor) -> Client:
    other = Client()
    other.force_login(make_editor)
    return other


@pytest.fixture
def other_editor(db):
    from tests.factories import make_user

    return make_user("Editor", first_name="Дана", last_name="Екінші")


def post_as(client, story, opened, **fields):
    bylines = list(story.bylines.all())
    data = article_post(existing_bylines=bylines, opened_version=opened, **fields)
    data.update({"status": "draft", "region": story.region_id or ""})
    return client.post(change_url(story), data)


def test_the_second_of_two_saves_is_refused_and_loses_nothing(editor_client, story, other_editor):
    opened = version_of(story)  # both open the story now
    other = second_editor_client(other_editor)

    first = post_as(other, story, opened, title="Дананың тақырыбы", body="<p>Дана</p>")
    second = post_as(editor_client, story, opened, title="Менің тақырыбым", body="<p>Мен</p>")

    assert first.status_code == 302
    assert second.status_code == 200  # the form again, not a save
    html = second.content.decode()
    assert "Дана Екінші" in html and "Менің тақырыбым" in html  # who, and my text kept
    assert "Дананың тақырыбы" in html  # their change, to compare
    story.refresh_from_db()
    assert story.title == "Дананың тақырыбы"

    # Saving again, with their change in view, goes through.
    again = second.context["adminform"].form.data["opened_version"]
    assert post_as(editor_client, story, again, title="Менің тақырыбым").status_code == 302
    story.refresh_from_db()
    assert story.title == "Менің тақырыбым"


def test_counted_reads_do_not_conflict_with_an_edit(editor_client, story):
    opened = version_of(story)
    Article.objects.filter(pk=story.pk).update(view_count=42)

    assert post_as(editor_client, story, opened, title="Жаңа").status_code == 302


def test_the_change_form_says_who_else_has_the_story_open(editor_client, story, other_editor):
    second_editor_client(other_editor).get(change_url(story))

    html = editor_client.get(change_url(story)).content.decode()

    assert "Дана Екінші" in html


def test_autosave_keeps_unsaved_text_and_offers_to_restore_it(editor_client, editor, story):
    url = f"/admin/articles/article/{story.pk}/autosave/"
    answer = editor_client.post(url, {"title": "Жартылай жазылған", "body": "<p>Жоба</p>"})

    assert answer.status_code == 200
    story.refresh_from_db()
    assert story.title == "Бастапқы тақырып"  # never a published revision
    page = editor_client.get(change_url(story)).content.decode()
    assert "?restore_autosave=1" in page
    restored = editor_client.get(change_url(story) + "?restore_autosave=1")
    assert restored.context["adminform"].form.initial["title"] == "Жартылай жазылған"

    post_as(editor_client, story, version_of(story), title="Сақталды")
    assert not ArticleAutosave.objects.filter(user=editor, article=story).exists()


def test_a_new_storys_autosave_comes_back_on_the_add_form(journalist_client):
    journalist_client.post("/admin/articles/article/new/autosave/", {"title": "Әлі жоқ мақала"})

    form = journalist_client.get(ADD_URL + "?restore_autosave=1").context["adminform"].form

    assert form.initial["title"] == "Әлі жоқ мақала"


def test_a_journalist_cannot_autosave_into_someone_elses_story(journalist_client, story):
    response = journalist_client.post(
        f"/admin/articles/article/{story.pk}/autosave/", {"title": "x"}
    )

    assert response.status_code in (403, 404)
    assert not ArticleAutosave.objects.exists()


def test_autosave_answers_only_posts_and_bad_ids_with_a_404(editor_client):
    assert editor_client.get("/admin/articles/article/new/autosave/").status_code == 405
    assert editor_client.post("/admin/articles/article/abc/autosave/").status_code == 404
