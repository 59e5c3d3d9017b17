import pytest


@pytest.fixture(autouse=True)
def _own_content_generation(settings, tmp_path_factory):
    """A stamp of our own: other test runs on the machine bump the shared one mid-request."""
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path_factory.getbasetemp() / "pages.stamp")


@pytest.fixture(autouse=True)
def _kazakh_interface(settings):
    """Pages speak the default language unless a test asks otherwise."""
    settings.LANGUAGE_CODE = "kk"
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["testserver", "news.example.kz"]
