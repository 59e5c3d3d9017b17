"""A renamed tag, region or author keeps its old links: 301 to the new address."""

import pytest

from articles.models import Tag
from articles.services import tag_merge, tag_rename
from tests.factories import make_article, make_author, region

pytestmark = pytest.mark.django_db


def test_a_renamed_tags_old_page_and_feed_redirect_to_the_new_slug(client):
    make_article(tags=["Ауыл шаруашылығы"])
    tag = Tag.objects.get(slug="auyl-sharuashylygy")

    tag_rename(tag=tag, name="Агроөнеркәсіп")

    page = client.get("/tags/auyl-sharuashylygy/?page=1")
    assert page.status_code == 301
    assert page["Location"] == "/tags/agroonerkasip/?page=1"
    assert client.get("/tags/auyl-sharuashylygy/rss/")["Location"] == "/tags/agroonerkasip/rss/"
    assert client.get("/tags/agroonerkasip/").status_code == 200


def test_a_merged_tags_old_page_leads_to_the_tag_it_was_merged_into(client):
    make_article(tags=["Мектеп", "Білім"])
    source, target = Tag.objects.get(name="Мектеп"), Tag.objects.get(name="Білім")

    tag_merge(sources=[source], target=target)

    assert client.get("/tags/mektep/")["Location"] == "/tags/bilim/"


def test_a_region_renamed_in_the_admin_keeps_its_old_address(editor_client, client):
    abai = region("abai-oblysy")
    make_article(region=abai)
    data = {"name": abai.name, "slug": "abai", "kind": abai.kind, "position": abai.position}
    data["is_active"] = "on"

    response = editor_client.post(f"/admin/regions/region/{abai.pk}/change/", data)

    assert response.status_code == 302
    client.logout()
    assert client.get("/regions/abai-oblysy/")["Location"] == "/regions/abai/"
    assert client.get("/regions/abai-oblysy/rss/")["Location"] == "/regions/abai/rss/"


def test_a_renamed_author_keeps_the_old_address_and_unknown_slugs_stay_404(client):
    author = make_author(name="Сәуле Ахметова", slug="saule")
    make_article(authors=[author])
    author.slug = "saule-akhmetova"
    author.save()

    assert client.get("/authors/saule/")["Location"] == "/authors/saule-akhmetova/"
    assert client.get("/authors/nobody/").status_code == 404


def test_a_slug_taken_again_by_a_new_object_belongs_to_the_new_object(client):
    old = make_author(name="Бірінші", slug="first")
    make_article(authors=[old])
    old.slug = "birinshi"
    old.save()
    new = make_author(name="Жаңа", slug="first")
    make_article(authors=[new])

    assert client.get("/authors/first/").status_code == 200
