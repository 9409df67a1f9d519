"""The plenary end to end: a real Daphne, Debian's Chromium.

The facilitator moves the room to the plenary from the console and steps through two
baskets in presenter mode (a console button, then the projector's keyboard); three
phones spend their dots and answer the feedback; the projector shows the ranked chart
once revealed, and only the feedback the facilitator showed.

Elements are found by ids and data attributes, never by interface text.
"""

import re
from dataclasses import dataclass, field

import pytest

from baskets import services as basket_services
from tests.conftest import basket_of, goto, subgroup_of
from tests.e2e.screens import (
    ACTION_TIMEOUT_MS,
    IMG_DIR,
    PHONE,
    fill_join_form,
    sign_in,
    text_floor,
    to_front,
)
from tests.e2e.test_csp import READ_VIOLATIONS, WATCH_VIOLATIONS
from workshops import services as room
from workshops.models import Phase

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT_FLOOR_PX = 28
FITS = """() => ({
  scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight,
  texts: [...document.querySelectorAll('#presenter-slide :is(.slide-title, .slide-transaction, .gauge-figures td)')]
    .map((el) => parseFloat(getComputedStyle(el).fontSize)),
})"""


@dataclass
class Scene:
    pk: int
    code: str
    plenary_phase: int
    seats: dict = field(default_factory=dict)  # name -> (table id, territory id)
    items: dict = field(default_factory=dict)  # label -> "b12" / "t34"


@pytest.fixture
def scene(workshop) -> Scene:
    """Two baskets built at table 1, the room in its conditions phase."""
    workshop = goto(workshop, Phase.Kind.NEGOTIATION)
    basket_services.ensure_baskets(workshop)
    bm, pdb, cob = (subgroup_of(workshop, 1, name) for name in ("BM", "PdB", "COB"))
    first, second = basket_of(workshop, 1, "BM", "COB"), basket_of(workshop, 1, "BM", "PdB")
    third = basket_of(workshop, 1, "COB", "PdB")  # five transactions: parts on a small screen
    items = {"basket_cob": f"b{first.pk}", "basket_pdb": f"b{second.pk}"}
    long_texts = [
        "Méthanisation des effluents d'élevage pour le réseau de chaleur du bourg",
        "Accueil de stagiaires des lycées agricoles dans les exploitations",
        "Plateforme logistique partagée pour les circuits courts alimentaires",
        "Ingénierie commune pour le plan de mobilité rurale et les aires de covoiturage",
        "Formation des élus aux marchés publics de restauration collective",
    ]
    for basket, giver, text in [
        (first, cob, "Circuits courts"),
        (first, bm, "Ingénierie de projet"),
        (second, pdb, "Bois-énergie"),
        (second, bm, "Accès aux soins"),
        *((third, cob if n % 2 else pdb, text) for n, text in enumerate(long_texts)),
    ]:
        offer = room.postit_create(subgroup=giver, author=None, kind="offer", text=text)
        created = basket_services.transaction_create(
            basket=basket, by=None, giver=giver, offer=offer, value=4, effort=2
        )
        items[text] = f"t{created.pk}"
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    seats = {}
    for name, (table, short) in {
        "alice": (1, "BM"),
        "bruno": (1, "PdB"),
        "chloe": (2, "BM"),
    }.items():
        subgroup = subgroup_of(workshop, table, short)
        seats[name] = (subgroup.table_id, subgroup.territory_id)
    plenary = workshop.phases.get(kind=Phase.Kind.PLENARY)
    return Scene(workshop.pk, workshop.code, plenary.pk, seats, items)


def join(browser, base_url, scene, name):
    context = browser.new_context(base_url=base_url, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.goto(f"/j/{scene.code}/")
    fill_join_form(page, name.capitalize(), *scene.seats[name])
    return page


def dot(page, item):
    left = int(page.locator("#dots-left").get_attribute("data-left"))
    page.locator(f".dot-item[data-item='{item}'] .dot-place").click()
    expect(page.locator("#dots-left")).to_have_attribute("data-left", str(left - 1))


def test_presenter_dots_and_moderated_feedback(chromium_path, scene, daphne, browser):
    laptop = browser.new_context(
        base_url=daphne.url, viewport={"width": 1920, "height": 1080}, locale="fr-FR"
    )
    laptop.set_default_timeout(ACTION_TIMEOUT_MS)
    laptop.add_init_script(WATCH_VIOLATIONS)  # the Content-Security-Policy holds throughout
    console = laptop.new_page()
    sign_in(console, f"/w/{scene.pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    phones = {name: join(browser, daphne.url, scene, name) for name in ("alice", "bruno", "chloe")}

    # The facilitator moves the room to the plenary: the phones get the plenary by themselves.
    console.locator(f"li[data-phase-id='{scene.plenary_phase}'] button[type=submit]").click()
    for page in phones.values():
        expect(page.locator("#plenary-phone")).to_be_visible()
    expect(console.locator("#console-plenary")).to_be_visible()

    # Presenter mode: the projector shows slide 1; next from the console, then the keyboard.
    projector = laptop.new_page()
    projector.goto(f"/w/{scene.pk}/plenary/present/")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    slide = projector.locator("#presenter-slide")
    expect(slide).to_have_attribute("data-slide", "1")
    expect(slide).to_contain_text("Circuits courts")
    fits = projector.evaluate(FITS)
    assert fits["scrollHeight"] <= fits["innerHeight"] and min(fits["texts"]) >= TEXT_FLOOR_PX
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=IMG_DIR / "projector-presenter.png")
    to_front(console)
    console.locator("#presenter-next").click()
    expect(slide).to_have_attribute("data-slide", "2")
    expect(slide).to_contain_text("Bois-énergie")
    projector.keyboard.press("ArrowRight")
    expect(slide).to_have_attribute("data-slide", "3")
    # Only the baskets with something in them: table 1's three, none of the empty ones.
    expect(slide).to_have_attribute("data-count", "3")
    # The long basket (five transactions) whole on a large projector; a small one cuts it
    # into parts when it must, each filled before the next, and → walks them.
    expect(slide).to_have_attribute("data-parts", "1")
    projector.set_viewport_size({"width": 1024, "height": 768})
    projector.wait_for_load_state("networkidle")
    parts = int(slide.get_attribute("data-parts"))
    for part in range(1, parts + 1):
        expect(slide).to_have_attribute("data-shown-part", str(part))
        if parts > 1:
            expect(slide.locator(".slide-part")).to_be_visible()
        fits = projector.evaluate(FITS)
        if part == 1:
            projector.screenshot(path=IMG_DIR / "projector-presenter-1024x768.png")
        assert fits["scrollHeight"] <= fits["innerHeight"], (part, fits)
        assert min(fits["texts"]) >= text_floor(768) - 0.05, (part, fits)
        if part < parts:
            projector.keyboard.press("ArrowRight")
    expect(slide).to_have_attribute("data-slide", "3")
    projector.set_viewport_size({"width": 1920, "height": 1080})
    expect(slide).to_have_attribute("data-parts", "1")
    fits = projector.evaluate(FITS)
    assert fits["scrollHeight"] <= fits["innerHeight"] and min(fits["texts"]) >= TEXT_FLOOR_PX
    projector.keyboard.press("ArrowLeft")
    expect(slide).to_have_attribute("data-slide", "2")
    expect(console.locator("#console-slide")).to_contain_text("2 /")

    # Voting opens: the phones' buttons come alive; three phones spend their dots.
    to_front(console)
    console.locator("#voting-open").click()
    for page in phones.values():
        expect(page.locator("#voting-closed")).to_have_count(0)
    i = scene.items
    dot(phones["alice"], i["basket_pdb"])
    dot(phones["alice"], i["basket_pdb"])
    dot(phones["alice"], i["Circuits courts"])
    dot(phones["bruno"], i["basket_pdb"])
    dot(phones["bruno"], i["Circuits courts"])
    dot(phones["bruno"], i["Accès aux soins"])
    phones["chloe"].locator("details.dots-table[data-table='1'] summary").click()  # not hers
    dot(phones["chloe"], i["basket_pdb"])
    dot(phones["chloe"], i["basket_pdb"])  # her second there: the cap of 2 is reached
    expect(
        phones["chloe"].locator(f".dot-item[data-item='{i['basket_pdb']}'] .dot-place")
    ).to_have_count(0)
    # A dot taken back, and placed again elsewhere.
    phones["chloe"].locator(f".dot-item[data-item='{i['basket_pdb']}'] .dot-take").click()
    expect(phones["chloe"].locator("#dots-left")).to_have_attribute("data-left", "2")
    dot(phones["chloe"], i["Circuits courts"])
    dot(phones["chloe"], i["basket_pdb"])
    expect(phones["chloe"].locator("#dots-left")).to_have_attribute("data-left", "0")

    # Feedback from the three phones.
    for name, page in phones.items():
        form = page.locator("form.plenary-answer").first
        form.locator("textarea").fill(f"Réponse de {name}")
        form.locator("button[type=submit]").click()
        expect(page.locator("form.plenary-answer textarea").first).to_have_value("")

    # The wall: nothing yet; the chart hidden while voting goes on.
    wall = laptop.new_page()
    wall.goto(f"/w/{scene.pk}/plenary/wall/")
    expect(wall.locator("body")).to_have_attribute("data-live", "on")
    expect(wall.locator(".wall-answer")).to_have_count(0)
    expect(wall.locator(".chart-bar")).to_have_count(0)

    # The answers reach the console first; the facilitator shows Bruno's only.
    moderated = console.locator(".moderation-answer", has_text="Réponse de bruno")
    expect(moderated).to_be_visible()
    expect(console.locator(".moderation-answer")).to_have_count(3)
    moderated.locator("button[name=shown][value='1']").click()
    expect(wall.locator(".wall-answer")).to_have_count(1)
    expect(wall.locator(".wall-answer")).to_have_text("Réponse de bruno")

    # Voting ends, the results are revealed: a ranked bar chart.
    to_front(console)
    console.locator("#voting-close").click()
    expect(phones["alice"].locator("#voting-closed")).to_be_visible()
    console.locator("#results-show").click()
    bars = wall.locator(".chart-bar")
    expect(bars).to_have_count(3)
    assert [bars.nth(n).get_attribute("data-item") for n in range(3)][:2] == [
        i["basket_pdb"],
        i["Circuits courts"],
    ]
    assert [bars.nth(n).get_attribute("data-dots") for n in range(3)] == ["5", "3", "1"]
    wall.screenshot(path=IMG_DIR / "projector-plenary-wall.png")

    # Never a hidden answer, never a name, on the wall's page or its socket.
    html = wall.content()
    assert "Réponse de alice" not in html and "Réponse de chloe" not in html
    assert "Alice" not in html and "Chloe" not in html
    assert re.search(r"Réponse de bruno", html)
    for page in (console, projector, wall, *phones.values()):
        assert page.evaluate(READ_VIOLATIONS) == [], page.url
