"""What the end-to-end tests share: the browser contexts of a room, the forms a person
fills in, and where pictures go."""

import re
from pathlib import Path

from django.conf import settings

from tests.conftest import OWNER_PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

PUBLIC_URL = "http://192.168.1.20:8000"  # as in a real room: no loopback warning on screen
IMG_DIR = Path(settings.BASE_DIR) / "docs" / "img"  # screenshots for the docs
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
ACTION_TIMEOUT_MS = 10_000


def inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    """A box (left, top, right, bottom) within another, give or take ``slack`` pixels."""
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def overlap(a: dict, b: dict) -> bool:
    """Two boxes share more than a pixel each way."""
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
    )


def text_floor(viewport_height: int) -> float:
    """The projector's floor for any text (paniers.css, --floor): 28 px at a screen height of
    1080, scaled with the height. Compare with a tolerance of a few hundredths of a pixel."""
    return 28 * viewport_height / 1080


# htmx's ws extension retries with full-jitter back-off (at most 1, 2, 4, 8… s):
# a phone cut off for a few seconds is back well within this.
RECONNECT_TIMEOUT_MS = 30_000
# Counts the times this page's socket opened (the first time included).
COUNT_OPENS = """
window.paniersSocketOpens = 0;
document.addEventListener("htmx:wsOpen", function () { window.paniersSocketOpens += 1; });
"""


# The next frame, laid out: what a swap brought is measured as the screen shows it.
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))"
# Live, and what the socket's (re)open fetched again is in: no htmx request in flight.
LIVE_AND_FETCHED = (
    "() => document.body.dataset.live === 'on' && !document.querySelector('.htmx-request')"
)


def settled(page) -> None:
    """What the socket's (re)open fetched again is swapped in and laid out. Where
    Playwright's "networkidle" waits 500 ms of silence at least, this waits for htmx's own
    requests alone, then the next frame."""
    page.wait_for_function(LIVE_AND_FETCHED)
    page.evaluate(NEXT_FRAME)


def to_front(page) -> None:
    """The full headless Chromium gave a page behind another one (the console once the
    projector had followed the workshop to another page) about one animation frame a
    second, and each click, ``settled()`` or ``wait_for_function`` there waits for frames:
    a page is brought in front before it is used, as a facilitator clicks in the window
    they see. (Measured in the full build, which CI's PostgreSQL run drives; two plain
    pages get every frame in both builds.)"""
    page.bring_to_front()


def sign_in(page, path: str) -> None:
    """The owner signs in through the login form, which sends them to ``path``."""
    page.goto(f"/login/?next={path}")
    page.fill("#id_username", "owner")
    page.fill("#id_password", OWNER_PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+" + re.escape(path) + "$"))


def fill_join_form(page, first_name: str, table_id: int, territory_id: int) -> None:
    """Fills the join form already on screen, then waits for the live phone view."""
    page.fill("input[name=first_name]", first_name)
    for name, value in (("table", table_id), ("territory", territory_id)):
        radio = page.locator(f"input[name={name}][value='{value}']")
        page.locator("label", has=radio).click()  # the radio itself is styled away
        expect(radio).to_be_checked()
    page.locator("form:has(input[name=first_name]) [type=submit]").click()
    # Folded from the negotiation on (#compose-box): there, but not necessarily unfolded.
    expect(page.locator("#postit-form")).to_be_attached()
    expect(page.locator("body")).to_have_attribute("data-live", "on")
