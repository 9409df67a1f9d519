"""The restitution editor in a browser: a text saved with htmx swaps only its section
(the page is not reloaded, no Content-Security-Policy violation), and is still there
after a reload."""

import pytest

from tests.e2e.screens import ACTION_TIMEOUT_MS, sign_in
from tests.e2e.test_csp import READ_VIOLATIONS, WATCH_VIOLATIONS

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_saves_a_text_in_place_and_keeps_it(chromium_path, workshop, daphne, browser):
    path = f"/w/{workshop.pk}/report/"
    context = browser.new_context(base_url=daphne.url, locale="fr-FR")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(WATCH_VIOLATIONS)
    sign_in(page, path)
    page.evaluate("window.notReloaded = true")
    form = page.locator("#conclusion form")
    form.locator("textarea[name=text]").fill("Prochaine rencontre en juin.")
    form.locator("button[type=submit]").first.click()
    expect(page.locator("#conclusion .organiser-text > p")).to_have_text(
        "Prochaine rencontre en juin."
    )
    assert page.evaluate("window.notReloaded === true")  # swapped in, not navigated
    assert page.evaluate(READ_VIOLATIONS) == []  # htmx ran under the page's policy
    expect(page.locator("#conclusion form button[name=reset]")).to_be_visible()
    page.reload()
    expect(page.locator("#conclusion .organiser-text > p")).to_have_text(
        "Prochaine rencontre en juin."
    )
    context.close()
