"""The console on a facilitator's laptop (1440×900): the tables overview is in sight on
load, beside the clock controls and the phase list, and every control is a 44×44 px
target at least; in the negotiation and the conditions, the baskets panel comes first and
is in sight on load. Elements are found by id, class and data attributes, never by text."""

import pytest
from django.utils import timezone

from territories.models import Territory
from tests.baskets.screen_helpers import give
from tests.conftest import basket_of, goto
from tests.e2e.screens import ACTION_TIMEOUT_MS, sign_in
from tests.e2e.test_console_clock import make_room, room_of
from tests.e2e.test_phone_controls import MEASURE, MIN_TARGET
from workshops import phases, services
from workshops.models import Phase, Workshop

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


# Issue 16: in the negotiation the baskets are what the facilitator watches.
LONG_TERRITORIES = [
    ("Brest Métropole", "BM"),
    ("Pays Centre Ouest Bretagne", "COB"),
    ("Communauté de communes du Kreiz-Breizh", "CCKB"),
    ("Loudéac Communauté Bretagne Centre", "LCBC"),
]
BOXES_OF = """([title, first]) => [
  document.querySelector(title).getBoundingClientRect().toJSON(),
  document.querySelector(first).getBoundingClientRect().toJSON(),
]"""
# The phase's own panel: its heading, then what the facilitator uses first in it.
PHASE_PANEL = {
    "negotiation": ("#console-baskets-title", "#console-baskets tbody tr"),
    "conditions": ("#console-baskets-title", "#console-baskets tbody tr"),
    "plenary": ("#console-plenary-title", "#presenter-next"),
}


@pytest.fixture(params=list(PHASE_PANEL))
def baskets_phase(request, owner) -> tuple[int, str]:
    """4 territories with long names × 4 tables, a few transactions at every table (the
    issue's room), in the negotiation, then in the conditions (the same panel, each basket
    with its verdict and conditions), then in the plenary (the moderation's panel first,
    the baskets' next)."""
    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays")
        for name, short in LONG_TERRITORIES
    ]
    workshop = services.workshop_create(
        created_by=owner, title="Atelier 4 × 4", territories=territories, table_count=4
    )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, timezone.now())
    for table in range(1, 5):
        give(basket_of(workshop, table, "BM", "COB"), "BM", "Bois-énergie local", value=4)
        give(basket_of(workshop, table, "BM", "CCKB"), "CCKB", "Méthanisation", effort=2)
    if request.param != "negotiation":
        workshop = goto(workshop, request.param)
    return workshop.pk, request.param


def test_it_shows_the_phase_panel_on_load_from_the_negotiation_on(
    chromium_path, baskets_phase, daphne, browser
):
    pk, kind = baskets_phase
    title_selector, first_selector = PHASE_PANEL[kind]
    context = browser.new_context(base_url=daphne.url, viewport=LAPTOP, locale="fr-FR")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    console = context.new_page()
    sign_in(console, f"/w/{pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    expect(console.locator(title_selector)).to_be_in_viewport(ratio=1)
    expect(console.locator(first_selector).first).to_be_in_viewport(ratio=1)
    assert console.evaluate("window.scrollY") == 0

    # Read at once: the panel comes back with the tables' refresh (innerHTML).
    title, first = console.evaluate(BOXES_OF, [title_selector, first_selector])
    assert 0 <= title["top"] < first["top"], (title, first)
    assert first["bottom"] <= LAPTOP["height"] and first["right"] <= LAPTOP["width"], first
    assert console.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    # The rest is still there, below: the tables' presence and post-its, the phase list.
    for selector in ("#console-tables > .console-tables tbody tr", ".console-phases"):
        assert console.locator(selector).first.is_visible(), selector
    if kind == "plenary":  # the baskets come after the moderation
        plenary, baskets = console.evaluate(BOXES_OF, ["#console-plenary", "#console-baskets"])
        assert plenary["bottom"] <= baskets["top"], (plenary, baskets)
    context.close()
