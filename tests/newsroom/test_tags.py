import pytest
from django.core.exceptions import ValidationError

from articles import services
from articles.models import Article, Tag, TaggedArticle
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_tags_differing_only_in_case_are_one_tag():
    first = make_article(tags=["Алматы"])
    second = make_article(tags=["алматы"])
    third = make_article(tags=["АЛМАТЫ", "алматы"])

    assert Tag.objects.count() == 1
    tag = Tag.objects.get()
    assert tag.name == "Алматы"
    assert set(Article.objects.tagged(tag)) == {first, second, third}


def test_cyrillic_tag_gets_a_latin_slug():
    make_article(tags=["Ауыл шаруашылығы"])

    assert Tag.objects.get().slug == "auyl-sharuashylygy"


def test_merge_leaves_each_article_with_exactly_one_copy_of_the_target():
    both = make_article(tags=["Білім", "Мектеп", "Оқу"])
    only_source = make_article(tags=["Мектеп"])
    two_sources = make_article(tags=["Мектеп", "Оқу"])
    target = Tag.objects.get(name="Білім")
    sources = list(Tag.objects.exclude(pk=target.pk))

    merged = services.tag_merge(sources=sources, target=target)

    assert merged == 2
    assert list(Tag.objects.values_list("name", flat=True)) == ["Білім"]
    for article in (both, only_source, two_sources):
        assert TaggedArticle.objects.filter(content_object=article, tag=target).count() == 1
    assert TaggedArticle.objects.count() == 3


def test_rename_changes_the_slug_and_refuses_a_case_twin():
    make_article(tags=["Спорт", "Футбол"])
    tag = Tag.objects.get(name="Футбол")

    services.tag_rename(tag=tag, name="Жаңа футбол")
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Жаңа футбол", "zhana-futbol")

    with pytest.raises(ValidationError):
        services.tag_rename(tag=tag, name="СПОРТ")


def test_delete_unused_keeps_tags_in_use():
    make_article(tags=["Керек"])
    Tag.objects.create(name="Керексіз")

    assert services.tag_delete_unused() == 1
    assert list(Tag.objects.values_list("name", flat=True)) == ["Керек"]


def test_editor_merges_tags_through_the_admin_confirmation_page(editor_client):
    article = make_article(tags=["Алматы", "Алма-Ата"])
    keep, drop = Tag.objects.get(name="Алматы"), Tag.objects.get(name="Алма-Ата")
    selection = {"action": "merge_tags", "_selected_action": [keep.pk, drop.pk]}

    confirm = editor_client.post("/admin/articles/tag/", selection)
    assert confirm.status_code == 200
    assert "Алма-Ата" in confirm.content.decode()

    done = editor_client.post(
        "/admin/articles/tag/", {**selection, "apply": "1", "target": keep.pk}
    )
    assert done.status_code == 302
    assert list(article.tags.all()) == [keep]
    assert not Tag.objects.filter(pk=drop.pk).exists()


def test_tag_changelist_shows_article_counts_sorted(editor_client):
    make_article(tags=["Көп", "Аз"])
    make_article(tags=["Көп"])

    response = editor_client.get("/admin/articles/tag/", {"o": "-3"})

    rows = [(t.name, t.article_count) for t in response.context["cl"].result_list]
    assert rows == [("Көп", 2), ("Аз", 1)]


def test_renaming_a_tag_onto_another_in_the_admin_is_a_form_error(editor_client):
    make_article(tags=["Алматы", "Астана"])
    tag = Tag.objects.get(name="Астана")

    response = editor_client.post(f"/admin/articles/tag/{tag.pk}/change/", {"name": "алматы"})

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors


def test_tag_search_is_case_insensitive_for_kazakh(editor_client):
    make_article(tags=["Ақтөбе"])

    response = editor_client.get("/admin/articles/tag/", {"q": "АҚТӨ"})

    assert [t.name for t in response.context["cl"].result_list] == ["Ақтөбе"]


def test_journalist_may_not_merge_or_delete_tags(journalist_client):
    make_article(tags=["Бір", "Екі"])
    ids = list(Tag.objects.values_list("pk", flat=True))

    journalist_client.post(
        "/admin/articles/tag/",
        {"action": "merge_tags", "_selected_action": ids, "apply": "1", "target": ids[0]},
    )
    journalist_client.post(
        "/admin/articles/tag/", {"action": "delete_unused_tags", "_selected_action": ids}
    )

    assert Tag.objects.count() == 2
    assert (
        journalist_client.post(f"/admin/articles/tag/{ids[0]}/change/", {"name": "Үш"}).status_code
        == 403
    )
