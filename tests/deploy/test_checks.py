"""`check --deploy` says so when app servers would not share their state."""

import pytest
from django.core.checks import run_checks

from tests.test_settings import PRODUCTION, run


def deploy_check_ids() -> set[str]:
    return {message.id for message in run_checks(tags=["deploy"], include_deployment_checks=True)}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.REDIS_URL = ""
    settings.AWS_STORAGE_BUCKET_NAME = ""
    return settings


def test_production_without_redis_or_a_bucket_is_warned_about_both(production):
    assert deploy_check_ids() == {"portal.W001", "portal.W002"}


def test_redis_and_a_bucket_satisfy_the_checks(production):
    production.REDIS_URL = "redis://127.0.0.1:6379/0"
    production.AWS_STORAGE_BUCKET_NAME = "news-media"

    assert deploy_check_ids() == set()


def test_development_is_not_warned(settings):
    settings.DEBUG = True
    settings.REDIS_URL = ""

    assert deploy_check_ids() == set()


def test_check_deploy_names_redis_for_several_app_servers(tmp_path):
    result = run(["manage.py", "check", "--deploy"], PRODUCTION, tmp_path)

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "portal.W001" in output
    assert "several app servers need redis" in output.lower()


def test_a_single_host_silences_them_from_the_environment(tmp_path):
    env = {**PRODUCTION, "SILENCED_SYSTEM_CHECKS": "portal.W001,portal.W002"}
    result = run(["manage.py", "check", "--deploy"], env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert "portal.W00" not in result.stdout + result.stderr
