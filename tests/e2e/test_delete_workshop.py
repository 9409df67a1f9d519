"""Deleting a workshop while a phone is still on it: a real Daphne and Chromium.

The owner deletes it from its page; the phone, without reloading, says that the
workshop no longer exists and stops its live connection; reloading answers the 404 page.
"""

import re

import pytest

from tests.conftest import subgroup_of
from tests.e2e.screens import PHONE, fill_join_form, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seat(workshop):
    """Read before Playwright starts: Django refuses ORM calls while its loop runs."""
    return subgroup_of(workshop, 1, "BM")


def test_a_phone_is_told_when_its_workshop_is_deleted(
    chromium_path, workshop, seat, daphne, browser
):
    code, pk = workshop.code, workshop.pk
    phone = browser.new_context(base_url=daphne.url, **PHONE).new_page()
    phone.goto(f"/j/{code}/")
    fill_join_form(phone, "Alice", seat.table_id, seat.territory_id)

    laptop = browser.new_context(base_url=daphne.url, locale="fr-FR").new_page()
    sign_in(laptop, f"/w/{pk}/setup/")
    laptop.locator(f"a[href='/w/{pk}/delete/']").click()
    expect(laptop.locator(".deletion-parts li").first).to_be_visible()
    laptop.fill("#delete-confirmation", code.lower())
    laptop.locator(".danger-zone button[type=submit]").click()
    expect(laptop).to_have_url(re.compile(r"/w/$"))
    expect(laptop.locator(".messages")).to_contain_text("Atelier paniers")

    banner = phone.locator("#request-problem[data-final]")
    expect(banner).to_be_visible()
    expect(phone.locator("body")).to_have_attribute("data-live", "off")
    said = banner.inner_text()
    assert said.startswith("Cet atelier n")
    # What the phone sends now is refused (404): the banner keeps its word.
    phone.locator("#postit-form textarea[name=text]").fill("Trop tard")
    with phone.expect_response(lambda response: response.request.method == "POST") as sent:
        phone.locator("#postit-form [type=submit]").click()
    assert sent.value.status == 404
    expect(banner).to_have_text(said)
    assert phone.reload().status == 404
