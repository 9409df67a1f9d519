"""The negotiation on the projector, end to end: a real Daphne, Debian's Chromium.

Transactions are written by another process through the services (as a phone's request
would, in another worker), so the change reaches the projector through Redis, as in a
room with several workers: the gauge moves live. The pair view shows the pair at every
table. Both views fit 1920×1080 and 1024×768: no scrolling, nothing outside the screen, text
at the floor (text_floor) or above. The full walk of every page at three sizes is
test_baskets_projector_fit.py.

Every database read happens before Playwright starts (Django refuses ORM calls while its
event loop runs); the writes run in their own process.
"""

import re
import subprocess
import sys
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.baskets.screen_helpers import give
from tests.conftest import basket_of, goto, subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, IMG_DIR, sign_in, text_floor
from workshops.models import Phase, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(1920, 1080), (1024, 768)]

# Run in another process with the server's environment: the services, then the broadcast
# through the shared channel layer once the transaction commits.
GIVE = """
import sys, django
django.setup()
from baskets import services
from baskets.models import Basket
from workshops import services as room
basket = Basket.objects.get(pk=int(sys.argv[1]))
giver = basket.side_a if sys.argv[2] == "a" else basket.side_b
offer = room.postit_create(subgroup=giver, author=None, kind="offer", text=sys.argv[3])
services.transaction_create(
    basket=basket, by=None, giver=giver, offer=offer, value=int(sys.argv[4]), effort=int(sys.argv[5])
)
"""

# The same, taking out the transaction that gives an offer of that text.
TAKE_OUT = """
import sys, django
django.setup()
from baskets import services
from baskets.models import Transaction
given = Transaction.objects.get(basket_id=int(sys.argv[1]), offer__text=sys.argv[2])
services.transaction_delete(transaction_=given, by=None, version=None)
"""

MEASURE = """() => {
  const out = [];
  const vw = window.innerWidth, vh = window.innerHeight;
  // The links' line scrolls sideways when long (fifteen pairs): its links are not the room's.
  for (const el of document.querySelectorAll("#live *:not(.baskets-nav *)")) {
    const rects = el.getClientRects();
    if (!rects.length) continue;  // not displayed
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
      out.push((el.id || el.className || el.tagName) + " " + JSON.stringify(r.toJSON()));
    }
  }
  const px = (selector) => [...document.querySelectorAll(selector)]
    .filter((el) => el.getClientRects().length)
    .map((el) => parseFloat(getComputedStyle(el).fontSize));
  return {
    outside: out,
    scrollHeight: document.documentElement.scrollHeight, innerHeight: vh,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: vw,
    shown: document.querySelectorAll(".screen-slot:not([hidden])").length,
    slots: document.querySelectorAll(".screen-slot:not(:has(.gauge-empty))").length,
    pages: +document.getElementById("baskets-screen").dataset.pages,
    pager: document.getElementById("baskets-pager").hidden ? "" : document.getElementById("baskets-pager").textContent,
    empty: (document.querySelector(".screen-empty-baskets:not([hidden])") || {}).textContent || "",
    verdicts: px(".screen-slot:not([hidden]) .gauge-verdict"),
    texts: px(".screen-slot:not([hidden]) :is(.basket-title, .gauge-scale, .transaction-offer, .transaction-scores)"),
  };
}"""


@dataclass
class Scene:
    pk: int
    basket_1: int  # table 1, BM ↔ PdB
    basket_2: int  # table 2, BM ↔ PdB
    pair: tuple[int, int]


@pytest.fixture
def scene(workshop) -> Scene:
    workshop = Workshop.objects.get(pk=workshop.pk)
    workshop.status = Workshop.Status.OPEN
    workshop.save(update_fields=["status"])
    from django.utils import timezone

    workshop = goto(workshop, Phase.Kind.NEGOTIATION, timezone.now())
    at_2 = basket_of(workshop, 2, "BM", "PdB")
    give(at_2, "PdB", "Accès aux soins", value=4, effort=1)
    bm, pdb = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    return Scene(
        pk=workshop.pk,
        basket_1=basket_of(workshop, 1, "BM", "PdB").pk,
        basket_2=at_2.pk,
        pair=(bm.territory_id, pdb.territory_id),
    )


def give_elsewhere(server, basket: int, side: str, text: str, value: int, effort: int) -> None:
    subprocess.run(
        [sys.executable, "-c", GIVE, str(basket), side, text, str(value), str(effort)],
        env=server.env,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=60,
    )


def take_out_elsewhere(server, basket: int, text: str) -> None:
    subprocess.run(
        [sys.executable, "-c", TAKE_OUT, str(basket), text],
        env=server.env,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=60,
    )


def assert_fits(page, where: str, report: list[str]) -> None:
    m = page.evaluate(MEASURE)
    assert m["scrollHeight"] <= m["innerHeight"], where
    assert m["scrollWidth"] <= m["innerWidth"], where
    assert not m["outside"], (where, m["outside"][:5])
    assert m["shown"] >= 1, where
    assert (m["pages"] > 1) == bool(m["pager"]), (where, m["pager"])
    floor = text_floor(m["innerHeight"]) - 0.05
    assert min(m["verdicts"]) >= floor * 1.2, (where, m["verdicts"])
    assert min(m["texts"]) >= floor, (where, min(m["texts"]))
    report.append(
        f"{where}: {m['shown']}/{m['slots']} baskets, {m['pages']} pages,"
        f" text ≥{min(m['texts']):.0f}px, verdict {min(m['verdicts']):.0f}px {m['pager']}"
    )


def settle(page) -> None:
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(page.locator("#baskets-screen")).to_have_attribute("data-pages", re.compile(r"\d+"))
    page.wait_for_timeout(300)  # the content fetched again when the socket opened


def test_the_projector_follows_the_baskets_live_and_fits_its_screen(
    chromium_path, scene, redis_url, daphne_factory, browser
):
    server = daphne_factory(redis_url=redis_url)
    report = []
    table_url = f"/w/{scene.pk}/baskets/tables/1/"
    pair_url = f"/w/{scene.pk}/baskets/pairs/{scene.pair[0]}/{scene.pair[1]}/"
    for index, (width, height) in enumerate(VIEWPORTS):
        context = browser.new_context(
            base_url=server.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        if index == 0:  # from the room's grids, by its link (shown in the negotiation; the
            # projector following the workshop would show every table's baskets by itself)
            sign_in(page, f"/w/{scene.pk}/projector/?view=all")
            link = page.locator(f".baskets-links a[href='{table_url}']")
            expect(link).to_be_visible()
            link.click()
            expect(page).to_have_url(re.compile(re.escape(table_url) + "$"))
        else:
            sign_in(page, table_url)
        settle(page)
        gauge = page.locator(f"#basket-{scene.basket_1} .gauge")
        if index == 0:
            console = context.new_page()  # the facilitator's laptop, beside the projector
            console.goto(f"/w/{scene.pk}/console/")
            expect(console.locator("body")).to_have_attribute("data-live", "on")
            in_console = console.locator(f"#console-baskets [data-basket='{scene.basket_1}']")
            expect(in_console).to_have_attribute("data-gauge", "empty")
            expect(gauge).to_have_attribute("data-gauge", "empty")
            # Empty, it is only named on the line of empty baskets.
            empty_line = page.locator(".screen-empty-baskets")
            expect(empty_line).to_contain_text("BM ↔ PdB")
            expect(page.locator(f"#basket-{scene.basket_1}")).to_be_hidden()
            # BM gives (effort 1), PdB receives (value 5): gains -1 and 5, it leans to PdB.
            give_elsewhere(server, scene.basket_1, "a", "Bois-énergie local", 5, 1)
            expect(gauge).to_have_attribute("data-gauge", "leans_b")
            # Laid out again live: drawn with its transaction, off the line of empty ones.
            expect(page.locator(f"#basket-{scene.basket_1} .transaction-offer")).to_be_visible()
            expect(page.locator(f"#basket-{scene.basket_1}")).to_contain_text("Bois-énergie")
            expect(empty_line).not_to_contain_text("BM ↔ PdB")
            # PdB gives as much back: gains 4 and 4, balanced. Each write's message lays
            # out its table once (#baskets-screen[data-layouts]), not the screen's others.
            screen = page.locator("#baskets-screen")
            before = int(screen.get_attribute("data-layouts"))
            give_elsewhere(server, scene.basket_1, "b", "Produits laitiers", 5, 1)
            expect(gauge).to_have_attribute("data-gauge", "balanced")
            expect(screen).to_have_attribute("data-layouts", str(before + 1))
            give_elsewhere(server, scene.basket_1, "b", "Ingénierie foncière", 2, 4)
            expect(gauge).to_have_attribute("data-gauge", "leans_a")
            expect(screen).to_have_attribute("data-layouts", str(before + 2))
            # The basket's border follows its gauge, and the screen got no controls.
            expect(page.locator(f"#basket-{scene.basket_1}")).to_have_class(
                re.compile(r"\bgauge-leans_a\b")
            )
            expect(page.locator("#baskets-screen :is(form, button)")).to_have_count(0)
            # BM's only transaction taken out: removed by id, BM's side takes no line and
            # the basket says it goes one way; its table laid out once more.
            take_out_elsewhere(server, scene.basket_1, "Bois-énergie local")
            basket_1 = page.locator(f"#basket-{scene.basket_1}")
            expect(basket_1.locator(".transaction")).to_have_count(2)
            expect(basket_1.locator(".basket-warning")).to_be_visible()
            expect(basket_1.locator(".basket-direction:visible")).to_have_count(1)
            expect(screen).to_have_attribute("data-layouts", str(before + 3))
            give_elsewhere(server, scene.basket_1, "a", "Bois-énergie local", 5, 1)
            expect(basket_1.locator(".basket-warning")).to_be_hidden()
            expect(gauge).to_have_attribute("data-gauge", "leans_a")
            # The console fetched its overview again on the nudge: the basket's count, its gauge.
            expect(in_console).to_have_attribute("data-gauge", "leans_a")
            expect(in_console.locator(".console-basket-count")).to_contain_text("3")
            console.locator("#console-baskets").screenshot(path=IMG_DIR / "console-baskets.png")
            console.close()
        else:
            expect(gauge).to_have_attribute("data-gauge", "leans_a")
        assert_fits(page, f"table 1 at {width}×{height}", report)
        if index == 0:
            IMG_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=IMG_DIR / "projector-baskets.png")

        page.goto(pair_url)
        settle(page)
        slots = page.locator(".screen-slot")
        expect(slots).to_have_count(3)
        assert [slots.nth(n).get_attribute("data-table") for n in range(3)] == ["1", "2", "3"]
        expect(page.locator(f"#basket-{scene.basket_2} .gauge")).to_have_attribute(
            "data-gauge", "leans_a"
        )
        expect(page.locator(f"#basket-{scene.basket_1} .gauge")).to_have_attribute(
            "data-gauge", "leans_a"
        )
        assert_fits(page, f"pair at {width}×{height}", report)
        if index == 0:
            page.screenshot(path=IMG_DIR / "projector-pair.png")
        context.close()
    print("\n".join(report))


@pytest.fixture
def crowded(owner) -> tuple[int, int]:
    """Six territories at two tables: fifteen baskets a table, some full of transactions."""
    from django.utils import timezone

    from territories.models import Territory
    from tests.e2e.test_projector_fit import TERRITORIES
    from workshops import phases, services

    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays")
        for name, short in TERRITORIES
    ]
    workshop = services.workshop_create(
        created_by=owner, title="Atelier 6 × 2", territories=territories, table_count=2
    )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, timezone.now())
    full = basket_of(workshop, 1, "BM", "PdB")
    for n in range(12):
        give(full, "BM" if n % 2 else "PdB", f"Offre numéro {n} du territoire", value=n % 5 + 1)
    give(basket_of(workshop, 1, "CCKB", "LTC"), "LTC", "Méthanisation agricole", value=4)
    return workshop.pk, full.pk


def test_fifteen_baskets_name_the_empty_ones_on_a_line_and_continue_a_full_one(
    chromium_path, crowded, daphne, browser
):
    """Thirteen of the fifteen baskets are empty: one line names them, and they take no page;
    the full one (twelve transactions) shows every transaction, continued on a next page
    when the screen is too short for all of them."""
    pk, full = crowded
    report = []
    for width, height in VIEWPORTS:
        context = browser.new_context(
            base_url=daphne.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        sign_in(page, f"/w/{pk}/baskets/tables/1/")
        settle(page)
        page.keyboard.press("Space")  # paused: the test turns the pages
        m = page.evaluate(MEASURE)
        assert m["empty"].count("↔") == 13, (width, m["empty"])
        assert m["slots"] == 2
        seen = set()
        for turn in range(m["pages"]):
            assert_fits(page, f"15 baskets, page {turn + 1}, at {width}×{height}", report)
            seen |= set(
                page.locator(f"#basket-{full} .transaction:visible").evaluate_all(
                    "(items) => items.map((item) => item.id)"
                )
            )
            page.keyboard.press("ArrowRight")  # the next page
        assert len(seen) == 12, (width, sorted(seen))
        context.close()
    print("\n".join(report))
