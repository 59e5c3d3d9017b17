"""The photo library in the newsroom: upload, search, roles, and no deleting a used photo."""

import pytest

from photos.models import Photo
from tests.factories import make_article
from tests.helpers.newsroom import ADD_URL, article_post

from .helpers import image_bytes, make_photo, upload

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/photos/photo/"
PHOTO_ADD_URL = "/admin/photos/photo/add/"
PICKER_URL = "/admin/photos/photo/picker/"


def change_url(photo):
    return f"/admin/photos/photo/{photo.pk}/change/"


def delete_url(photo):
    return f"/admin/photos/photo/{photo.pk}/delete/"


def test_a_journalist_uploads_a_photo_which_becomes_theirs(
    journalist_client, journalist, media_root
):
    response = journalist_client.post(
        PHOTO_ADD_URL,
        {
            "image": upload(image_bytes(exif_gps=True), "Алаш.jpg"),
            "alt": "Алаш қаласының алаңы",
            "caption": "Жаңа алаң",
            "credit": "Е. Сахариев",
        },
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.uploaded_by == journalist
    assert photo.renditions


def test_an_upload_without_alt_text_or_not_an_image_is_refused(editor_client, media_root):
    response = editor_client.post(
        PHOTO_ADD_URL, {"image": upload(b"GIF89a not really", "x.gif"), "alt": ""}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "image" in errors and "alt" in errors
    assert not Photo.objects.exists()


def test_the_list_shows_thumbnails_and_finds_cyrillic_in_any_case(editor_client, media_root):
    make_photo(caption="Шымкенттегі фестиваль")
    make_photo(caption="Басқа сурет", alt="Тау", credit="Агенттік")

    page = editor_client.get(LIST_URL, {"q": "ШЫМКЕНТ"}).content.decode()

    assert "Шымкенттегі фестиваль" in page and "Басқа сурет" not in page
    assert ".400w.webp" in page


def test_the_picker_answers_json_to_staff_only(client, journalist_client, media_root):
    wanted = make_photo(caption="Ақтау жағалауы")
    make_photo(caption="Басқа")

    found = journalist_client.get(PICKER_URL, {"q": "ақтау"}).json()["results"]
    assert [item["id"] for item in found] == [wanted.pk]
    assert found[0]["thumbnail"].endswith(".400w.webp") and found[0]["alt"]

    client.logout()
    assert client.get(PICKER_URL, {"q": "ақтау"}).status_code == 302  # to the login page


def test_a_journalist_cannot_change_the_texts_of_anothers_photo(
    journalist_client, editor, media_root
):
    others = make_photo(caption="Редактордың суреті", uploaded_by=editor)

    page = journalist_client.get(change_url(others))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    journalist_client.post(change_url(others), {"alt": "Басқа", "caption": "Өзгертілді"})

    others.refresh_from_db()
    assert others.caption == "Редактордың суреті"
    assert journalist_client.get(delete_url(others)).status_code == 403


def test_a_journalist_changes_their_own_photos_texts(journalist_client, journalist, media_root):
    own = make_photo(caption="Қате", uploaded_by=journalist)

    response = journalist_client.post(
        change_url(own), {"alt": own.alt, "caption": "Дұрыс", "credit": own.credit}
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.caption == "Дұрыс"


def test_an_editor_changes_any_photo(editor_client, journalist, media_root):
    theirs = make_photo(caption="Қате", uploaded_by=journalist)

    editor_client.post(change_url(theirs), {"alt": theirs.alt, "caption": "Түзетілді"})

    theirs.refresh_from_db()
    assert theirs.caption == "Түзетілді"


def test_a_used_photo_cannot_be_deleted_and_the_message_names_the_story(editor_client, media_root):
    photo = make_photo()
    story = make_article(title="Көктемгі егіс", body=f'<figure data-gallery="{photo.pk}"></figure>')

    page = editor_client.get(change_url(photo)).content.decode()
    assert "Көктемгі егіс" in page  # the "used in" field

    response = editor_client.post(delete_url(photo), {"post": "yes"}, follow=True)
    assert Photo.objects.filter(pk=photo.pk).exists()
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Көктемгі егіс" in messages

    response = editor_client.post(
        LIST_URL, {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"}
    )
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert "Көктемгі егіс" in response.content.decode()  # listed as what protects it

    story.body = "<p>Суретсіз</p>"
    story.save()
    editor_client.post(delete_url(photo), {"post": "yes"})
    assert not Photo.objects.filter(pk=photo.pk).exists()


def test_the_story_form_refuses_a_bad_embed_and_a_missing_photo(editor_client, media_root):
    body = (
        '<p>Мәтін</p><figure data-embed="https://vimeo.com/123"></figure>'
        '<figure data-photo="987654"></figure>'
    )

    response = editor_client.post(ADD_URL, article_post(body=body))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["body"])
    assert "YouTube" in errors and "#987654" in errors


def test_the_story_form_keeps_good_references(editor_client, media_root):
    from articles.models import Article

    photo = make_photo()
    body = (
        f'<p>Мәтін</p><figure data-photo="{photo.pk}"><img src="https://x.example/a.jpg">'
        '</figure><figure data-embed="https://youtu.be/dQw4w9WgXcQ"></figure>'
    )

    response = editor_client.post(ADD_URL, article_post(body=body))

    assert response.status_code == 302
    story = Article.objects.get()
    assert story.body == (
        f'<p>Мәтін</p><figure data-photo="{photo.pk}"></figure>'
        '<figure data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'
    )
    assert list(story.photo_uses.values_list("photo_id", flat=True)) == [photo.pk]


def test_a_journalist_does_not_see_the_titles_of_others_drafts_using_a_photo(
    journalist_client, media_root
):
    from articles.models import Article

    photo = make_photo()
    make_article(title="Жарияланған жаңалық", body=f'<figure data-photo="{photo.pk}"></figure>')
    make_article(
        title="Біреудің жобасы",
        status=Article.Status.DRAFT,
        published_at=None,
        body=f'<figure data-photo="{photo.pk}"></figure>',
    )

    page = journalist_client.get(LIST_URL).content.decode()

    assert "Жарияланған жаңалық" in page and "Біреудің жобасы" not in page


def test_the_list_costs_the_same_queries_for_few_and_many_photos(editor_client, media_root):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(LIST_URL).status_code == 200
        return len(queries)

    for _ in range(2):
        photo = make_photo(data=image_bytes(size=(300, 200)))
        make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    few = list_queries()
    for _ in range(6):
        photo = make_photo(data=image_bytes(size=(300, 200)))
        make_article(body=f'<figure data-photo="{photo.pk}"></figure>')

    assert list_queries() == few
