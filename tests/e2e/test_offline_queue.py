"""Writing offline, end to end: post-its written with no network wait on the phone, kept
across a closed page, and are sent once when the connection comes back (outbox.js).

Alice's phone reaches Daphne through a relay that drops its connections, as a lost Wi-Fi
does. Post-its are counted on the screens (the projector, another phone of the table):
Django refuses ORM calls while Playwright's sync API runs.
"""

import pytest

from tests.conftest import subgroup_of
from tests.e2e.screens import RECONNECT_TIMEOUT_MS
from tests.e2e.test_live_board import (
    Phone,
    Scene,
    Seat,
    cell,
    join_table,
    new_phone,
    open_projector,
    post,
    postit,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WRITTEN = [
    ("offer", "Chaufferie bois partagée entre communes"),
    ("need", "Foncier pour un méthaniseur"),
    ("offer", "Covoiturage vers les zones d'emploi"),
]


@pytest.fixture
def room(workshop) -> Scene:
    seats = {}
    for name, short_name in (("alice", "BM"), ("bruno", "PdB")):
        subgroup = subgroup_of(workshop, 1, short_name)
        seats[name] = Seat(subgroup.table_id, subgroup.territory_id, subgroup.pk)
    return Scene(workshop.pk, workshop.code, workshop.themes, seats)


def write(phone: Phone, kind: str, text: str) -> None:
    """Fills the compose form and sends it, whatever happens to the request."""
    form = phone.page.locator("#postit-form")
    form.locator("label", has=phone.page.locator(f"input[name=kind][value={kind}]")).click()
    form.locator("textarea[name=text]").fill(text)
    form.locator("[type=submit]").click()


def waiting(page):
    return page.locator("#outbox .outbox-item[data-state=waiting]")


def stored(page) -> list[dict]:
    return page.evaluate(
        """() => Object.keys(localStorage).filter(k => k.startsWith("paniers:outbox:"))
                 .flatMap(k => JSON.parse(localStorage.getItem(k)))"""
    )


def test_post_its_written_offline_wait_on_the_phone_and_are_sent_once(
    chromium_path, room, daphne, relay_to, browser
):
    seats = room.seats
    relay = relay_to(daphne)
    projector = open_projector(browser, daphne.url, room)
    bruno = new_phone(browser, daphne.url)
    bruno.page.goto(f"/j/{room.code}/")
    join_table(bruno, "Bruno", seats["bruno"])
    alice = new_phone(browser, relay.url)
    alice.page.goto(f"/j/{room.code}/")
    join_table(alice, "Alice", seats["alice"])
    expect(alice.page.locator("#outbox")).to_be_hidden()

    relay.cut()
    alice.context.set_offline(True)
    expect(alice.page.locator("body")).to_have_attribute("data-live", "off")

    text = alice.page.locator("#postit-form textarea[name=text]")
    for count, (kind, words) in enumerate(WRITTEN, start=1):
        write(alice, kind, words)
        expect(text).to_have_value("")
        expect(waiting(alice.page)).to_have_count(count)
        expect(waiting(alice.page).nth(count - 1)).to_contain_text(words)
    outbox = alice.page.locator("#outbox")
    expect(outbox).to_be_visible()
    expect(outbox).to_have_attribute("aria-live", "polite")
    status = waiting(alice.page).first.locator(".outbox-status")
    expect(status).to_have_text(outbox.get_attribute("data-waiting"))
    assert "attente" in outbox.get_attribute("data-waiting")  # French first
    queued = stored(alice.page)
    assert [item["text"] for item in queued] == [words for _kind, words in WRITTEN]
    assert len({item["client_id"] for item in queued}) == 3, "each write has an id of its own"

    # The page is closed while offline; the phone opens it again once the network is back.
    alice.page.close()
    relay.restore()
    alice.context.set_offline(False)
    alice = Phone(alice.context, alice.context.new_page())
    alice.page.goto(f"/j/{room.code}/")

    expect(alice.page.locator("body")).to_have_attribute(
        "data-live", "on", timeout=RECONNECT_TIMEOUT_MS
    )
    expect(alice.page.locator("#outbox .outbox-item")).to_have_count(0)
    expect(alice.page.locator("#outbox")).to_be_hidden()
    assert stored(alice.page) == []
    for page in (alice.page, bruno.page, projector):
        for kind, words in WRITTEN:
            expect(postit(page, seats["alice"], kind, words)).to_have_count(1)
        written = page.locator(
            f"#cell-{seats['alice'].subgroup_id}-offer article.postit, "
            f"#cell-{seats['alice'].subgroup_id}-need article.postit"
        )
        expect(written).to_have_count(3)


def test_a_write_whose_answer_was_lost_is_sent_again_and_written_once(
    chromium_path, room, daphne, relay_to, browser
):
    seats = room.seats
    relay = relay_to(daphne)
    alice = new_phone(browser, relay.url)
    alice.page.goto(f"/j/{room.code}/")
    join_table(alice, "Alice", seats["alice"])
    mine = cell(alice.page, seats["alice"], "offer")

    # It reached the server but the answer never came back: the phone still has it queued
    # under the id the server already saw.
    form_id = alice.page.locator("#postit-form input[name=client_id]").input_value()
    first = "Chaufferie bois partagée entre communes"
    post(alice, "offer", first)
    expect(postit(alice.page, seats["alice"], "offer", first)).to_have_count(1)
    alice.page.evaluate(
        """([id, text]) => {
             const key = Object.keys(localStorage).find(k => k.startsWith("paniers:outbox:"))
               || "paniers:outbox:" + document.getElementById("outbox").dataset.workshop
                  + ":" + document.body.dataset.participant;
             localStorage.setItem(key, JSON.stringify([{client_id: id, kind: "offer",
               text: text, theme: "", csrf: "", state: "waiting"}]));
           }""",
        [form_id, first],
    )
    alice.page.reload()
    expect(alice.page.locator("body")).to_have_attribute("data-live", "on")
    expect(alice.page.locator("#outbox .outbox-item")).to_have_count(0)
    assert stored(alice.page) == []
    expect(postit(alice.page, seats["alice"], "offer", first)).to_have_count(1)

    # The connection drops while the phone still believes it is online: the request fails
    # on the way, the write waits, and leaves by itself when the socket opens again.
    relay.cut()
    expect(alice.page.locator("body")).to_have_attribute("data-live", "off")
    second = "Foncier pour un méthaniseur"
    write(alice, "offer", second)
    expect(waiting(alice.page)).to_have_count(1)
    expect(alice.page.locator("#postit-form textarea[name=text]")).to_have_value("")
    expect(alice.page.locator("#request-problem")).to_be_hidden()

    relay.restore()
    expect(alice.page.locator("body")).to_have_attribute(
        "data-live", "on", timeout=RECONNECT_TIMEOUT_MS
    )
    expect(alice.page.locator("#outbox .outbox-item")).to_have_count(0)
    for words in (first, second):
        expect(postit(alice.page, seats["alice"], "offer", words)).to_have_count(1)
    expect(mine.locator("article.postit")).to_have_count(2)


def test_a_queued_post_it_the_server_refuses_stays_on_the_phone_with_why(
    chromium_path, room, daphne, relay_to, browser
):
    """Refused (here: too long, 422), it is never dropped: it stays in the list, marked,
    with the server's reason, and can go back into the form."""
    seats = room.seats
    relay = relay_to(daphne)
    alice = new_phone(browser, relay.url)
    alice.page.goto(f"/j/{room.code}/")
    join_table(alice, "Alice", seats["alice"])
    too_long = ("Réseau de chaleur bois alimenté par les forêts du Centre Ouest Bretagne. " * 5)[
        :320
    ]

    relay.cut()
    alice.context.set_offline(True)
    write(alice, "need", too_long)
    expect(waiting(alice.page)).to_have_count(1)
    relay.restore()
    alice.context.set_offline(False)

    refused = alice.page.locator("#outbox .outbox-item[data-state=refused]")
    expect(refused).to_have_count(1, timeout=RECONNECT_TIMEOUT_MS)
    expect(refused.locator(".outbox-text")).to_have_text(too_long)
    reason = refused.locator(".outbox-status").text_content()
    assert "280" in reason, reason  # the server's own words about the limit
    assert stored(alice.page)[0]["state"] == "refused"  # kept across a reload too
    expect(cell(alice.page, seats["alice"], "need").locator("article.postit")).to_have_count(0)

    refused.locator("[data-outbox-action=put-back]").click()
    expect(alice.page.locator("#postit-form textarea[name=text]")).to_have_value(too_long)
    expect(alice.page.locator("input[name=kind][value=need]")).to_be_checked()
    expect(alice.page.locator("#outbox")).to_be_hidden()
    assert stored(alice.page) == []
