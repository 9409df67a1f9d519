"""Two phones of two territories at one table build a basket together, by taps only,
on narrow phones (360 px); each sees the other's changes live; a phone of another table
hears nothing of it.

Elements are found by ids, names and data attributes, and post-its by their own text,
never by interface text: the test holds in French and in English.
"""

from dataclasses import dataclass, field

import pytest

from baskets import services as basket_services
from baskets.models import Basket
from tests.conftest import goto, subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, IMG_DIR, PHONE, fill_join_form, sign_in
from tests.e2e.test_accessibility import blocking_violations
from workshops.models import Phase, PostIt

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


@dataclass
class Seat:
    table_id: int
    territory_id: int
    subgroup_id: int


@dataclass
class Scene:
    code: str
    basket_pk: int
    seats: dict[str, Seat]
    workshop_pk: int = 0


@pytest.fixture
def scene(workshop) -> Scene:
    """The workshop in its negotiation phase, a few post-its on table 1's grid."""
    workshop = goto(workshop, Phase.Kind.NEGOTIATION)
    basket_services.ensure_baskets(workshop)
    bm, pdb = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    for subgroup, kind, text in [
        (bm, "offer", "Ingénierie de projet"),
        (bm, "offer", "Débouchés pour les produits locaux"),
        (bm, "need", "Bois pour le réseau de chaleur"),
        (bm, "need", "Foncier pour le logement"),
        (pdb, "offer", "Bois-énergie des haies bocagères"),
        (pdb, "offer", "Terres agricoles préservées"),
        (pdb, "need", "Accès aux soins"),
        (pdb, "need", "Appui en ingénierie"),
    ]:
        # Straight to the table: a broadcast from here would reach no test server.
        PostIt.objects.create(subgroup=subgroup, author=None, kind=kind, text=text)
    basket = Basket.objects.get(side_a=bm, side_b=pdb)
    seats = {}
    for name, (table, short_name) in {
        "alice": (1, "BM"),
        "bruno": (1, "PdB"),
        "chloe": (2, "BM"),
    }.items():
        subgroup = subgroup_of(workshop, table, short_name)
        seats[name] = Seat(subgroup.table_id, subgroup.territory_id, subgroup.pk)
    return Scene(workshop.code, basket.pk, seats)


@dataclass(eq=False)
class Phone:
    page: object
    frames: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload):
        self.frames.append(payload if isinstance(payload, str) else payload.decode())


def join(browser, base_url: str, scene: Scene, name: str) -> Phone:
    context = browser.new_context(base_url=base_url, **NARROW_PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    phone = Phone(context.new_page())
    phone.page.goto(f"/j/{scene.code}/")
    seat = scene.seats[name]
    fill_join_form(phone.page, name.capitalize(), seat.table_id, seat.territory_id)
    return phone


def add_transaction(phone: Phone, basket_pk: int, *, offer, needs, score, other_gives=False):
    """Taps only: (who gives), the offer, the needs it answers, our number, add."""
    page = phone.page
    page.locator(f"#transaction-slot-{basket_pk} .add-transaction").click()
    form = page.locator(f"#transaction-form-{basket_pk}")
    expect(form).to_be_visible()
    if other_gives:
        form.locator(".giver-choice .choice:not(.chosen)").click()
        expect(form.locator(".offers label.choice", has_text=offer)).to_be_visible()
    form.locator(".offers label.choice", has_text=offer).click()
    for need in needs:
        form.locator(".needs label.choice", has_text=need).click()
    form.locator(f".score-choice label.score-button:has(input[value='{score}'])").click()
    form.locator("button[type=submit].primary").click()
    expect(page.locator(f"#transaction-slot-{basket_pk} .add-transaction")).to_be_visible()


def test_two_phones_build_a_basket_by_taps_and_see_each_other_live(
    chromium_path, scene, daphne, browser
):
    alice = join(browser, daphne.url, scene, "alice")
    bruno = join(browser, daphne.url, scene, "bruno")
    chloe = join(browser, daphne.url, scene, "chloe")
    pk = scene.basket_pk
    in_basket = {
        phone: phone.page.locator(f"#basket-{pk} li.transaction") for phone in (alice, bruno)
    }

    # The tap targets fit a 360 px screen, and are big enough for a thumb.
    alice.page.locator(f"#transaction-slot-{pk} .add-transaction").click()
    form = alice.page.locator(f"#transaction-form-{pk}")
    for target in form.locator("label.choice, label.score-button, .giver-choice .choice").all():
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44 and box["x"] + box["width"] <= 360
    alice.page.locator(f"#transaction-form-{pk} a.button.secondary").click()

    add_transaction(alice, pk, offer="Ingénierie de projet", needs=["Appui en ingénierie"], score=2)
    expect(in_basket[bruno]).to_have_count(1)
    add_transaction(
        bruno,
        pk,
        offer="Bois-énergie des haies bocagères",
        needs=["Bois pour le réseau de chaleur"],
        score=4,
    )
    expect(in_basket[alice]).to_have_count(2)
    # Alice notes what Bruno's side gives her too, and what it is worth to her.
    add_transaction(
        alice,
        pk,
        offer="Terres agricoles préservées",
        needs=["Foncier pour le logement"],
        score=5,
        other_gives=True,
    )
    expect(in_basket[bruno]).to_have_count(3)

    # Each side sets its own number on the others' transactions, by a tap.
    first = bruno.page.locator(f"#basket-{pk} li.transaction", has_text="Ingénierie de projet")
    first.locator(".score-button[value='4']").click()
    expect(
        alice.page.locator(f"#basket-{pk} li.transaction", has_text="Ingénierie de projet")
    ).to_have_attribute("data-value", "4")
    second = alice.page.locator(f"#basket-{pk} li.transaction", has_text="Bois-énergie")
    second.locator(".score-button[value='5']").click()
    expect(
        bruno.page.locator(f"#basket-{pk} li.transaction", has_text="Bois-énergie")
    ).to_have_attribute("data-value", "5")
    # On each phone, the number pressed is that phone's side's own.
    expect(second.locator(".score-button[value='5']")).to_have_attribute("aria-pressed", "true")
    expect(first.locator(".score-button[value='4']")).to_have_attribute("aria-pressed", "true")
    expect(alice.page.locator(f"#basket-{pk} .gauge")).not_to_have_attribute("data-gauge", "empty")

    IMG_DIR.mkdir(parents=True, exist_ok=True)
    bruno.page.locator(f"#basket-{pk}").screenshot(path=IMG_DIR / "phone-basket.png")

    # A form being filled survives the panels coming again (a reconnection, a new phase).
    alice.page.locator(f"#transaction-slot-{pk} .add-transaction").click()
    form = alice.page.locator(f"#transaction-form-{pk}")
    form.locator(".offers label.choice", has_text="Débouchés").click()
    form.locator("textarea[name=note]").fill("En contrepartie d'un appui")
    alice.page.evaluate("document.getElementById('baskets-phone').dataset.before = 'yes'")
    alice.page.evaluate("document.body.dispatchEvent(new CustomEvent('paniers:phase-changed'))")
    expect(alice.page.locator("#baskets-phone[data-before]")).to_have_count(0)  # swapped
    expect(form.locator("textarea[name=note]")).to_have_value("En contrepartie d'un appui")
    expect(form.locator(".offers input:checked")).to_have_count(1)
    form.screenshot(path=IMG_DIR / "phone-transaction-form.png")

    # axe finds nothing serious on a phone with its baskets, a form open, the grid unfolded.
    alice.page.locator("#basket-grid-box summary").click()
    assert blocking_violations(alice.page) == []

    # Table 2 heard none of it.
    assert not any(f'id="basket-{pk}"' in frame for frame in chloe.frames)
    assert alice.page.locator(f"#basket-{pk}").count() == 1
    assert chloe.page.locator(f"#basket-{pk}").count() == 0


@pytest.fixture
def formulation_scene(workshop) -> Scene:
    """The workshop in its first phase (formulation): no basket on the phones yet."""
    basket_services.ensure_baskets(workshop)
    bm, pdb = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    basket = Basket.objects.get(side_a=bm, side_b=pdb)
    seats = {"alice": Seat(bm.table_id, bm.territory_id, bm.pk)}
    return Scene(workshop.code, basket.pk, seats, workshop.pk)


def test_the_baskets_come_to_the_phone_when_the_phase_moves_on(
    chromium_path, formulation_scene, daphne, browser
):
    scene = formulation_scene
    context = browser.new_context(base_url=daphne.url, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    phone = context.new_page()
    phone.goto(f"/j/{scene.code}/")
    fill_join_form(phone, "Alice", scene.seats["alice"].table_id, scene.seats["alice"].territory_id)
    expect(phone.locator("#baskets-phone")).to_have_count(0)
    phone.evaluate("window.__marker = 1")

    console = browser.new_context(base_url=daphne.url).new_page()
    console.set_default_timeout(ACTION_TIMEOUT_MS)
    sign_in(console, f"/w/{scene.workshop_pk}/console/")

    def next_phase():
        with console.expect_response(lambda r: r.url.endswith("/clock/") and r.ok):
            console.locator(".clock-controls button[value=next]").click()

    next_phase()  # negotiation: the baskets arrive, with the way to add to ours
    expect(phone.locator(f"#baskets-phone #basket-{scene.basket_pk}")).to_be_visible()
    expect(phone.locator(f"#transaction-slot-{scene.basket_pk} .add-transaction")).to_be_visible()
    next_phase()  # conditions: still there to read, no longer to change
    expect(phone.locator(f"#transaction-slot-{scene.basket_pk}")).to_have_count(0)
    expect(phone.locator(f"#basket-{scene.basket_pk}")).to_be_visible()
    assert phone.evaluate("window.__marker") == 1, "the phone reloaded"
