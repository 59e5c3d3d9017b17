"""Newsroom people for the security tests, each with a client of their own.

The people come from tests/conftest.py; here each gets a client of their own, so that two
roles can act in one test.
"""

import pytest
from django.test import Client

from tests.factories import make_user


@pytest.fixture
def other_journalist(db):
    return make_user("Journalist", first_name="Дана", last_name="Бекова")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def journalist_client(journalist):
    return _client_for(journalist)


@pytest.fixture
def other_journalist_client(other_journalist):
    return _client_for(other_journalist)
