import pytest


@pytest.fixture(autouse=True)
def _plain_public_site(settings):
    """The defaults an outside test sees: Kazakh interface, no SITE_URL, a real host."""
    settings.LANGUAGE_CODE = "kk"
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["testserver", "news.example.kz"]
