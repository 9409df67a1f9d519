"""The projector follows the workshop into the negotiation by itself (issues 8 and 9): the
grids in the formulation, every table's baskets (a table a page) once the facilitator
moves to the negotiation, the grids again when they move back; and the console or the
projector's keys switch it to a pair of territories and back to the join screen, all live,
nobody touching the projector. Each screen fits 1920×1080 and 1024×768.

Elements are found by id, class, value and data attributes, not by interface text.
Every database read happens before Playwright starts. Fixture order: ``chromium_path``
first, ``browser`` last, after every database write.
"""

import re

import pytest

from tests.e2e.screens import ACTION_TIMEOUT_MS, settled, sign_in, to_front
from workshops.models import Phase, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [{"width": 1920, "height": 1080}, {"width": 1024, "height": 768}]

# Every element on show inside the screen; the page does not scroll. The lines of links
# (the grids' and the baskets') scroll sideways when long: their links are not the room's;
# the QR code's own shapes are measured as its <svg>.
MEASURE = """() => {
  const out = [];
  const vw = window.innerWidth, vh = window.innerHeight;
  for (const el of document.querySelectorAll("#live *:not(.baskets-nav *, .table-nav *, svg *)")) {
    if (!el.getClientRects().length) continue;  // not displayed
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
      out.push((el.id || el.className || el.tagName) + " " + JSON.stringify(r.toJSON()));
    }
  }
  const root = document.documentElement;
  return {outside: out, scrolls: root.scrollHeight > vh || root.scrollWidth > vw};
}"""


@pytest.fixture
def room(workshop):
    """Open, its first phase (formulation) running; the pair BM ↔ COB."""
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.OPEN)
    territories = {t.short_name: t.pk for t in workshop.territories.all()}
    phases = dict(workshop.phases.values_list("kind", "pk"))
    return {
        "pk": workshop.pk,
        "pair": f"pair:{territories['BM']}-{territories['COB']}",
        "pair_path": f"/baskets/pairs/{territories['BM']}/{territories['COB']}/",
        "formulation": phases[Phase.Kind.FORMULATION],
        "negotiation": phases[Phase.Kind.NEGOTIATION],
    }


def screens(browser, base_url, pk, viewport):
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="fr-FR")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    projector = context.new_page()
    sign_in(projector, f"/w/{pk}/projector/")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    console = context.new_page()
    console.goto(f"/w/{pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    return projector, console


def assert_fits(page, where: str) -> None:
    """Measured once the layout has settled: the content is fetched again when the socket
    opens, and the screen's script arranges it at the next frame (``settled``); measured
    again a few times if a late swap (a fragment the server sent meanwhile) moved it."""
    for attempt in range(10):
        if attempt:
            page.wait_for_timeout(300)
        settled(page)
        measured = page.evaluate(MEASURE)
        if not measured["scrolls"] and not measured["outside"]:
            return
    assert not measured["scrolls"], where
    assert not measured["outside"], (where, measured["outside"][:5])


def grids_up(projector) -> None:
    expect(projector.locator("#live")).to_have_attribute("data-follow", "board")
    expect(projector.locator("#board .table-grid").first).to_be_visible()


def baskets_up(projector) -> None:
    expect(projector).to_have_url(re.compile(r"/baskets/tables/\?follow=1$"))
    expect(projector.locator("#live")).to_have_attribute("data-follow", "baskets")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    expect(projector.locator(".screen-table:not([hidden])")).to_have_count(1)
    # No transaction yet: the table's baskets are named on one line, none drawn empty.
    # (Counted, and so waited for: a layout under way may show every table for a moment.)
    shown = ".screen-table:not([hidden]) .screen-empty-baskets:not([hidden])"
    expect(projector.locator(shown)).to_have_count(1)


def shown_table(projector) -> str:
    """The table on show, once laid out: content fetched again (as the socket opens) shows
    every table for a moment, until screens.js lays it out; counting waits for that."""
    tables = projector.locator(".screen-table:not([hidden])")
    expect(tables).to_have_count(1)
    return tables.first.get_attribute("data-table")


def table_on_show(projector, number: str) -> None:
    expect(projector.locator(f".screen-table[data-table='{number}']:not([hidden])")).to_be_visible()
    expect(projector.locator(".screen-table:not([hidden])")).to_have_count(1)


def clock(console, *, command: str = "", phase: int | None = None) -> None:
    to_front(console)
    with console.expect_response(lambda r: r.url.endswith("/clock/") and r.ok):
        if phase is not None:
            console.locator(f"#console-phases li[data-phase-id='{phase}'] button").click()
        else:
            console.locator(f"button[name=command][value={command}]").click()


def switch(console, value: str) -> None:
    to_front(console)
    button = console.locator(f"#console-projector button[value='{value}']")
    with console.expect_response(lambda r: r.url.endswith("/projector/view/") and r.ok):
        button.click()
    expect(console.locator(f"#console-projector button[value='{value}']")).to_have_attribute(
        "aria-pressed", "true"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_the_projector_follows_the_workshop_into_the_baskets_and_switches_live(
    chromium_path, room, daphne, browser, viewport
):
    pk, size = room["pk"], f"{viewport['width']}×{viewport['height']}"
    projector, console = screens(browser, daphne.url, pk, viewport)
    grids_up(projector)
    assert_fits(projector, f"grids {size}")

    clock(console, command="next")  # the negotiation
    baskets_up(projector)
    pager = projector.locator("#baskets-pager")
    expect(pager).to_be_visible()  # three tables, one a page: "Table 1 sur 3"
    table_on_show(projector, "1")
    assert_fits(projector, f"every table's baskets {size}")
    for _page in range(6):  # a table's baskets may take more than one page on a small screen
        projector.keyboard.press("ArrowRight")
        if shown_table(projector) == "2":
            break
        assert_fits(projector, f"every table's baskets, table 1 continued {size}")
    table_on_show(projector, "2")
    assert_fits(projector, f"every table's baskets, page 2 {size}")

    switch(console, room["pair"])
    expect(projector).to_have_url(re.compile(re.escape(room["pair_path"]) + "$"))
    expect(projector.locator("#live")).to_have_attribute("data-view", room["pair"])
    expect(projector.locator(".pair-slot")).to_have_count(3)
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    assert_fits(projector, f"pair {size}")

    switch(console, "join")
    expect(projector).to_have_url(re.compile(rf"/w/{pk}/projector/$"))
    expect(projector.locator("#live")).to_have_class(re.compile(r"\bview-join\b"))
    expect(projector.locator("[data-testid=join-code]")).to_be_visible()
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    assert_fits(projector, f"join {size}")

    switch(console, "follow")
    baskets_up(projector)  # still the negotiation

    clock(console, phase=room["formulation"])  # back to the formulation: the grids again
    expect(projector).to_have_url(re.compile(rf"/w/{pk}/projector/\?view=follow$"))
    grids_up(projector)
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    clock(console, phase=room["negotiation"])
    baskets_up(projector)


def test_the_projector_s_keys_choose_the_baskets_and_the_pairs(
    chromium_path, room, daphne, browser
):
    pk = room["pk"]
    projector, _console = screens(browser, daphne.url, pk, VIEWPORTS[1])
    grids_up(projector)

    projector.keyboard.press("b")  # every table's baskets, stored: no follow
    expect(projector).to_have_url(re.compile(rf"/w/{pk}/baskets/tables/$"))
    expect(projector.locator("#live")).to_have_attribute("data-view", "baskets")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    projector.keyboard.press("b")  # then table by table
    expect(projector).to_have_url(re.compile(rf"/w/{pk}/baskets/tables/1/$"))
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    projector.keyboard.press("p")  # the first pair, then the next
    expect(projector).to_have_url(re.compile(re.escape(room["pair_path"]) + "$"))
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    projector.keyboard.press("p")
    expect(projector).to_have_url(re.compile(r"/baskets/pairs/\d+/\d+/$"))
    expect(projector).not_to_have_url(re.compile(re.escape(room["pair_path"]) + "$"))
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    projector.keyboard.press("?")
    expect(projector.locator("#projector-keys")).to_be_visible()
    projector.keyboard.press("Escape")

    projector.keyboard.press("j")
    expect(projector.locator("#live")).to_have_class(re.compile(r"\bview-join\b"))
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    projector.keyboard.press("f")
    grids_up(projector)
