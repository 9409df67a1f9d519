"""One pager for every projector view that pages by itself (static/js/pager.js): the
baskets' view turns with the board's keys (→ ← and a presenter's PageDown PageUp, the
browser's own shortcuts left alone), a page turned by hand keeps its full 20 s, and Space
pauses, saying so on the pager's line. The time is the page's own fake clock, paused once
the view is laid out: only run_for() moves it, however loaded the machine."""

import re

import pytest
from django.utils import timezone

from tests.conftest import goto
from tests.e2e.screens import ACTION_TIMEOUT_MS, sign_in
from workshops.models import Phase

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROTATE_MS = 20_000  # static/js/pager.js
MARGIN_MS = 5_000


@pytest.fixture
def negotiation(workshop) -> int:
    """Three tables in the negotiation: the all-tables view shows one table a page."""
    return goto(workshop, Phase.Kind.NEGOTIATION, timezone.now()).pk


def test_it_turns_the_baskets_with_the_boards_keys_and_gives_a_turned_page_its_full_time(
    chromium_path, negotiation, daphne, browser
):
    context = browser.new_context(
        base_url=daphne.url, viewport={"width": 1280, "height": 720}, locale="fr-FR"
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.clock.install()
    sign_in(page, f"/w/{negotiation}/baskets/tables/")
    screen = page.locator("#baskets-screen")
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(screen).to_have_attribute("data-pages", re.compile(r"\d+"))
    page.wait_for_load_state("networkidle")
    page.clock.pause_at(page.evaluate("Date.now()") + 1_000)
    count = int(screen.get_attribute("data-pages"))
    assert count >= 3  # a table a page at least
    start = int(screen.get_attribute("data-page"))

    def turned(pages: int) -> str:
        return str((start - 1 + pages) % count + 1)

    page.keyboard.press("Home")  # the presenter's key: nothing here
    expect(screen).to_have_attribute("data-page", turned(0))
    page.keyboard.press("PageDown")
    expect(screen).to_have_attribute("data-page", turned(1))
    page.keyboard.press("ArrowRight")
    expect(screen).to_have_attribute("data-page", turned(2))
    page.keyboard.press("PageUp")
    expect(screen).to_have_attribute("data-page", turned(1))
    page.keyboard.press("Control+ArrowRight")  # the browser's, not the pager's
    page.keyboard.press("ArrowLeft")
    expect(screen).to_have_attribute("data-page", turned(0))

    # Turned by hand just now: it stays its whole 20 s, then the next one comes.
    page.clock.run_for(ROTATE_MS - MARGIN_MS)
    expect(screen).to_have_attribute("data-page", turned(0))
    page.clock.run_for(MARGIN_MS)
    expect(screen).to_have_attribute("data-page", turned(1))

    # Paused: no page turns, and the pager's line says so until Space again.
    pager = page.locator("#baskets-pager")
    paused = pager.get_attribute("data-paused")
    page.keyboard.press("Space")
    expect(pager).to_contain_text(paused)
    page.clock.run_for(3 * ROTATE_MS)
    expect(screen).to_have_attribute("data-page", turned(1))
    page.keyboard.press("Space")
    expect(pager).not_to_contain_text(paused)
    page.clock.run_for(ROTATE_MS)
    expect(screen).to_have_attribute("data-page", turned(2))
    context.close()
