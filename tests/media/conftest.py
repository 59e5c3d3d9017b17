import pytest

from tests.factories import make_user


@pytest.fixture
def editor(db):
    return make_user("Editor", first_name="Айгүл", last_name="Редактор")


@pytest.fixture
def journalist(db):
    return make_user("Journalist", first_name="Ермек", last_name="Сахариев")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def journalist_client(client, journalist):
    client.force_login(journalist)
    return client
