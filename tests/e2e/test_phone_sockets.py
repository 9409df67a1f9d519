"""A phone's sockets are capped (SOCKETS_PER_PARTICIPANT): two tabs both stay live, a tab
over the cap is refused at the handshake, and comes live by itself once another closes
(htmx's ws extension takes the refusal as a dropped connection, with paniers.js's back-off).
"""

import pytest

from tests.conftest import subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, PHONE, RECONNECT_TIMEOUT_MS, fill_join_form

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seat(workshop):
    """Read before the browser's event loop runs."""
    subgroup = subgroup_of(workshop, 1, "BM")
    return subgroup.table_id, subgroup.territory_id


def live(page):
    return page.locator("body")


def test_two_tabs_stay_live_and_a_tab_over_the_cap_comes_live_once_one_closes(
    chromium_path, workshop, seat, daphne_factory, browser
):
    server = daphne_factory(env={"SOCKETS_PER_PARTICIPANT": "2"})
    context = browser.new_context(base_url=server.url, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    first = context.new_page()
    first.goto(f"/j/{workshop.code}/")
    fill_join_form(first, "Alice", *seat)

    second = context.new_page()
    second.goto(f"/j/{workshop.code}/")
    expect(live(second)).to_have_attribute("data-live", "on")
    expect(live(first)).to_have_attribute("data-live", "on")

    third = context.new_page()
    third.goto(f"/j/{workshop.code}/")
    expect(live(third)).to_have_attribute("data-live", "off")  # refused: over the cap
    expect(live(second)).to_have_attribute("data-live", "on")

    first.close()
    expect(live(third)).to_have_attribute("data-live", "on", timeout=RECONNECT_TIMEOUT_MS)
    context.close()
