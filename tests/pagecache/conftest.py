import pytest


@pytest.fixture(autouse=True)
def _own_page_cache_stamp(settings, tmp_path):
    """Each test has its own generation stamp: other test runs on the machine bump theirs."""
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "pages.stamp")
    settings.PAGE_CACHE_SECONDS = 30
