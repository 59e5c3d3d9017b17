"""The admin's article form still works in a real browser under the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-pass-12345"
# Collected before any page script runs; CSP reports every blocked script or style here.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def admin_page(browser, live_server):
    # A superuser: transactional tests start without the groups the migrations create.
    make_user(None, username="aigul", password=PASSWORD, is_staff=True, is_superuser=True)
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "aigul")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/articles/article/add/")
    page.wait_for_load_state("load")
    yield page
    context.close()


def test_the_article_form_scripts_run_and_nothing_is_blocked(admin_page):
    page = admin_page
    # The rich-text editor (modules named by the hashed import map) replaced its textarea.
    page.wait_for_selector(".prose-editor")
    # The tags field became select2 (admin-tag-autocomplete.js).
    page.wait_for_selector(".tag-autocomplete .select2-container")
    # The slug follows the title, transliterated (admin-slug-transliteration.js).
    title = page.locator("#id_title")
    title.fill("Қала әкімі")
    title.dispatch_event("change")  # Django's prepopulate listens to keyup and change
    # expect() polls from Python: wait_for_function would eval(), which the policy forbids.
    expect(page.locator("#id_slug")).to_have_value("qala-akimi")
    assert page.evaluate("window.__violations") == []


def test_the_public_site_runs_its_scripts_without_a_violation(browser, live_server):
    from tests.factories import make_article

    article = make_article(region=None)
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("load")
    assert page.evaluate("window.__violations") == []
    context.close()


def test_the_two_factor_set_up_page_shows_its_qr_code(admin_page):
    page = admin_page
    page.goto("/admin/two-factor/")
    qr = page.locator(".two-factor-qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 200  # sized by admin.css, not a style attribute
    assert page.evaluate("window.__violations") == []
