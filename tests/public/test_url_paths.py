"""core.links.path_for builds exactly what reverse() builds, or refuses what it refuses."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.links import path_for

SLUGS = ["almaty", "su-tasqyny-2026", "Алматы", "a b%c?d#e", "~:@!$&'()*+,;=", "9876543210"]


@pytest.mark.parametrize("slug", SLUGS)
def test_story_paths_match_reverse(slug):
    for pk in (1, 42, 987654321, 10**12):
        expected = reverse("articles:detail", kwargs={"pk": pk, "slug": slug})
        assert path_for("articles:detail", pk=pk, slug=slug) == expected


@pytest.mark.parametrize("name", ["articles:tag", "authors:detail", "regions:detail"])
@pytest.mark.parametrize("slug", SLUGS)
def test_slug_paths_match_reverse(name, slug):
    assert path_for(name, slug=slug) == reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize("slug", ["", "a/b"])
def test_what_reverse_refuses_is_refused(slug):
    with pytest.raises(NoReverseMatch):
        path_for("articles:tag", slug=slug)


def test_a_script_prefix_is_followed():
    set_script_prefix("/portal/")
    try:
        assert path_for("articles:tag", slug="su") == "/portal/tags/su/"
    finally:
        set_script_prefix("/")
