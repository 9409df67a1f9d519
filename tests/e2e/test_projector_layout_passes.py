"""The projector keeps up (issue 16): a live post-it lays out only what changed.

static/js/board.js counts on #board its whole layouts (data-layouts) and its checks of
the changed tables (data-checks). A phone writes through its real compose form; the
projector, the all-tables board, receives one post-it at a time over its socket. Counts,
never times: a new post-it that fits costs a check and no layout of the whole board; one
that no longer fits costs one layout, and the board still fits with every post-it reachable.
"""

import pytest

from territories.models import Territory
from tests.e2e.screens import (
    ACTION_TIMEOUT_MS,
    NEXT_FRAME,
    PHONE,
    fill_join_form,
    sign_in,
    text_floor,
)
from tests.e2e.test_projector_fit import TERRITORIES, every_page, make_workshop, settle
from workshops.models import SubGroup

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COUNTS = """() => {
  const board = document.getElementById("board");
  return {layouts: +(board.dataset.layouts || 0), checks: +(board.dataset.checks || 0),
          pages: +board.dataset.pages};
}"""
LONG_TEXT = "Plateforme logistique mutualisée pour les circuits courts alimentaires n°{n}"


def seat_of(workshop_pk: int, territory_name: str) -> tuple[str, tuple[int, int]]:
    """The workshop's code, and the seat at its table 1 of a territory."""
    subgroup = SubGroup.objects.select_related("table__workshop").get(
        table__workshop_id=workshop_pk, table__number=1, territory__name=territory_name
    )
    return subgroup.table.workshop.code, (subgroup.table_id, subgroup.territory_id)


@pytest.fixture
def boards(owner):
    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays")
        for name, short in TERRITORIES
    ]
    roomy = make_workshop(owner, territories[:4], 4)
    full = make_workshop(owner, territories[:2], 1, per_cell=3)
    return {
        "roomy": (roomy, *seat_of(roomy, TERRITORIES[0][0])),
        "full": (full, *seat_of(full, TERRITORIES[0][0])),
    }


def projector_at(browser, base_url: str, workshop_pk: int, width: int, height: int):
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, locale="fr-FR"
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, f"/w/{workshop_pk}/projector/")
    settle(page)
    page.keyboard.press(" ")  # no page turns by themselves meanwhile
    return page


def phone_joined(browser, base_url: str, code: str, seat: tuple[int, int]):
    """A phone that joined table 1 with the code the projector shows."""
    context = browser.new_context(base_url=base_url, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"/j/{code}/")
    fill_join_form(page, "Alice", *seat)
    return page


def write(phone, text: str) -> None:
    form = phone.locator("#postit-form")
    radio = phone.locator("input[name=kind][value=offer]")
    form.locator("label", has=radio).click()
    form.locator("textarea[name=text]").fill(text)
    form.locator("[type=submit]").click()
    expect(phone.locator("#postit-form textarea[name=text]")).to_have_value("")


def arrives(projector, text: str) -> dict:
    """Waits for the post-it on the projector's board, then for its check; the counts."""
    expect(projector.locator("#board .postit", has_text=text)).to_have_count(1)
    projector.evaluate(NEXT_FRAME)
    return projector.evaluate(COUNTS)


def test_a_new_postit_that_fits_lays_out_nothing_of_the_whole_board(
    chromium_path, boards, daphne, browser
):
    workshop_pk, code, seat = boards["roomy"]
    projector = projector_at(browser, daphne.url, workshop_pk, 1920, 1080)
    phone = phone_joined(browser, daphne.url, code, seat)
    before = projector.evaluate(COUNTS)
    assert before["layouts"] >= 1  # laid out once, on load

    write(phone, "Vélo")
    after = arrives(projector, "Vélo")

    assert after["layouts"] == before["layouts"]  # no layout of the whole board
    assert after["checks"] == before["checks"] + 1  # one check of its table
    font = projector.locator("#board .postit", has_text="Vélo").evaluate(
        "el => parseFloat(getComputedStyle(el.querySelector('.postit-text')).fontSize)"
    )
    assert font >= text_floor(1080) - 0.05


def test_each_new_postit_costs_at_most_one_layout_and_the_board_still_fits(
    chromium_path, boards, daphne_factory, browser
):
    server = daphne_factory(env={"WRITES_PER_MINUTE": "1000"})
    workshop_pk, code, seat = boards["full"]
    width, height = 1024, 768
    projector = projector_at(browser, server.url, workshop_pk, width, height)
    phone = phone_joined(browser, server.url, code, seat)

    counts = [projector.evaluate(COUNTS)]
    for n in range(12):
        text = LONG_TEXT.format(n=n)
        write(phone, text)
        counts.append(arrives(projector, text))
        if counts[-1]["pages"] > counts[0]["pages"] + 1:
            break

    steps = [b["layouts"] - a["layouts"] for a, b in zip(counts, counts[1:], strict=False)]
    assert all(step <= 1 for step in steps), steps  # one layout per post-it, at most
    assert 0 in steps and 1 in steps, steps  # some only checked; one paged the board again
    assert counts[-1]["pages"] > counts[0]["pages"]
    projector.keyboard.press(" ")
    seen, _measures = every_page(
        projector, width, height, text_floor(height), f"{width}×{height} after live post-its"
    )
    written = projector.evaluate(
        "() => [...document.querySelectorAll('#board .postit')].map((el) => el.id)"
    )
    assert seen == set(written)  # every post-it, those that came live too, on some page
