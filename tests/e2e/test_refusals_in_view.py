"""A refused save stays in view: on a 360 px phone, whatever the write (a post-it, a
transaction, a score, conditions, feedback, a dot), a refusal (409 someone saved first or
the phase closed, 422 invalid, 429 too many) leaves the server's message and what was
typed inside the screen, with the focus on them (workshops/refusals.py, paniers.js).

The room's changes that make the server refuse are written straight to the database from
the test (a thread of its own): the phone hears nothing of them, as when its socket is
slow, and finds out by saving. Elements are found by ids, names and classes, never by
interface text.
"""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from baskets import services as basket_services
from baskets.conditions import services as conditions_services
from baskets.models import Basket, Transaction
from plenary import services as plenary_services
from tests.conftest import goto, subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, fill_join_form
from workshops.models import Phase, PostIt, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
UNANSWERED_NEEDS = 18  # as in the room the issue was seen in: 18 warning lines


def in_thread(write):
    """Runs a database write outside Playwright's event loop, where Django allows it."""

    def run():
        try:
            return write()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def seats(workshop) -> dict:
    """Where each phone sits (table 1), read before the browser starts."""
    return {
        name: (subgroup.table_id, subgroup.territory_id)
        for name in ("BM", "PdB")
        for subgroup in [subgroup_of(workshop, 1, name)]
    }


def join(browser, server, workshop, seat):
    context = browser.new_context(base_url=server.url, **NARROW_PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"/j/{workshop.code}/")
    fill_join_form(page, "Alice", *seat)
    page.wait_for_load_state("networkidle")  # the panels fetched again on the socket's open
    return page


def assert_in_view(page, *locators):
    """Each element is wholly inside the screen: no scrolling needed to read it."""
    height = page.viewport_size["height"]
    width = page.viewport_size["width"]
    for locator in locators:
        expect(locator).to_be_visible()
        box = locator.bounding_box()  # relative to the viewport
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (locator, box, height)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (locator, box, width)


def assert_focused(locator):
    assert locator.evaluate(
        "el => el === document.activeElement || el.contains(document.activeElement)"
    ), locator


def save_and_get(page, button, status: int):
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        button.click()
    assert answer.value.status == status
    page.wait_for_timeout(100)  # htmx settles (20 ms) before paniers.js brings it into view


def long_table(workshop):
    """Table 1 with many post-its, 18 needs nobody answers among them: a long page."""
    bm, pdb = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    for n in range(UNANSWERED_NEEDS // 2):
        for subgroup in (bm, pdb):
            PostIt.objects.create(
                subgroup=subgroup,
                author=None,
                kind="need",
                text=f"Besoin numéro {n} de {subgroup.territory.short_name}, resté sans réponse",
            )
            PostIt.objects.create(
                subgroup=subgroup, author=None, kind="offer", text=f"Offre numéro {n}"
            )
    return bm, pdb


@pytest.fixture
def negotiation(workshop):
    return negotiation_room(workshop)


def negotiation_room(workshop):
    """The negotiation at table 1: a long table, a transaction in BM ↔ PdB's basket."""
    workshop = goto(workshop, Phase.Kind.NEGOTIATION)
    basket_services.ensure_baskets(workshop)
    bm, pdb = long_table(workshop)
    basket = Basket.objects.get(side_a=bm, side_b=pdb)
    offer = PostIt.objects.create(subgroup=bm, author=None, kind="offer", text="Ingénierie")
    transaction = basket_services.transaction_create(
        basket=basket, by=None, giver=bm, offer=offer, effort=2
    )
    return workshop, basket, transaction, seats(workshop)


@pytest.fixture
def formulation(workshop):
    long_table(workshop)
    return workshop, seats(workshop)


def test_a_postit_too_long_or_too_many_stays_in_view(
    chromium_path, formulation, daphne_factory, browser
):
    workshop, seat = formulation
    server = daphne_factory(env={"WRITES_PER_MINUTE": "1"})
    page = join(browser, server, workshop, seat["BM"])
    form = page.locator("#postit-form")
    text = form.locator("textarea[name=text]")

    # 422: too long. The error under the text, the text, the focus in it.
    too_long = "Un port en eau profonde pour les vracs agricoles. " * 7  # 350 characters
    text.fill(too_long)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    save_and_get(page, form.locator("button[type=submit].primary"), 422)
    assert_in_view(page, form.locator(".errors").first, text)
    assert_focused(text)
    expect(text).to_have_value(too_long)

    # 429: the second post-it of the minute. The reason, the text, the focus on the reason.
    text.fill("Un port en eau profonde")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        form.locator("button[type=submit].primary").click()
    assert answer.value.status == 200
    text.fill("Un deuxième, de trop")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    save_and_get(page, form.locator("button[type=submit].primary"), 429)
    reason = form.locator(".errors").first
    assert_in_view(page, reason, text)
    assert_focused(reason)
    expect(text).to_have_value("Un deuxième, de trop")


def test_a_stale_transaction_shows_what_it_says_now_beside_the_typed_note(
    chromium_path, negotiation, daphne, browser
):
    workshop, basket, transaction, seat = negotiation
    page = join(browser, daphne, workshop, seat["BM"])
    page.locator(f"#basket-{basket.pk} .transaction-edit").first.click()
    form = page.locator(f"#transaction-form-{basket.pk}")
    note = form.locator("textarea[name=note]")
    note.fill("Notre version de la note")
    # Meanwhile the other side changes it.
    in_thread(
        lambda: basket_services.transaction_update(
            transaction_=Transaction.objects.get(pk=transaction.pk),
            by=None,
            version=transaction.version,
            offer=transaction.offer,
            needs=[],
            note="Leur version",
        )
    )

    save_and_get(page, form.locator("button[type=submit].primary"), 409)
    stale = form.locator(".stale-edit")
    assert_in_view(page, stale, note)
    assert_focused(stale)
    expect(stale).to_contain_text("Leur version")
    expect(note).to_have_value("Notre version de la note")


def test_a_transaction_note_too_long_stays_in_view(chromium_path, negotiation, daphne, browser):
    workshop, basket, _transaction, seat = negotiation
    page = join(browser, daphne, workshop, seat["BM"])
    page.locator(f"#transaction-slot-{basket.pk} .add-transaction").click()
    form = page.locator(f"#transaction-form-{basket.pk}")
    form.locator(".offers label.choice").first.click()
    note = form.locator("textarea[name=note]")
    too_long = "En contrepartie d'un appui en ingénierie. " * 20
    note.fill(too_long)
    save_and_get(page, form.locator("button[type=submit].primary"), 422)
    assert_in_view(page, note, form.locator(".errors").first)
    assert_focused(note)
    expect(note).to_have_value(too_long)


def test_a_refused_score_says_why_in_view(chromium_path, negotiation, daphne_factory, browser):
    workshop, basket, _transaction, seat = negotiation
    server = daphne_factory(env={"WRITES_PER_MINUTE": "1"})
    page = join(browser, server, workshop, seat["PdB"])  # PdB receives: its value
    item = page.locator(f"#basket-{basket.pk} li.transaction").first
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        item.locator(".score-button[value='3']").click()
    assert answer.value.status == 200
    save_and_get(page, item.locator(".score-button[value='4']"), 429)
    problem = page.locator("#request-problem")
    assert_in_view(page, problem, item.locator(".score-button[value='4']"))
    assert_focused(problem)


@pytest.fixture
def conditions_room(workshop):
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    basket_services.ensure_baskets(workshop)
    bm, pdb = long_table(workshop)
    return workshop, Basket.objects.get(side_a=bm, side_b=pdb), seats(workshop)


def test_stale_conditions_show_the_reason_beside_the_typed_condition(
    chromium_path, conditions_room, daphne, browser
):
    workshop, basket, seat = conditions_room
    page = join(browser, daphne, workshop, seat["BM"])
    page.locator(f"#conditions-slot-{basket.pk} .conditions-fill").click()
    form = page.locator(f"#conditions-form-{basket.pk}")
    form.locator("label.choice:has(input[name=verdict][value=conditional])").click()
    condition = form.locator("textarea[name=condition]")
    condition.fill("Que le CHU tienne des permanences")
    # Meanwhile the other side saves first.
    in_thread(
        lambda: conditions_services.conditions_save(
            basket=Basket.objects.get(pk=basket.pk), by=None, version=0, verdict="balanced"
        )
    )

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    save_and_get(page, form.locator("button[type=submit].primary"), 409)
    stale = form.locator(".stale-edit")
    assert_in_view(page, stale.locator("p").first, condition)
    assert_focused(stale)
    expect(condition).to_have_value("Que le CHU tienne des permanences")


@pytest.fixture
def plenary_room(workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION)
    basket_services.ensure_baskets(workshop)
    bm, pdb = long_table(workshop)
    basket = Basket.objects.get(side_a=bm, side_b=pdb)
    offer = PostIt.objects.create(subgroup=bm, author=None, kind="offer", text="Ingénierie")
    basket_services.transaction_create(basket=basket, by=None, giver=bm, offer=offer, effort=2)
    workshop = goto(workshop, Phase.Kind.PLENARY)
    plenary_services.voting_set(workshop=workshop, open_=True)
    return workshop, basket, seats(workshop)


def test_feedback_refused_by_the_phase_keeps_the_answer_in_view(
    chromium_path, plenary_room, daphne, browser
):
    workshop, _basket, seat = plenary_room
    page = join(browser, daphne, workshop, seat["BM"])
    form = page.locator("#answer-form-0")
    answer = form.locator("textarea")
    answer.fill("Plus de temps pour les conditions")
    # Time is up meanwhile, no grace: the phone hears nothing of it.
    in_thread(
        lambda: Workshop.objects.filter(pk=workshop.pk).update(
            grace_seconds=0, deadline=timezone.now() - datetime.timedelta(seconds=5)
        )
    )

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    save_and_get(page, form.locator("button[type=submit]"), 409)
    form = page.locator("#answer-form-0")
    reason = form.locator(".errors").first
    assert_in_view(page, reason, form.locator("textarea"))
    assert_focused(reason)
    expect(form.locator("textarea")).to_have_value("Plus de temps pour les conditions")


def test_a_refused_dot_says_why_in_the_item_tapped(chromium_path, plenary_room, daphne, browser):
    workshop, basket, seat = plenary_room
    page = join(browser, daphne, workshop, seat["BM"])
    item = page.locator(f".dot-item[data-item='b{basket.pk}']")
    item.scroll_into_view_if_needed()
    in_thread(lambda: plenary_services.voting_set(workshop=workshop, open_=False))

    save_and_get(page, item.locator(".dot-place"), 409)
    item = page.locator(f".dot-item[data-item='b{basket.pk}']")
    problem = item.locator(".dot-problem")
    assert_in_view(page, problem, item.locator(".dot-label"))
    assert_focused(problem)
