"""Failed admin logins lock out one user name from one address for a while (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "right-password-123"
OFFICE = "10.1.2.3"


@pytest.fixture
def editor():
    return make_user("Editor", username="aigul", password=PASSWORD)


def attempt(client, password, *, username="aigul", ip=OFFICE, **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **extra,
    )


def fail(client, times, **kwargs):
    for _ in range(times):
        response = attempt(client, "wrong-password", **kwargs)
        assert response.status_code in (200, 429)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_works_after_a_few_mistakes(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    response = attempt(client, PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_after_the_limit_even_the_right_password_is_refused_with_a_clear_page(
    client, editor, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(client, 5)
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Сәтсіз кіру әрекеттері тым көп" in page  # Kazakh, the site's default
    assert "15 минутқа" in page


def test_the_lockout_page_speaks_the_readers_language(client, editor):
    client.cookies["django_language"] = "ru"
    fail(client, 5)
    page = attempt(client, PASSWORD).content.decode()
    assert "Слишком много неудачных попыток входа" in page
    assert "15 минут" in page


def test_the_lockout_is_for_the_pair_of_user_name_and_address(client, editor):
    make_user("Journalist", username="ermek", password=PASSWORD)
    fail(client, 5)
    assert attempt(client, PASSWORD, ip="10.9.9.9").status_code == 302
    client.logout()
    assert attempt(client, PASSWORD, username="ermek").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, editor, settings):
    fail(client, 5)
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert attempt(client, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_is_ignored_by_default(client, editor):
    for n in range(5):
        attempt(client, "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_behind_a_proxy_the_configured_header_names_the_client(client, editor, settings):
    settings.LOGIN_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = "127.0.0.1"
    # The client may prepend anything; the proxy appends the address it saw, last.
    fail(client, 5, ip=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")
    locked = attempt(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.7")
    assert locked.status_code == 429
    other = attempt(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_an_editor_can_unlock_and_a_journalist_cannot(client, editor):
    fail(client, 5)
    assert attempt(client, PASSWORD).status_code == 429
    attempt_row = AccessAttempt.objects.get()

    colleague = make_user("Journalist")
    client.force_login(colleague)
    assert client.get("/admin/axes/accessattempt/").status_code == 403

    unlocker = make_user("Editor")
    client.force_login(unlocker)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    delete_url = f"/admin/axes/accessattempt/{attempt_row.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()

    client.logout()
    assert attempt(client, PASSWORD).status_code == 302
