"""Every participant write with a client id queues on the phone when there is no network,
as post-its do (outbox.js, forms marked data-outbox): a transaction, a basket's
conditions, a feedback answer. Each waits in "Not sent yet" (and localStorage) across a
closed page, leaves when the connection comes back, and is written once.

Django refuses ORM calls while Playwright's sync API runs: the database is read from a
thread of its own.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from baskets import services as basket_services
from baskets.conditions import services as condition_services
from baskets.models import Basket, BasketConditions, Transaction
from plenary import services as plenary_services
from plenary.models import Answer, Dot
from tests.conftest import goto, subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, PHONE, RECONNECT_TIMEOUT_MS, fill_join_form
from workshops.models import Phase, PostIt

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFER = "Bois-énergie des haies bocagères"
NEED = "Bois pour le réseau de chaleur"


def from_db(read):
    def run():
        try:
            return read()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def room(workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION)
    basket_services.ensure_baskets(workshop)
    bm, pdb = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    PostIt.objects.create(subgroup=pdb, author=None, kind="offer", text=OFFER)
    PostIt.objects.create(subgroup=bm, author=None, kind="need", text=NEED)
    basket = Basket.objects.get(side_a=bm, side_b=pdb)
    return {"workshop": workshop, "basket": basket.pk, "seat": (bm.table_id, bm.territory_id)}


def join(browser, base_url, room):
    context = browser.new_context(base_url=base_url, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"/j/{room['workshop'].code}/")
    fill_join_form(page, "Alice", *room["seat"])
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    # The panels fetched again on the socket's open are in: no swap under the test's taps.
    page.wait_for_load_state("networkidle")
    return context, page


def go_offline(context, page):
    context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")


def reopen(context, page, code):
    """The page closed while offline; the phone opens it again once the network is back."""
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"/j/{code}/")
    expect(page.locator("body")).to_have_attribute("data-live", "on", timeout=RECONNECT_TIMEOUT_MS)
    return page


def queued(page, kind):
    return page.locator(f"#outbox .outbox-item.outbox-{kind}")


def stored(page) -> list[dict]:
    return page.evaluate(
        """() => Object.keys(localStorage).filter(k => k.startsWith("paniers:outbox:"))
                 .flatMap(k => JSON.parse(localStorage.getItem(k)))"""
    )


def queue_again(page, items):
    """As if the answer to these writes had been lost: queued again under their ids."""
    page.evaluate(
        """(items) => {
             const key = "paniers:outbox:" + document.getElementById("outbox").dataset.workshop
               + ":" + document.body.dataset.participant;
             localStorage.setItem(key, JSON.stringify(items));
           }""",
        items,
    )
    page.reload()
    expect(page.locator("#outbox .outbox-item")).to_have_count(0)
    assert stored(page) == []


def test_a_transaction_written_offline_waits_and_is_written_once(
    chromium_path, room, daphne, browser
):
    pk = room["basket"]
    context, page = join(browser, daphne.url, room)
    page.locator(f"#transaction-slot-{pk} .add-transaction").click()
    form = page.locator(f"#transaction-form-{pk}")
    form.locator(".giver-choice .choice:not(.chosen)").click()  # PdB gives
    expect(form.locator(".offers label.choice", has_text=OFFER)).to_be_visible()

    go_offline(context, page)
    form.locator(".offers label.choice", has_text=OFFER).click()
    form.locator(".needs label.choice", has_text=NEED).click()
    form.locator(".score-choice label.score-button:has(input[value='4'])").click()
    form.locator("textarea[name=note]").fill("Livré par la coopérative")
    form.locator("button[type=submit].primary").click()

    item = queued(page, "transaction")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-state", "waiting")
    expect(item.locator(".outbox-kind")).to_have_text(
        page.locator("#outbox").get_attribute("data-kind-transaction")
    )
    expect(item.locator(".outbox-text")).to_have_text(OFFER)
    expect(form.locator(".outbox-note")).to_be_visible()  # said where it was written too
    expect(form.locator("textarea[name=note]")).to_have_value("")
    kept = stored(page)
    assert len(kept) == 1 and kept[0]["kind"] == "transaction"
    fields = dict(kept[0]["fields"])
    assert fields["note"] == "Livré par la coopérative" and fields["score"] == "4"
    assert kept[0]["client_id"] != form.locator("input[name=client_id]").input_value()
    assert from_db(lambda: Transaction.objects.filter(basket_id=pk).count()) == 0

    page = reopen(context, page, room["workshop"].code)
    expect(page.locator("#outbox .outbox-item")).to_have_count(0)
    expect(page.locator("#outbox")).to_be_hidden()
    expect(page.locator(f"#basket-{pk} .transaction")).to_have_count(1)
    expect(page.locator(f"#basket-{pk} .transaction")).to_contain_text(OFFER)

    queue_again(page, kept)
    written = from_db(
        lambda: list(Transaction.objects.filter(basket_id=pk).values("client_id", "note", "value"))
    )
    assert len(written) == 1, written
    assert str(written[0]["client_id"]) == kept[0]["client_id"]
    assert written[0]["note"] == "Livré par la coopérative" and written[0]["value"] == 4


def test_conditions_saved_offline_wait_and_leave_when_the_network_is_back(
    chromium_path, room, daphne, browser
):
    room["workshop"] = from_db(lambda: goto(room["workshop"], Phase.Kind.CONDITIONS))
    pk = room["basket"]
    context, page = join(browser, daphne.url, room)
    page.locator(f"#conditions-slot-{pk} .conditions-fill").click()
    form = page.locator(f"#conditions-form-{pk}")
    expect(form).to_be_visible()

    go_offline(context, page)
    form.locator("label.choice:has(input[name=verdict][value=conditional])").click()
    form.locator("textarea[name=condition]").fill("Que le CHU tienne des permanences")
    form.locator("button[type=submit].primary").click()
    item = queued(page, "conditions")
    expect(item).to_have_count(1)
    expect(item.locator(".outbox-text")).to_have_text("BM ↔ PdB")
    # The whole form stays as written: saved again, the newer save replaces the waiting one.
    expect(form.locator("textarea[name=condition]")).to_have_value(
        "Que le CHU tienne des permanences"
    )
    form.locator("textarea[name=rebalancing]").fill("Une convention de trois ans")
    form.locator("button[type=submit].primary").click()
    expect(item).to_have_count(1)
    assert dict(stored(page)[0]["fields"])["rebalancing"] == "Une convention de trois ans"

    context.set_offline(False)  # the "online" event sends it, the page still open
    expect(page.locator("#outbox .outbox-item")).to_have_count(0, timeout=RECONNECT_TIMEOUT_MS)
    expect(page.locator(f"#conditions-slot-{pk} .conditions-fill")).to_be_visible()
    expect(page.locator(f"#conditions-{pk}")).to_contain_text("Une convention de trois ans")
    saved = from_db(
        lambda: (
            BasketConditions.objects.values("verdict", "condition", "rebalancing", "version")
            .filter(basket_id=pk)
            .first()
        )
    )
    assert saved["verdict"] == "conditional"
    assert saved["condition"] == "Que le CHU tienne des permanences"
    assert saved["rebalancing"] == "Une convention de trois ans"


def test_a_queued_conditions_save_someone_else_overtook_is_kept_with_the_server_s_words(
    chromium_path, room, daphne, browser
):
    room["workshop"] = from_db(lambda: goto(room["workshop"], Phase.Kind.CONDITIONS))
    pk = room["basket"]
    context, page = join(browser, daphne.url, room)
    page.locator(f"#conditions-slot-{pk} .conditions-fill").click()
    form = page.locator(f"#conditions-form-{pk}")
    go_offline(context, page)
    form.locator("label.choice:has(input[name=verdict][value=conditional])").click()
    form.locator("textarea[name=condition]").fill("Une navette entre les deux gares")
    form.locator("button[type=submit].primary").click()
    expect(queued(page, "conditions")).to_have_count(1)

    # Meanwhile the other side saves from the version this form was drawn from.
    from_db(
        lambda: condition_services.conditions_save(
            basket=Basket.objects.get(pk=pk), by=None, version=0, answers={}
        )
    )

    context.set_offline(False)
    refused = page.locator("#outbox .outbox-item[data-state=refused]")
    expect(refused).to_have_count(1, timeout=RECONNECT_TIMEOUT_MS)
    assert refused.locator(".outbox-status").text_content().strip()
    expect(refused.locator("[data-outbox-action=retry]")).to_have_count(0)
    assert stored(page)[0]["stale"] is True

    refused.locator("[data-outbox-action=put-back]").click()
    expect(form.locator("input[name=version]")).to_have_value("1")  # drawn again
    expect(form.locator("input[name=verdict][value=conditional]")).to_be_checked()
    expect(form.locator("textarea[name=condition]")).to_have_value(
        "Une navette entre les deux gares"
    )
    expect(page.locator("#outbox")).to_be_hidden()
    form.locator("button[type=submit].primary").click()  # from the version it now shows
    expect(page.locator(f"#conditions-slot-{pk} .conditions-fill")).to_be_visible()
    assert from_db(lambda: BasketConditions.objects.get(basket_id=pk).condition) == (
        "Une navette entre les deux gares"
    )


def test_a_feedback_answer_written_offline_waits_and_is_written_once(
    chromium_path, room, daphne, browser
):
    room["workshop"] = from_db(lambda: goto(room["workshop"], Phase.Kind.PLENARY))
    from_db(lambda: plenary_services.voting_set(workshop=room["workshop"], open_=True))
    context, page = join(browser, daphne.url, room)
    form = page.locator("#answer-form-1")
    expect(form).to_be_visible()
    words = "Oui, deux paniers équilibrés grâce au bois-énergie et à la santé, " * 2

    go_offline(context, page)
    form.locator("textarea").fill(words)
    form.locator("button[type=submit]").click()
    item = queued(page, "answer")
    expect(item).to_have_count(1)
    expect(item.locator(".outbox-kind")).to_have_text(
        page.locator("#outbox").get_attribute("data-kind-answer")
    )
    summary = item.locator(".outbox-text").text_content()
    assert summary.endswith("…") and words.startswith(summary[:-1])
    expect(form.locator("textarea")).to_have_value("")
    kept = stored(page)

    # A dot is not queued (a tap is no text to keep): the phone says it was not placed.
    page.locator(".dots-table").first.evaluate("(el) => { el.open = true; }")
    page.locator(".dot-item .dot-place").first.click()
    problem = page.locator("#request-problem")
    expect(problem).to_be_visible()
    expect(problem).to_have_text(problem.get_attribute("data-offline-dot"))
    expect(queued(page, "answer")).to_have_count(1)
    assert len(stored(page)) == 1

    page = reopen(context, page, room["workshop"].code)
    expect(page.locator("#outbox .outbox-item")).to_have_count(0)
    queue_again(page, kept)
    written = from_db(lambda: list(Answer.objects.values_list("text", "client_id")))
    assert written == [(words.strip(), written[0][1])]
    assert str(written[0][1]) == kept[0]["client_id"]


def test_a_dot_whose_answer_was_lost_is_answered_as_placed_when_tapped_again(
    chromium_path, room, daphne, browser
):
    """The server placed the dot and died on the way back (here: its answer is dropped).
    The phone says it was not placed; tapped again, the same client id finds the dot."""
    room["workshop"] = from_db(lambda: goto(room["workshop"], Phase.Kind.PLENARY))
    from_db(lambda: plenary_services.voting_set(workshop=room["workshop"], open_=True))
    context, page = join(browser, daphne.url, room)
    page.locator(".dots-table").first.evaluate("(el) => { el.open = true; }")
    value = page.locator(".dot-item").first.get_attribute("data-item")
    item = page.locator(f".dot-item[data-item='{value}']")

    def lose_the_answer(route):
        route.fetch()  # the server places the dot and answers...
        route.abort()  # ...and the answer never reaches the phone

    page.route("**/plenary/dot/", lose_the_answer, times=1)
    item.locator(".dot-place").click()
    problem = page.locator("#request-problem")
    expect(problem).to_have_text(problem.get_attribute("data-offline-dot"))
    assert from_db(lambda: Dot.objects.count()) == 1

    item.locator(".dot-place").click()
    expect(item.locator(".dot-mine")).to_have_text("●")
    placed = from_db(lambda: list(Dot.objects.values_list("client_id", flat=True)))
    assert len(placed) == 1 and placed[0] is not None  # one dot spent, not two
