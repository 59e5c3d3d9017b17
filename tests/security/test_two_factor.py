"""Two-factor authentication (django-otp TOTP): enrolment, verification, enforcement."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user
from tests.test_settings import PRODUCTION, settings_of

pytestmark = pytest.mark.django_db

SETUP = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"
ADD_ARTICLE = "/admin/articles/article/add/"
PASSWORD = "right-password-123"


def code(device, offset=0) -> str:
    device.refresh_from_db()
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{(token + offset) % 10**device.digits:0{device.digits}d}"


def seconds_later(device):
    # A wrong code makes the device refuse every code for a second, doubling each time.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


@pytest.fixture
def editor():
    return make_user("Editor", password=PASSWORD)


def test_an_editor_enrols_by_scanning_and_confirming_one_code(client, editor):
    client.force_login(editor)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "otpauth://totp/" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert client.get(SETUP).context["otpauth_uri"] == device.config_url  # same key on reload

    wrong = client.post(SETUP, {"token": code(device, offset=1)})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    seconds_later(device)

    done = client.post(SETUP, {"token": code(device), "next": ADD_ARTICLE})
    assert done.status_code == 302 and done["Location"] == ADD_ARTICLE
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADD_ARTICLE).status_code == 200  # this session is verified


def test_the_setting_is_off_by_default_and_env_turns_it_on(tmp_path):
    name = ["OTP_REQUIRED_FOR_EDITORS"]
    assert settings_of(tmp_path, name, **PRODUCTION) == {name[0]: False}
    assert settings_of(tmp_path, name, **PRODUCTION, OTP_REQUIRED_FOR_EDITORS="1") == {
        name[0]: True
    }


def test_when_off_an_editor_without_a_device_works_as_before(client, editor):
    client.force_login(editor)
    assert client.get(ADD_ARTICLE).status_code == 200


def test_when_required_editors_and_superusers_must_enrol_before_any_admin_page(
    client, editor, settings
):
    settings.OTP_REQUIRED_FOR_EDITORS = True
    superuser = make_user(None, is_staff=True, is_superuser=True)
    for user in (editor, superuser):
        client.force_login(user)
        for url in ("/admin/", ADD_ARTICLE, "/admin/articles/article/"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(SETUP + "?next=")
        assert client.get(SETUP).status_code == 200
        assert client.get(SETUP).context["required"] is True


def test_when_required_a_journalist_is_not_forced(client, settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True
    client.force_login(make_user("Journalist"))
    assert client.get(ADD_ARTICLE).status_code == 200


def test_an_enrolled_account_gives_a_code_at_every_new_session(client, editor):
    device = confirmed_device(editor)
    client.force_login(editor)  # the password step only

    response = client.get(ADD_ARTICLE)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=")

    wrong = client.post(VERIFY, {"token": code(device, offset=1), "next": ADD_ARTICLE})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get(ADD_ARTICLE).status_code == 302
    seconds_later(device)

    right = client.post(VERIFY, {"token": code(device), "next": ADD_ARTICLE})
    assert right.status_code == 302 and right["Location"] == ADD_ARTICLE
    assert client.get(ADD_ARTICLE).status_code == 200


def test_right_after_a_wrong_code_even_the_right_one_is_refused(client, editor):
    device = confirmed_device(editor)
    client.force_login(editor)
    client.post(VERIFY, {"token": code(device, offset=1)})
    assert client.post(VERIFY, {"token": code(device)}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_used_code_cannot_be_replayed_in_another_session(client, editor):
    device = confirmed_device(editor)
    token = code(device)
    client.force_login(editor)
    assert client.post(VERIFY, {"token": token})["Location"] == "/admin/"

    client.logout()
    client.force_login(editor)
    replay = client.post(VERIFY, {"token": token})
    assert replay.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_the_password_alone_cannot_add_a_second_device(client, editor):
    confirmed_device(editor)
    client.force_login(editor)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_an_offsite_next_is_ignored(client, editor):
    device = confirmed_device(editor)
    client.force_login(editor)
    response = client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_the_two_factor_pages_need_a_staff_login(client):
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_whole_login_with_password_then_code(client, editor, settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True
    device = confirmed_device(editor)
    login = client.post(
        "/admin/login/",
        {"username": editor.username, "password": PASSWORD, "next": ADD_ARTICLE},
        REMOTE_ADDR="10.0.0.5",
    )
    assert login.status_code == 302 and login["Location"] == ADD_ARTICLE
    gate = client.get(ADD_ARTICLE)
    assert gate["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"token": code(device), "next": ADD_ARTICLE}).status_code == 302
    assert client.get(ADD_ARTICLE).status_code == 200


def test_the_admin_header_links_to_the_two_factor_page(client, editor):
    client.force_login(editor)
    assert f'href="{SETUP}"' in client.get("/admin/").content.decode()


def test_the_set_up_page_speaks_kazakh_and_russian(client, editor):
    client.force_login(editor)
    assert "Екі факторлы аутентификацияны баптау" in client.get(SETUP).content.decode()
    client.cookies["django_language"] = "ru"
    assert "Настройка двухфакторной аутентификации" in client.get(SETUP).content.decode()
