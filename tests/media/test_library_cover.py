"""A story's cover chosen from the photo library: shown like an upload, protected, corrected."""

import pytest

from articles.models import Article
from photos.models import Photo
from tests.factories import make_article
from tests.helpers.html import parse
from tests.helpers.newsroom import ADD_URL, article_post

from .helpers import image_bytes, make_photo, upload

pytestmark = pytest.mark.django_db


def cover_of(client, article):
    root = parse(client.get(article.get_absolute_url()).content.decode())
    return next(f for f in root.iter("figure") if "story__cover" in f.attrs.get("class", ""))


def test_a_library_cover_is_shown_with_the_photos_renditions_and_texts(client, media_root):
    photo = make_photo(caption="Бурабай көлі", credit="Ә. Нұров")
    article = make_article(cover_photo=photo, body=f'<figure data-photo="{photo.pk}"></figure>')

    cover = cover_of(client, article)

    img = cover.find("img").attrs
    assert img["srcset"].split(", ")[0] == f"{photo.renditions[0]['url']} 400w"
    assert img["loading"] == "eager"
    assert "Бурабай көлі" in cover.find("figcaption").text
    assert "Ә. Нұров" in cover.find("figcaption").text
    root = parse(client.get(article.get_absolute_url()).content.decode())
    body = next(e for e in root.iter() if "data-story-body" in e.attrs)
    assert body.find("img").attrs["loading"] == "lazy"  # the cover was the first picture


def test_a_corrected_caption_reaches_the_cover_and_a_used_cover_is_protected(client, media_root):
    photo = make_photo(caption="Қате атау")
    article = make_article(cover_photo=photo)
    assert article.photo_uses.get().photo == photo

    photo.caption = "Дұрыс атау"
    photo.save()

    assert "Дұрыс атау" in cover_of(client, article).text
    assert Photo.objects.filter(pk=photo.pk).exists()
    with pytest.raises(Exception) as caught:
        photo.delete()
    assert "Protected" in type(caught.value).__name__


def test_an_upload_replaces_a_library_cover_and_clearing_the_choice_drops_it(media_root):
    photo = make_photo()
    article = make_article(cover_photo=photo)

    article.cover_photo = None
    article.save()
    assert not article.cover_image and not article.photo_uses.exists()

    article.cover_photo = photo
    article.save()
    article.cover_image = upload(image_bytes(), "жаңа.jpg")
    article.save()
    article.refresh_from_db()
    assert article.cover_photo is None
    assert article.cover_image.name.startswith("covers/")


def test_the_form_takes_a_library_cover_but_not_together_with_an_upload(editor_client, media_root):
    photo = make_photo()

    both = editor_client.post(
        ADD_URL, article_post(cover_photo=photo.pk, cover_image=upload(image_bytes()))
    )
    assert both.status_code == 200
    assert "cover_photo" in both.context["adminform"].form.errors

    chosen = editor_client.post(ADD_URL, article_post(cover_photo=photo.pk))
    assert chosen.status_code == 302
    story = Article.objects.get()
    assert story.cover_image.name == photo.image.name
    assert (story.cover_width, story.cover_height) == (photo.width, photo.height)
    used_in = editor_client.get(f"/admin/photos/photo/{photo.pk}/change/").content.decode()
    assert story.title in used_in


def test_a_cover_naming_a_deleted_photo_is_dropped_on_save(media_root):
    photo = make_photo()
    article = make_article(cover_photo=photo)
    article.cover_photo = None
    article.save()
    photo.delete()

    article.cover_photo_id = photo.pk  # as a version restored from history would
    article.save()

    article.refresh_from_db()
    assert article.cover_photo is None and not article.cover_image
