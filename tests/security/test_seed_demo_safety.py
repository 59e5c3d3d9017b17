"""seed_demo is for development: it refuses DEBUG=0 and never touches an existing account."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_it_refuses_to_run_with_debug_off(settings, media_root):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", articles=0, verbosity=0)
    assert not User.objects.filter(username__in=["editor", "journalist"]).exists()
    assert not Article.objects.exists()


def test_allow_production_runs_it_anyway(settings, media_root):
    settings.DEBUG = False
    call_command("seed_demo", "--allow-production", articles=0, verbosity=0)
    assert User.objects.filter(username="editor").exists()


def test_an_existing_accounts_password_and_groups_are_left_alone(settings, media_root):
    settings.DEBUG = True
    editor = User.objects.create_user("editor", password="my-own-strong-password")
    journalist = User.objects.create_user("journalist", password="another-own-password")
    journalist.groups.add(Group.objects.get(name="Editor"))

    call_command("seed_demo", articles=0, verbosity=0)

    editor.refresh_from_db()
    journalist.refresh_from_db()
    assert editor.check_password("my-own-strong-password")
    assert not editor.check_password("editor-demo-2024")
    assert not editor.is_staff and not editor.groups.exists()
    assert journalist.check_password("another-own-password")
    assert list(journalist.groups.values_list("name", flat=True)) == ["Editor"]


def test_a_second_run_does_not_reset_a_changed_demo_password(settings, media_root):
    settings.DEBUG = True
    call_command("seed_demo", articles=0, verbosity=0)
    editor = User.objects.get(username="editor")
    editor.set_password("changed-after-the-demo")
    editor.save()

    call_command("seed_demo", articles=0, verbosity=0)

    editor.refresh_from_db()
    assert editor.check_password("changed-after-the-demo")
