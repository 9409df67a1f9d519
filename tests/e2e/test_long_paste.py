"""A long paste into a post-it, end to end: nothing is cut, the counter and the server say why.

Before, the field's maxlength cut a paste at 280 characters without a word.
"""

import re

import pytest

from tests.conftest import subgroup_of
from tests.e2e.screens import PHONE
from tests.e2e.test_live_board import Seat, join_table, new_phone

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIMIT = 280
PASTED = ("Réseau de chaleur bois alimenté par les forêts du Centre Ouest Bretagne. " * 5)[:320]


@pytest.fixture
def seat(workshop) -> tuple[str, Seat]:
    subgroup = subgroup_of(workshop, 1, "BM")
    return workshop.code, Seat(subgroup.table_id, subgroup.territory_id, subgroup.pk)


def paste(page, locator, text: str) -> None:
    """Through the clipboard and Ctrl+V, as a phone's paste."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    locator.focus()
    page.keyboard.press("Control+V")


def counter_says(counter, used: int) -> str:
    """The over-limit words the page was given, in its language, filled in."""
    words = counter.get_attribute("data-over")
    return (
        words.replace("{used}", str(used))
        .replace("{limit}", str(LIMIT))
        .replace("{over}", str(used - LIMIT))
    )


def test_a_long_paste_is_kept_whole_counted_over_and_refused_with_its_text(
    chromium_path, seat, daphne, browser
):
    code, alice_seat = seat
    assert len(PASTED) == 320
    phone = new_phone(browser, daphne.url)
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=daphne.url)
    phone.page.goto(f"/j/{code}/")
    join_table(phone, "Alice", alice_seat)
    form = phone.page.locator("#postit-form")
    text = form.locator("textarea[name=text]")
    counter = form.locator("[data-counter-for]")

    paste(phone.page, text, PASTED)

    expect(text).to_have_value(PASTED)  # all 320 characters, none cut
    expect(counter).to_have_text(counter_says(counter, 320))
    assert PHONE["locale"].startswith("fr") and "de trop" in counter.text_content()
    expect(counter).to_have_class(re.compile(r"\bover-limit\b"))
    expect(text).to_have_attribute("aria-invalid", "true")
    counter_id = counter.get_attribute("id")
    assert counter_id in text.get_attribute("aria-describedby").split()

    form.locator("[type=submit]").click()

    # The server refuses it (422): the form comes back with its error and the whole text.
    expect(form.locator(".errors[role=alert]")).to_be_visible()
    expect(text).to_have_value(PASTED)
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(counter).to_have_text(counter_says(counter, 320))
    expect(phone.page.locator(f"#cell-{alice_seat.subgroup_id}-offer")).not_to_contain_text(
        PASTED[:40]
    )

    # Cut back to the limit: the counter says so, and the post-it goes up.
    text.fill(PASTED[:LIMIT])
    expect(counter).to_have_text(f"{LIMIT} / {LIMIT}")
    expect(text).not_to_have_attribute("aria-invalid", "true")
    form.locator("[type=submit]").click()
    expect(text).to_have_value("")
    expect(phone.page.locator(f"#cell-{alice_seat.subgroup_id}-offer")).to_contain_text(PASTED[:40])
