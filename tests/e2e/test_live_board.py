"""The live board end to end: a real Daphne, Debian's Chromium, a projector and phones.

Everything a person does goes through the real pages (login form, join by code,
compose form). Elements are found by name, id and data attributes, never by
interface text, so the tests hold in French and in English.

Fixture order matters: ``chromium_path`` first, so a machine without Chromium
skips before a server starts; ``browser`` last, after every database read.
"""

import re
from dataclasses import dataclass, field

import pytest

from territories.models import Territory
from tests.conftest import subgroup_of
from tests.e2e.screens import (
    ACTION_TIMEOUT_MS,
    COUNT_OPENS,
    IMG_DIR,
    PHONE,
    PUBLIC_URL,
    RECONNECT_TIMEOUT_MS,
    fill_join_form,
    sign_in,
)
from workshops.demo import TERRITORIES
from workshops.models import PostIt

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROJECTOR = {"viewport": {"width": 1600, "height": 900}, "locale": "fr-FR"}


@dataclass
class Seat:
    table_id: int
    territory_id: int
    subgroup_id: int


@dataclass
class Scene:
    workshop_pk: int
    code: str
    themes: list[str]
    seats: dict[str, Seat]


@pytest.fixture
def scene(workshop) -> Scene:
    """The workshop dressed as in the demo, a few post-its up, and where everyone sits.

    Everything the browser tests need from the database is read here, before
    Playwright starts (Django refuses ORM calls while its event loop runs).
    """
    for data in TERRITORIES:
        Territory.objects.filter(name=data["name"]).update(color=data["color"], sheet=data["sheet"])
    workshop.event = "Rencontres TEPOS — coopérations urbain-rural"
    workshop.place = "Le Mené"
    workshop.save(update_fields=["event", "place"])
    places = {
        "alice": (1, "BM"),
        "bruno": (1, "PdB"),
        "cob": (1, "COB"),
        "chloe": (2, "BM"),
        "dana": (2, "PdB"),
    }
    seats = {}
    for name, (table, short_name) in places.items():
        subgroup = subgroup_of(workshop, table, short_name)
        seats[name] = Seat(subgroup.table_id, subgroup.territory_id, subgroup.pk)
    themes = workshop.themes
    cob = subgroup_of(workshop, 1, "COB")
    for kind, text, theme in [
        ("offer", "Filière bois-énergie structurée", themes[0]),
        ("need", "Accès aux soins (désert médical)", themes[3]),
    ]:
        # Straight to the table: a broadcast from here would reach no test server.
        PostIt.objects.create(subgroup=cob, author=None, kind=kind, text=text, theme=theme)
    return Scene(workshop.pk, workshop.code, themes, seats)


# Pages ------------------------------------------------------------------------


@dataclass
class Phone:
    """A phone's page, and every websocket frame it received (what arrived, not just what showed)."""

    context: object
    page: object
    frames: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("websocket", self._watch)

    def _watch(self, websocket):
        websocket.on("framereceived", self._received)

    def _received(self, payload):
        self.frames.append(payload if isinstance(payload, str) else payload.decode())

    def heard(self, text: str) -> bool:
        return any(text in frame for frame in self.frames)

    def socket_opens(self) -> int:
        return self.page.evaluate("window.paniersSocketOpens")


def new_phone(browser, base_url: str) -> Phone:
    context = browser.new_context(base_url=base_url, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(COUNT_OPENS)
    return Phone(context, context.new_page())


def open_projector(browser, base_url: str, scene: Scene):
    """The facilitator signs in through the login form, which sends them to the projector."""
    context = browser.new_context(base_url=base_url, **PROJECTOR)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, f"/w/{scene.workshop_pk}/projector/")
    expect(page.locator("[data-testid=join-code]")).to_have_text(scene.code)
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    return page


def type_code_at_home(phone: Phone, code: str) -> None:
    """Types the code in lower case: the server accepts it in any case."""
    page = phone.page
    page.goto("/")
    page.fill("input[name=code]", code.lower())
    page.locator("form:has(input[name=code]) [type=submit]").click()
    expect(page).to_have_url(re.compile(f"/j/{code}/$"))


def join_table(phone: Phone, first_name: str, seat: Seat) -> None:
    """Fills the join form already on screen, then waits for the live phone view."""
    fill_join_form(phone.page, first_name, seat.table_id, seat.territory_id)


def post(phone: Phone, kind: str, text: str, theme: str = "") -> None:
    form = phone.page.locator("#postit-form")
    radio = phone.page.locator(f"input[name=kind][value={kind}]")
    form.locator("label", has=radio).click()
    expect(form.locator(f"input[name=kind][value={kind}]")).to_be_checked()
    form.locator("textarea[name=text]").fill(text)
    form.locator("select[name=theme]").select_option(theme)
    form.locator("[type=submit]").click()
    # The response brings a fresh form, and the author's cell out of band.
    expect(phone.page.locator("#postit-form textarea[name=text]")).to_have_value("")


def cell(page, seat: Seat, kind: str):
    return page.locator(f"#cell-{seat.subgroup_id}-{kind}")


def postit(page, seat: Seat, kind: str, text: str):
    return cell(page, seat, kind).locator("article.postit", has_text=text)


# Tests ------------------------------------------------------------------------


def test_post_its_travel_live_to_the_projector_and_the_same_table_only(
    chromium_path, scene, daphne_factory, browser
):
    server = daphne_factory(env={"PUBLIC_URL": PUBLIC_URL})
    seats, themes = scene.seats, scene.themes
    projector = open_projector(browser, server.url, scene)
    expect(projector.locator(".join-url")).to_have_text(f"{PUBLIC_URL}/j/{scene.code}/")

    alice = new_phone(browser, server.url)
    type_code_at_home(alice, scene.code)
    join_table(alice, "Alice", seats["alice"])
    bruno = new_phone(browser, server.url)
    bruno.page.goto(f"/j/{scene.code}/")
    join_table(bruno, "Bruno", seats["bruno"])
    chloe = new_phone(browser, server.url)
    chloe.page.goto(f"/j/{scene.code}/")
    join_table(chloe, "Chloé", seats["chloe"])
    dana = new_phone(browser, server.url)
    dana.page.goto(f"/j/{scene.code}/")
    join_table(dana, "Dana", seats["dana"])

    # Table 1 writes; the projector and the other phone of table 1 see it without a reload.
    written = [
        (alice, "alice", "offer", "Cadastre solaire pour tout le Pays de Brest", themes[0]),
        (alice, "alice", "need", "Bois pour le réseau de chaleur", themes[0]),
        (bruno, "bruno", "offer", "Production alimentaire bio et locale", themes[1]),
        (bruno, "bruno", "need", "Réduire la place de la voiture individuelle", themes[2]),
    ]
    for phone, seat_name, kind, text, theme in written:
        post(phone, kind, text, theme)
        seat = seats[seat_name]
        expect(postit(phone.page, seat, kind, text)).to_be_visible()
        expect(postit(projector, seat, kind, text)).to_be_visible()
        other = bruno if phone is alice else alice
        expect(cell(other.page, seat, kind)).to_contain_text(text)
        assert other.heard(text), "arrived by websocket, not by a reload"

    # Table 2 hears nothing of table 1. Dana's post-it is sent to table 2 after every
    # table-1 post-it was sent, so once it reached Chloé a leaked one would have too.
    post(dana, "offer", "Animations culturelles dans les communes", themes[8])
    expect(postit(chloe.page, seats["dana"], "offer", "Animations culturelles")).to_have_count(1)
    assert chloe.heard("Animations culturelles")
    for _phone, _seat, _kind, text, _theme in written:
        assert not chloe.heard(text), f"table 2 received a table-1 post-it: {text}"
        expect(chloe.page.locator("body")).not_to_contain_text(text)
    expect(postit(projector, seats["dana"], "offer", "Animations culturelles")).to_be_visible()

    # Edit and delete buttons show on one's own post-its only.
    for phone in (alice, bruno):
        phone.page.locator("details.other-subgroups > summary").click()
        expect(phone.page.locator("details.other-subgroups")).to_have_attribute("open", "")
    for phone, seat_name, kind, text, _theme in written:
        for viewer in (alice, bruno):
            own = postit(viewer.page, seats[seat_name], kind, text)
            expect(own).to_be_visible()
            buttons = own.locator("a[hx-get$='/edit/'], form[hx-post$='/delete/'] button")
            expect(buttons).to_have_count(2)
            for index in range(2):
                if viewer is phone:
                    expect(buttons.nth(index)).to_be_visible()
                else:
                    expect(buttons.nth(index)).to_be_hidden()
    expect(projector.locator(".postit-own:visible")).to_have_count(0)

    # Alice edits her offer: the projector and Bruno see the new text, not the old one.
    before, after = (
        "Cadastre solaire pour tout le Pays de Brest",
        "Cadastre solaire étendu aux 7 EPCI",
    )
    postit(alice.page, seats["alice"], "offer", before).locator("[hx-get$='/edit/']").click()
    editing = alice.page.locator("#postit-form.editing")
    expect(editing.locator("textarea[name=text]")).to_have_value(before)
    editing.locator("textarea[name=text]").fill(after)
    editing.locator("[type=submit]").click()
    expect(alice.page.locator("#postit-form.editing")).to_have_count(0)
    for page in (projector, bruno.page, alice.page):
        expect(cell(page, seats["alice"], "offer")).to_contain_text(after)
        expect(cell(page, seats["alice"], "offer")).not_to_contain_text(before)

    # Alice deletes a duplicate she wrote: it leaves every screen.
    duplicate = "Doublon du réseau de chaleur"
    post(alice, "need", duplicate, themes[0])
    expect(postit(projector, seats["alice"], "need", duplicate)).to_be_visible()
    alice.page.once("dialog", lambda dialog: dialog.accept())
    postit(alice.page, seats["alice"], "need", duplicate).locator(
        "form[hx-post$='/delete/'] button"
    ).click()
    for page in (projector, bruno.page, alice.page):
        expect(postit(page, seats["alice"], "need", duplicate)).to_have_count(0)
        expect(cell(page, seats["alice"], "need")).to_contain_text("Bois pour le réseau de chaleur")

    # Pictures for the README: the projector mid-phase 1, and Alice's phone.
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    projector.mouse.move(0, 0)
    projector.screenshot(path=IMG_DIR / "projector.png")
    alice.page.evaluate("window.scrollTo(0, 0)")
    alice.page.screenshot(path=IMG_DIR / "phone.png")


def test_a_phone_cut_off_misses_nothing_once_it_reconnects_by_itself(
    chromium_path, scene, daphne, relay_to, browser
):
    """Chromium's offline emulation alone keeps the websocket open and only holds its
    frames back, so the phone would never notice. Bruno's phone reaches Daphne through
    a relay that drops the TCP connections (as a lost Wi-Fi does) and refuses new ones
    until restored; the page is set offline as well."""
    seats, themes = scene.seats, scene.themes
    relay = relay_to(daphne)
    projector = open_projector(browser, daphne.url, scene)
    alice = new_phone(browser, daphne.url)
    alice.page.goto(f"/j/{scene.code}/")
    join_table(alice, "Alice", seats["alice"])
    bruno = new_phone(browser, relay.url)
    type_code_at_home(bruno, scene.code)
    join_table(bruno, "Bruno", seats["bruno"])

    post(alice, "offer", "Cadastre solaire pour tout le Pays de Brest", themes[0])
    expect(cell(bruno.page, seats["alice"], "offer")).to_contain_text("Cadastre solaire")
    assert bruno.socket_opens() == 1

    relay.cut()
    expect(bruno.page.locator("body")).to_have_attribute("data-live", "off")
    bruno.context.set_offline(True)

    missed = "Approvisionner le réseau de chaleur en bois"
    post(alice, "need", missed, themes[0])
    # Alice's response came after the broadcast left the server, and the projector has it.
    expect(postit(projector, seats["alice"], "need", missed)).to_be_visible()
    assert not bruno.heard(missed)
    expect(cell(bruno.page, seats["alice"], "need")).not_to_contain_text(missed)
    expect(bruno.page.locator("body")).to_have_attribute("data-live", "off")

    relay.restore()
    bruno.context.set_offline(False)
    live = bruno.page.locator("body")
    expect(live).to_have_attribute("data-live", "on", timeout=RECONNECT_TIMEOUT_MS)
    # The socket opened again by itself, and the board fetched on open has what was missed.
    expect(cell(bruno.page, seats["alice"], "need")).to_contain_text(missed)
    assert bruno.socket_opens() == 2
    assert not bruno.heard(missed), "caught up by the board fetch, not by a late frame"

    # And the new socket is live.
    post(alice, "offer", "Ingénierie de la rénovation énergétique", themes[4])
    expect(cell(bruno.page, seats["alice"], "offer")).to_contain_text("Ingénierie de la rénovation")
    assert bruno.heard("Ingénierie de la rénovation")


def test_text_being_typed_survives_a_refusal_and_a_lost_connection(
    chromium_path, scene, daphne_factory, relay_to, browser
):
    """A refused post-it (too many at once) leaves the text in the form and says why; one
    sent with no network waits on the phone; the re-sync after reconnecting leaves the
    form as it is."""
    seats, themes = scene.seats, scene.themes
    server = daphne_factory(env={"WRITES_PER_MINUTE": "1"})
    relay = relay_to(server)
    alice = new_phone(browser, relay.url)
    alice.page.goto(f"/j/{scene.code}/")
    join_table(alice, "Alice", seats["alice"])
    form = alice.page.locator("#postit-form")
    text = form.locator("textarea[name=text]")

    post(alice, "offer", "Cadastre solaire pour tout le Pays de Brest", themes[0])

    # Over the limit: the server answers 429 with the form, its error and the text.
    second = "Ingénierie pour les projets d'énergies renouvelables"
    text.fill(second)
    form.locator("[type=submit]").click()
    expect(form.locator(".errors[role=alert]")).to_be_visible()
    expect(text).to_have_value(second)
    expect(cell(alice.page, seats["alice"], "offer")).not_to_contain_text(second)

    # No network: the post-it waits on the phone (outbox.js, see test_offline_queue.py),
    # and what is typed next stays in the form.
    relay.cut()
    alice.context.set_offline(True)
    third = "Plateforme d'approvisionnement pour les cuisines centrales"
    text.fill(third)
    form.locator("[type=submit]").click()
    expect(alice.page.locator("#outbox .outbox-item")).to_contain_text(third)
    fourth = "Légumerie partagée entre cantines"
    text.fill(fourth)

    # Back online: the socket reopens and the board re-syncs around the form, not over it.
    # The waiting post-it is sent: refused while over the limit (kept in the list, with
    # its text), or written if the minute's window has turned meanwhile; never lost.
    relay.restore()
    alice.context.set_offline(False)
    expect(alice.page.locator("body")).to_have_attribute(
        "data-live", "on", timeout=RECONNECT_TIMEOUT_MS
    )
    expect(alice.page.locator("#board")).to_contain_text("Cadastre solaire")
    expect(text).to_have_value(fourth)
    kept = alice.page.locator(
        "#board article.postit, #outbox .outbox-item[data-state=refused]", has_text=third
    )
    expect(kept).to_have_count(1)


# htmx's own path for a message's out-of-band elements, as the ws extension takes it.
REPLAY = "(frame) => htmx.swap(document.body, frame, {swapStyle: 'none'})"


def test_a_post_it_shows_once_when_its_message_comes_twice_or_it_changes_kind(
    chromium_path, scene, daphne, browser
):
    """A post-it travels alone (its fragment, added to its cell): a message that arrives
    again (late, after the board was fetched again) does not show it twice, and a post-it
    that becomes a need leaves the offers."""
    seats, themes = scene.seats, scene.themes
    alice = new_phone(browser, daphne.url)
    alice.page.goto(f"/j/{scene.code}/")
    join_table(alice, "Alice", seats["alice"])
    bruno = new_phone(browser, daphne.url)
    bruno.page.goto(f"/j/{scene.code}/")
    join_table(bruno, "Bruno", seats["bruno"])
    bruno.page.locator("details.other-subgroups > summary").click()

    text = "Chaufferie bois mutualisée"
    post(alice, "offer", text, themes[0])
    expect(postit(bruno.page, seats["alice"], "offer", text)).to_have_count(1)
    [frame] = [frame for frame in bruno.frames if text in frame]
    bruno.page.evaluate(REPLAY, frame)
    expect(postit(bruno.page, seats["alice"], "offer", text)).to_have_count(1)

    postit(alice.page, seats["alice"], "offer", text).locator("[hx-get$='/edit/']").click()
    editing = alice.page.locator("#postit-form.editing")
    editing.locator("label", has=alice.page.locator("input[name=kind][value=need]")).click()
    editing.locator("[type=submit]").click()
    expect(alice.page.locator("#postit-form.editing")).to_have_count(0)
    for page in (bruno.page, alice.page):
        expect(postit(page, seats["alice"], "need", text)).to_have_count(1)
        expect(postit(page, seats["alice"], "offer", text)).to_have_count(0)
    expect(cell(bruno.page, seats["alice"], "offer").locator(".cell-empty")).to_be_visible()
