import pytest

from articles.models import Article
from authors.models import Author
from regions.models import Region
from regions.services import region_merge
from tests.factories import make_article, make_author, region

pytestmark = pytest.mark.django_db


def test_region_merge_moves_every_article_and_author_and_deletes_the_source():
    source = Region.objects.create(name="Семей өңірі", slug="semei")
    target = region("abai-oblysy")
    articles = [make_article(region=source) for _ in range(3)]
    author = make_author(region=source)

    moved = region_merge(source=source, target=target)

    assert moved["articles.Article"] == 3
    assert set(Article.objects.filter(region=target)) == set(articles)
    assert Author.objects.get(pk=author.pk).region == target
    assert not Region.objects.filter(slug="semei").exists()
    assert articles[0].history.latest().history_change_reason


def test_region_merge_can_keep_the_source_inactive():
    source = Region.objects.create(name="Ескі облыс", slug="eski")
    make_article(region=source)

    region_merge(source=source, target=region("almaty"), delete_source=False)

    source.refresh_from_db()
    assert source.is_active is False
    assert not source.articles.exists()


def test_editor_merges_regions_through_the_admin(editor_client):
    source = Region.objects.create(name="Жезқазған", slug="zhezqazgan")
    article = make_article(region=source)
    target = region("ulytau-oblysy")
    selection = {"action": "merge_regions", "_selected_action": [source.pk]}

    assert editor_client.post("/admin/regions/region/", selection).status_code == 200
    done = editor_client.post(
        "/admin/regions/region/",
        {**selection, "apply": "1", "target": target.pk, "delete_source": "on"},
    )

    assert done.status_code == 302
    article.refresh_from_db()
    assert article.region == target
    # Editors may not delete regions: the merged one stays, inactive, for the record.
    source.refresh_from_db()
    assert source.is_active is False


def test_a_merge_deletes_the_source_only_for_someone_allowed_to_delete_regions(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("boss", "boss@example.kz", "x"))
    source = Region.objects.create(name="Жаңа облыс", slug="zhana")
    selection = {"action": "merge_regions", "_selected_action": [source.pk]}
    done = client.post(
        "/admin/regions/region/",
        {**selection, "apply": "1", "target": region("almaty").pk, "delete_source": "on"},
    )

    assert done.status_code == 302
    assert not Region.objects.filter(pk=source.pk).exists()


def test_editor_reorders_and_deactivates_regions_in_the_list(editor_client):
    regions = list(Region.objects.order_by("position", "name"))
    data = {
        "form-TOTAL_FORMS": str(len(regions)),
        "form-INITIAL_FORMS": str(len(regions)),
        "_save": "Save",
    }
    for i, r in enumerate(regions):
        data[f"form-{i}-id"] = r.pk
        data[f"form-{i}-position"] = 100 - i if r.slug == "shymkent" else r.position
        if r.slug != "shymkent":
            data[f"form-{i}-is_active"] = "on"

    response = editor_client.post("/admin/regions/region/", data)

    assert response.status_code == 302
    shymkent = Region.objects.get(slug="shymkent")
    assert shymkent.is_active is False and shymkent.position > 20


def test_journalist_sees_regions_but_cannot_change_them(journalist_client):
    almaty = region("almaty")

    assert journalist_client.get("/admin/regions/region/").status_code == 200
    response = journalist_client.post(
        f"/admin/regions/region/{almaty.pk}/change/",
        {"name": "Өзгерген", "slug": "almaty", "kind": "city", "position": 1},
    )
    assert response.status_code == 403
    almaty.refresh_from_db()
    assert almaty.name == "Алматы қаласы"
