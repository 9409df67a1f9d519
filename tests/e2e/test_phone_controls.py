"""The participant's pages on a small phone, in both languages: every control is a
44×44 px target at least, the page never scrolls sideways, the live badge stays in
sight wherever one has scrolled, and people's words read in their own direction.

Elements are found by role and data attributes, never by interface text.
"""

import re
from types import SimpleNamespace

import pytest

from tests.conftest import subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, PHONE
from tests.e2e.test_live_board import Seat, join_table, post
from workshops import services

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MIN_TARGET = 44  # px, WCAG 2.5.5
VIEWPORTS = [(360, 740), (390, 844)]
LOCALES = ["fr-FR", "en-US"]
# What a participant can tap. Radios are styled away: their label is the target.
CONTROLS = (
    "a[href], button, summary, select, input[type=checkbox],"
    " label:has(input[type=radio]), input[type=radio] + label"
)
MEASURE = """selector => {
  const seen = new Set();
  return Array.from(document.querySelectorAll(selector))
    .filter(el => !seen.has(el) && seen.add(el))
    .filter(el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}))
    .map(el => {
      const box = el.getBoundingClientRect();
      const name = (el.textContent || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
      return {what: el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                    + ' "' + name.slice(0, 40) + '"',
              width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10};
    });
}"""
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"
LONG_BOARD = 30


@pytest.fixture
def seat(workshop) -> tuple[str, Seat]:
    """Alice's seat, at a table whose board is already long (through the service, before
    the browser starts: Django refuses ORM calls while Playwright's loop runs)."""
    mine = subgroup_of(workshop, 1, "BM")
    other = subgroup_of(workshop, 1, "PdB")
    for number in range(LONG_BOARD):
        services.postit_create(
            subgroup=mine if number % 3 else other,
            author=None,
            kind="offer" if number % 2 else "need",
            text=f"Idée n° {number + 1} : mutualiser un équipement entre communes voisines",
        )
    return workshop.code, Seat(mine.table_id, mine.territory_id, mine.pk)


def too_small(page) -> list[str]:
    controls = page.evaluate(MEASURE, CONTROLS)
    assert controls, "no control found on the page"
    return [
        f"{c['what']}: {c['width']}×{c['height']}"
        for c in controls
        if c["width"] < MIN_TARGET or c["height"] < MIN_TARGET
    ]


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def check_page(page, where: str) -> None:
    failures = too_small(page)
    assert not failures, f"{where}: controls under {MIN_TARGET}×{MIN_TARGET} px:\n" + "\n".join(
        failures
    )
    assert page.evaluate(SIDEWAYS) <= 0, f"{where}: the page scrolls sideways"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_every_control_is_a_big_target_and_the_live_badge_covers_nothing(
    chromium_path, seat, daphne, browser, locale, width, height
):
    code, alice_seat = seat
    context = browser.new_context(
        base_url=daphne.url,
        **{**PHONE, "viewport": {"width": width, "height": height}, "locale": locale},
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    where = f"{width}×{height} {locale}"

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    check_page(page, f"join start, {where}")

    page.goto(f"/j/{code}/")
    expect(page.locator("h1")).to_have_attribute("dir", "auto")
    check_page(page, f"join form, {where}")

    phone = SimpleNamespace(page=page)
    join_table(phone, "Alice", alice_seat)
    expect(page.locator("#postit-form textarea[name=text]")).to_have_attribute("dir", "auto")
    post(phone, "offer", "تبادل الخشب بين البلديات")
    mine = page.locator("article.postit.mine")
    expect(mine).to_have_count(1)
    expect(mine.locator("button").first).to_be_visible()
    postits = page.locator("article.postit")
    assert postits.count() > LONG_BOARD // 2
    for index in range(postits.count()):
        expect(postits.nth(index)).to_have_attribute("dir", "auto")
    assert mine.evaluate("el => getComputedStyle(el).direction") == "rtl"
    first_name = page.locator(".phone-header .who strong")
    assert first_name.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    check_page(page, f"phone page, {where}")
    submit = page.locator("#postit-form [type=submit]").bounding_box()
    live = page.locator(".live-status .on").bounding_box()
    assert live and not overlap(live, submit), "the live badge covers the compose button"

    # The connection state has its own place in the header, beside the name: it covers
    # nothing, wherever one has scrolled (tests/e2e/test_phone_baskets_first.py).
    header = page.locator(".phone-header").bounding_box()
    assert (
        live["x"] + live["width"] <= width
        and live["y"] + live["height"] <= header["y"] + (header["height"])
    ), (live, header)
    name = page.locator(".phone-header .who").bounding_box()
    assert not overlap(live, name), "the live badge covers the name"
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > height, "the board is not long enough to scroll"
    assert page.locator(".live-status").evaluate("el => getComputedStyle(el).position") == "static"
    assert page.locator("[aria-live=polite].live-status").count() == 1
    context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_throttled_page_links_back_to_the_code_form_with_a_big_target(
    chromium_path, workshop, daphne_factory, browser, locale
):
    server = daphne_factory(env={"JOIN_ATTEMPTS_PER_WINDOW": "1"})
    width, height = VIEWPORTS[0]
    context = browser.new_context(
        base_url=server.url,
        **{**PHONE, "viewport": {"width": width, "height": height}, "locale": locale},
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    assert page.goto("/j/QQQQQQ/").status == 404  # a code that could exist, but does not
    assert page.goto("/j/QQQQQQ/").status == 429

    expect(page.locator("main a.button[href='/']")).to_be_visible()
    # When to try again, in minutes, in French ("Réessayez dans 2 minutes") as in English.
    expect(page.locator("main")).to_contain_text(re.compile(r"\b\d+ minutes?\b"))
    check_page(page, f"throttled page, {width}×{height} {locale}")
    context.close()
