"""The HTTPS switches are 0/1 switches (README "Configuration")."""

import pytest

from tests.test_settings import PRODUCTION, settings_of


@pytest.mark.parametrize("value", ["1", "on", "true"])
def test_hsts_switched_on_with_1_means_a_year_not_one_second(tmp_path, value):
    values = settings_of(tmp_path, ["SECURE_HSTS_SECONDS"], **PRODUCTION, SECURE_HSTS_SECONDS=value)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_hsts_switch_1_turns_it_on_even_in_development(tmp_path):
    values = settings_of(tmp_path, ["SECURE_HSTS_SECONDS"], DEBUG="1", SECURE_HSTS_SECONDS="1")
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_hsts_accepts_an_explicit_number_of_seconds(tmp_path):
    values = settings_of(tmp_path, ["SECURE_HSTS_SECONDS"], **PRODUCTION, SECURE_HSTS_SECONDS="600")
    assert values["SECURE_HSTS_SECONDS"] == 600
