"""What the projector shows changes without anyone touching it (issue 8): it follows the
workshop (join screen, then the board when phase 1 starts), the console switches it live,
its own keyboard does too, it pages through tables every 20 s (Space pauses), and its join
screen counts the people who join, as they join.

Time is driven by Playwright's clock (``page.clock``), never waited for. Elements are
found by id, class, name, value and data attributes, not by interface text. Fixture
order: ``chromium_path`` first, ``browser`` last, after every database write.
"""

import re

import pytest

from territories.models import Territory
from tests.conftest import subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, PHONE, fill_join_form, sign_in
from tests.e2e.test_projector_fit import TERRITORIES, make_workshop
from workshops.models import Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROTATE_MS = 20_000
XGA = {"width": 1024, "height": 768}  # one 3-territory table a page: three pages


@pytest.fixture
def rooms(owner):
    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays")
        for name, short in TERRITORIES[:3]
    ]
    waiting = make_workshop(owner, territories, 3, started=False)
    workshop = Workshop.objects.get(pk=waiting)
    seat = subgroup_of(workshop, 2, "PdB")
    return {
        "waiting": waiting,
        "code": workshop.code,
        "seat": (seat.table_id, seat.territory_id),
        "running": make_workshop(owner, territories, 3),
        "sheet": territories[0],
    }


def laptop(browser, base_url, path, viewport=XGA, clock=False):
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="fr-FR")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    if clock:
        page.clock.install()
    sign_in(page, path)
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    return page


def has_class(name: str):
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def join_screen_up(page) -> None:
    expect(page.locator("[data-testid=join-code]")).to_be_visible()
    expect(page.locator("#board")).to_be_hidden()


def board_up(page) -> None:
    expect(page.locator("#board")).to_be_visible()
    expect(page.locator(".join-url")).to_be_hidden()


def test_the_join_screen_counts_who_joins_and_gives_way_when_phase_one_starts(
    chromium_path, rooms, daphne, browser
):
    pk = rooms["waiting"]
    projector = laptop(browser, daphne.url, f"/w/{pk}/projector/")
    join_screen_up(projector)
    expect(projector.locator("#join-count")).to_have_text("0")

    phone = browser.new_context(base_url=daphne.url, **PHONE).new_page()
    phone.goto(f"/j/{rooms['code']}/")
    fill_join_form(phone, "Yann", *rooms["seat"])

    expect(projector.locator("#join-count")).to_have_text("1")  # live, no reload
    console = projector.context.new_page()
    console.goto(f"/w/{pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    with console.expect_response(lambda r: r.url.endswith("/clock/") and r.ok):
        console.locator(".clock-controls button[value=start]").click()

    board_up(projector)
    expect(projector.locator("#board .table-grid").first).to_be_visible()


def test_the_console_switches_the_projector_live(chromium_path, rooms, daphne, browser):
    pk = rooms["running"]
    projector = laptop(
        browser, daphne.url, f"/w/{pk}/projector/", viewport={"width": 1920, "height": 1080}
    )
    board_up(projector)
    # Every table on the board; at the 28 px floor, two 3-territory tables a page.
    expect(projector.locator("#board .table-grid")).to_have_count(3)
    expect(projector.locator("#board .table-grid:not([hidden])")).to_have_count(2)
    console = projector.context.new_page()
    console.goto(f"/w/{pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")

    def switch(value: str) -> None:
        with console.expect_response(lambda r: r.url.endswith("/projector/view/") and r.ok):
            console.locator(f"#console-projector button[value='{value}']").click()
        expect(console.locator(f"#console-projector button[value='{value}']")).to_have_attribute(
            "aria-pressed", "true"
        )

    switch("table:2")
    expect(projector.locator("#live")).to_have_class(has_class("view-table"))
    expect(projector.locator("#board .table-grid")).to_have_count(1)
    expect(projector.locator("#board .table-grid h2")).to_contain_text("2")

    switch("join")
    expect(projector.locator("#live")).to_have_class(has_class("view-join"))
    join_screen_up(projector)

    switch(f"sheet:{rooms['sheet'].pk}")
    expect(projector.locator(".projector-sheet h1")).to_have_text(rooms["sheet"].name)

    switch("follow")
    expect(projector.locator("#live")).to_have_class(has_class("view-follow"))
    board_up(projector)
    expect(projector.locator("#board .table-grid")).to_have_count(3)


def test_the_projector_s_own_keys_switch_it(chromium_path, rooms, daphne, browser):
    pk = rooms["running"]
    projector = laptop(browser, daphne.url, f"/w/{pk}/projector/")
    board_up(projector)

    projector.keyboard.press("j")
    expect(projector.locator("#live")).to_have_class(has_class("view-join"))
    join_screen_up(projector)
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    projector.keyboard.press("3")
    expect(projector.locator("#live")).to_have_class(has_class("view-table"))
    expect(projector.locator("#board .table-grid h2")).to_contain_text("3")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    projector.keyboard.press("a")
    expect(projector.locator("#live")).to_have_class(has_class("view-all"))
    expect(projector.locator("#board .table-grid")).to_have_count(3)
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    projector.keyboard.press("?")
    expect(projector.locator("#projector-keys")).to_be_visible()
    projector.keyboard.press("Escape")
    expect(projector.locator("#projector-keys")).to_be_hidden()

    projector.keyboard.press("f")
    expect(projector.locator("#live")).to_have_class(has_class("view-follow"))


def test_the_projector_turns_its_pages_every_20_seconds_and_space_pauses(
    chromium_path, rooms, daphne, browser
):
    pk = rooms["running"]
    projector = laptop(browser, daphne.url, f"/w/{pk}/projector/", clock=True)
    board = projector.locator("#board")
    expect(board).to_have_attribute("data-pages", "3")
    expect(board).to_have_attribute("data-page", "1")
    pager = projector.locator("#board-pager")

    projector.clock.run_for(ROTATE_MS)
    expect(board).to_have_attribute("data-page", "2")
    expect(pager).to_contain_text("2")

    projector.keyboard.press(" ")
    expect(pager).to_contain_text("Espace")  # "en pause (Espace)"
    projector.clock.run_for(3 * ROTATE_MS)
    expect(board).to_have_attribute("data-page", "2")

    projector.keyboard.press(" ")
    expect(pager).not_to_contain_text("Espace")
    projector.clock.run_for(ROTATE_MS)
    expect(board).to_have_attribute("data-page", "3")
    projector.clock.run_for(ROTATE_MS)
    expect(board).to_have_attribute("data-page", "1")
