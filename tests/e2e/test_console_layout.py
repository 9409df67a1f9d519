"""The console on a facilitator's laptop (1440×900): the tables overview is in sight on
load, beside the clock controls and the phase list, and every control is a 44×44 px
target at least. Elements are found by id, class and data attributes, never by text."""

import pytest

from tests.e2e.screens import ACTION_TIMEOUT_MS, sign_in
from tests.e2e.test_console_clock import make_room, room_of
from tests.e2e.test_phone_controls import MEASURE, MIN_TARGET
from workshops import phases

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1440, "height": 900}  # issue 8: a facilitator's laptop
BOXES = """() => [
  document.querySelector("#console-tables tbody tr").getBoundingClientRect().toJSON(),
  document.querySelector(".console-tables-box h2").getBoundingClientRect().top,
]"""
CONTROLS = "a[href], button, summary, select, input:not([type=hidden])"


@pytest.fixture(params=["waiting", "running"])
def any_room(request, owner, territories):
    """The demo's 3 tables × 3 territories, before the first phase (one big "start"
    button) and while one runs (every control)."""
    workshop = make_room(owner, territories)
    if request.param == "running":
        workshop = phases.clock_command(workshop, phases.ClockCommand.START)
    return room_of(workshop)


def test_it_shows_the_first_table_without_scrolling(chromium_path, any_room, daphne, browser):
    context = browser.new_context(base_url=daphne.url, viewport=LAPTOP, locale="fr-FR")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    console = context.new_page()
    sign_in(console, f"/w/{any_room.pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    first_table = console.locator("#console-tables tbody tr").first
    heading = console.locator(".console-tables-box h2")
    expect(first_table).to_be_in_viewport(ratio=1)
    expect(heading).to_be_in_viewport(ratio=1)
    assert console.evaluate("window.scrollY") == 0

    # Read at once: the tables refresh themselves (innerHTML) as the socket opens.
    row, top = console.evaluate(BOXES)
    assert 0 <= top < row["top"], (top, row)
    assert row["top"] >= 0 and row["bottom"] <= LAPTOP["height"], row
    assert row["left"] >= 0 and row["right"] <= LAPTOP["width"], row
    assert console.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0

    small = [
        control
        for control in console.evaluate(MEASURE, CONTROLS)
        if control["width"] < MIN_TARGET or control["height"] < MIN_TARGET
    ]
    assert small == [], small
    context.close()
