"""The negotiation reads from the back of the room (issue 16): every projector view of the
baskets (all tables, one table, one pair across tables) shows what is exchanged (who gives
what, for which need, its value and effort), fits every screen and reaches everything.

A 4-territory × 4-table workshop with long names: a table with full baskets (long offers,
needs and notes), an offer promised twice, one-way baskets and 15 or more warnings; a table
with one basket; a table with nothing; a table with a few one-way baskets. At 1920×1080,
1280×720 and 1024×768, each view's pages are walked with →, and on every page: no scroll,
nothing outside the screen or clipped by its box, no overlap, no word cut across lines,
every text at the floor (text_floor) or above, and each gauge's bar on the side its verdict
names. Across the pages, every transaction, warning and basket with content is seen.

One Daphne and one browser for every case (as test_projector_fit.py): the workshop is made
first (Django refuses ORM calls while Playwright's event loop runs)."""

import re

import pytest
from django.utils import timezone

from baskets import services as baskets
from baskets.models import Transaction
from territories.models import Territory
from tests import conftest
from tests.conftest import goto, subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, IMG_DIR, settled, sign_in, text_floor
from workshops import phases
from workshops import services as room
from workshops.models import Phase, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(1920, 1080), (1280, 720), (1024, 768)]
# Few pages, the empty baskets taking none (measured: 7, 3, 2 at 1920×1080 and 1280×720;
# 11, 6, 3 at 1024×768), with some slack for fonts: every table, table 1, the pair.
MOST_PAGES = {1920: (8, 4, 3), 1280: (8, 4, 3), 1024: (13, 7, 4)}
# Sorted by name, as the baskets are (A first): BM, CCKB, COB, PdB. Kreiz-Breizh has no
# short name: its full name is what the baskets say.
TERRITORIES = [
    ("Brest Métropole", "BM"),
    ("Communauté de communes du Kreiz-Breizh", ""),
    ("Pays Centre Ouest Bretagne", "COB"),
    ("Pays de Brest", "PdB"),
]
KB = "Communauté de communes du Kreiz-Breizh"
NEEDS = [
    "Approvisionnement des cantines scolaires en produits locaux et de saison",
    "Accès aux soins de premier recours pour les communes rurales",
    "Logements pour les saisonniers et les apprentis de l'intercommunalité",
    "Mobilité rurale : transport à la demande vers les gares",
]
OFFERS = [
    "Méthanisation agricole et réseau de chaleur partagé",
    "Ingénierie foncière pour les zones d'activité",
    "Circuits courts : plateforme logistique des producteurs",
    "Formation des élus à la commande publique responsable",
    "Bois-énergie local issu des haies bocagères",
]
NOTE = "À confirmer en bureau communautaire avant l'été ; convention sur trois ans."


def short(territory_name: str) -> str:
    return "" if territory_name == KB else territory_name


def basket_of(workshop, table: int, a: str, b: str):
    return conftest.basket_of(workshop, table, short(a), short(b))


def needs_of(workshop, table: int, territory_name: str):
    subgroup = subgroup_of(workshop, table, short(territory_name))
    return list(subgroup.postits.filter(kind="need").order_by("pk"))


def give(basket, giver: str, text: str, *, answers=(), note="", value=None, effort=None):
    side = basket.side_a if basket.side_a.territory.label == giver else basket.side_b
    return baskets.transaction_create(
        basket=basket,
        by=None,
        giver=side,
        new_offer_text=text,
        needs=list(answers),
        note=note,
        value=value,
        effort=effort,
    )


@pytest.fixture
def scene(owner) -> dict:
    territories = [
        Territory.objects.create(name=full, short_name=short, kind="pays")
        for full, short in TERRITORIES
    ]
    workshop = room.workshop_create(
        created_by=owner, title="Atelier 4 × 4", territories=territories, table_count=4
    )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    workshop = phases.clock_command(workshop, phases.ClockCommand.START)
    for table in (1, 2):
        for _full, short_name in TERRITORIES:
            subgroup = subgroup_of(workshop, table, short_name)
            for text in NEEDS[: 4 if table == 1 else 2]:
                room.postit_create(subgroup=subgroup, author=None, kind="need", text=text)
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, timezone.now())

    # Table 1: full baskets, an offer promised in two baskets, one-way baskets.
    full = basket_of(workshop, 1, "BM", "PdB")
    give(
        full,
        "BM",
        OFFERS[0],
        answers=needs_of(workshop, 1, "PdB")[:2],
        note=NOTE,
        value=5,
        effort=2,
    )
    give(full, "PdB", OFFERS[1], answers=needs_of(workshop, 1, "BM")[:1], value=4, effort=4)
    give(full, "BM", OFFERS[2], note=NOTE, value=3)
    give(full, "PdB", OFFERS[3], answers=needs_of(workshop, 1, "BM")[1:2], value=2, effort=1)
    give(full, "BM", OFFERS[4], effort=2)
    shared = give(basket_of(workshop, 1, "BM", KB), "BM", "Bois-énergie local", value=4, effort=1)
    baskets.transaction_create(
        basket=basket_of(workshop, 1, "BM", "COB"),
        by=None,
        giver=shared.giver,
        offer=shared.offer,
        value=3,
        effort=1,
    )
    give(basket_of(workshop, 1, "BM", "COB"), "COB", OFFERS[1], value=5, effort=3)
    give(basket_of(workshop, 1, KB, "COB"), KB, OFFERS[2], note=NOTE, value=2, effort=5)
    # Table 2: one basket; table 3: nothing; table 4: three one-way baskets.
    give(basket_of(workshop, 2, "COB", "PdB"), "PdB", OFFERS[3], value=5, effort=1)
    give(basket_of(workshop, 2, "COB", "PdB"), "COB", OFFERS[0], value=1, effort=1)
    for a, b in (("BM", "PdB"), (KB, "PdB"), ("COB", "PdB")):
        give(basket_of(workshop, 4, a, b), a, OFFERS[4], value=4, effort=2)

    bm, pdb = (workshop.territories.get(short_name=s) for s in ("BM", "PdB"))
    return {
        "pk": workshop.pk,
        "pair": (bm.pk, pdb.pk),
        "transactions": Transaction.objects.filter(basket__table__workshop=workshop).count(),
    }


# What one page shows, measured in the browser. Text is every rendered text node: its font,
# its words (a word cut across two lines has two boxes), its box inside the screen and inside
# the boxes that clip it (the screen's content, a basket's slot, the warnings' band).
MEASURE = """(floor) => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const shown = (el) => el.getClientRects().length > 0;
  const box = (el) => el.getBoundingClientRect();
  const inside = (r, o) => r.left >= o.left - 1 && r.top >= o.top - 1 && r.right <= o.right + 1 && r.bottom <= o.bottom + 1;
  const name = (el) => el.id || (el.className && el.className.baseVal === undefined ? el.className : el.tagName);
  const problems = [];
  let smallest = Infinity;
  const live = document.getElementById("live");
  const walker = document.createTreeWalker(live, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const el = node.parentElement;
    if (el.closest("#projector-keys, #projector-view, script")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (!range.getClientRects().length) continue;  // not displayed
    const px = parseFloat(getComputedStyle(el).fontSize);
    smallest = Math.min(smallest, px);
    if (px < floor - 0.05) problems.push(`small ${px.toFixed(1)}px: ${node.data.trim().slice(0, 40)}`);
    if (el.closest(".baskets-nav")) continue;  // a line of links scrolled sideways
    const clips = [el.closest(".screen-slot"), el.closest(".table-warnings"), el.closest("#baskets-screen")].filter(Boolean);
    for (const word of node.data.matchAll(/[^\\s\\-‐–—]+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (!rects.length) continue;
      if (rects.length > 1) problems.push(`word cut: ${word[0]}`);
      const r = range.getBoundingClientRect();
      if (!inside(r, {left: 0, top: 0, right: vw, bottom: vh})) problems.push(`off screen: ${word[0]}`);
      for (const clip of clips) {
        if (!inside(r, box(clip))) problems.push(`clipped by ${name(clip)}: ${word[0]}`);
      }
    }
  }
  // No two texts overlap, line by line (the lines a box hides on purpose, as the phase's
  // instructions clamped to one line, are not drawn: they overlap nothing).
  const clipsOf = new Map();
  const clipBoxes = (el) => {
    if (!clipsOf.has(el)) {
      const own = getComputedStyle(el).overflow !== "visible" ? [box(el)] : [];
      clipsOf.set(el, own.concat(el.parentElement && el !== live ? clipBoxes(el.parentElement) : []));
    }
    return clipsOf.get(el);
  };
  const drawn = (r, clips) => clips.every((c) => r.bottom > c.top + 1 && r.top < c.bottom - 1 && r.right > c.left + 1 && r.left < c.right - 1);
  const lines = [];
  const texts = document.createTreeWalker(live, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    if (!node.data.trim() || node.parentElement.closest(".baskets-nav, #projector-keys")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const clips = clipBoxes(node.parentElement);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.height > 0 && drawn(r, clips)) lines.push({node, r, text: node.data.trim().slice(0, 30)});
    }
  }
  for (let i = 0; i < lines.length; i += 1) {
    for (let j = i + 1; j < lines.length; j += 1) {
      const a = lines[i].r, b = lines[j].r;
      if (lines[i].node === lines[j].node) continue;
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 4) {
        problems.push(`texts overlap: ${lines[i].text} / ${lines[j].text}`);
      }
    }
  }
  // The blocks of the screen never overlap.
  const blocks = [...document.querySelectorAll(
    "#live > .phase-bar, #live > .baskets-nav, #live > .baskets-pager, #live > .baskets-rule, " +
    ".screen-table:not([hidden]) > *, #baskets-screen > :not(.screen-table), .screen-slot"
  )].filter(shown).map((el) => ({name: name(el), r: box(el)}))
    .filter((b) => b.r.width > 0 && b.r.height > 0);
  for (let i = 0; i < blocks.length; i += 1) {
    for (let j = i + 1; j < blocks.length; j += 1) {
      const a = blocks[i].r, b = blocks[j].r;
      const overlaps = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
      const nested = inside(a, b) || inside(b, a);
      if (overlaps && !nested) problems.push(`overlap: ${blocks[i].name} / ${blocks[j].name}`);
    }
  }
  // Each gauge's bar leans to the side its verdict names: A's end on the left.
  for (const basket of document.querySelectorAll(".basket")) {
    if (!shown(basket)) continue;
    const gauge = basket.querySelector(".gauge").dataset.gauge;
    const lean = basket.querySelector(".gauge-lean"), bar = basket.querySelector(".gauge-bar");
    const ends = [...basket.querySelectorAll(".gauge-end")].map(box);
    if (gauge === "leans_a" || gauge === "leans_b") {
      const middle = (r) => (r.left + r.right) / 2;
      const toward = middle(box(lean)) < middle(box(bar)) ? "leans_a" : "leans_b";
      if (toward !== gauge) problems.push(`gauge draws ${toward}, says ${gauge}: ${basket.id}`);
      if (!(ends[0].right <= box(bar).left + 1 && box(bar).right <= ends[1].left + 1)) problems.push(`gauge ends: ${basket.id}`);
    }
  }
  const screen = document.getElementById("baskets-screen");
  const root = document.documentElement;
  const section = document.querySelector(".screen-table:not([hidden])");
  const prefix = section ? section.dataset.table + ":" : "";
  return {
    problems, smallest,
    scrolls: root.scrollHeight > vh || root.scrollWidth > vw,
    page: +screen.dataset.page, pages: +screen.dataset.pages,
    pager: document.getElementById("baskets-pager").hidden ? "" : document.getElementById("baskets-pager").textContent,
    transactions: [...document.querySelectorAll(".transaction")].filter(shown).map((el) => el.id),
    baskets: [...document.querySelectorAll(".basket:not(.gauge-empty)")].filter(shown).map((el) => el.id),
    warnings: [...document.querySelectorAll(".warnings-list > li")].filter(shown).map((el) => prefix + el.textContent.trim()),
    empty: [...document.querySelectorAll(".screen-empty-baskets")].filter(shown).map((el) => el.textContent.trim()),
    all: {
      transactions: [...document.querySelectorAll(".transaction")].map((el) => el.id),
      baskets: [...document.querySelectorAll(".basket:not(.gauge-empty)")].map((el) => el.id),
      warnings: [...document.querySelectorAll(".warnings-list > li")].map((el) => {
        const t = el.closest(".screen-table");
        return (t ? t.dataset.table + ":" : "") + el.textContent.trim();
      }),
      emptyBaskets: document.querySelectorAll(".basket.gauge-empty").length,
    },
  };
}"""


def settle(page) -> None:
    """The content fetched again when the socket opened, then laid out; the paging paused."""
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(page.locator("#baskets-screen")).to_have_attribute("data-pages", re.compile(r"\d+"))
    settled(page)
    page.keyboard.press("Space")  # paused: the walk turns the pages itself
    expect(page.locator("#baskets-pager")).to_contain_text(re.compile(r"pause|^$"))


def walk(page, floor: float, where: str) -> tuple[dict, list[dict]]:
    """Every page, from the first, turned with →: each one checked, and what it showed."""
    first = page.evaluate(MEASURE, floor)
    while first["page"] != 1:
        page.keyboard.press("ArrowRight")
        first = page.evaluate(MEASURE, floor)
    measures = []
    for turn in range(first["pages"]):
        m = page.evaluate(MEASURE, floor)
        assert m["pages"] == first["pages"], f"{where}: laid out again while walked"
        assert m["page"] == turn + 1, where
        at = f"{where}, page {turn + 1}/{m['pages']}"
        assert not m["scrolls"], at
        assert not m["problems"], (at, m["problems"][:8])
        measures.append(m)
        page.keyboard.press("ArrowRight")
    return first, measures


def test_every_negotiation_view_shows_what_is_exchanged_and_fits_every_screen(
    chromium_path, scene, daphne, browser
):
    pk = scene["pk"]
    views = {
        "all tables": f"/w/{pk}/baskets/tables/",
        "table 1": f"/w/{pk}/baskets/tables/1/",
        "pair BM ↔ PdB": f"/w/{pk}/baskets/pairs/{scene['pair'][0]}/{scene['pair'][1]}/",
    }
    report = []
    for width, height in VIEWPORTS:
        context = browser.new_context(
            base_url=daphne.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        sign_in(page, views["all tables"])
        floor = text_floor(height)
        for view, url in views.items():
            where = f"{view} at {width}×{height}"
            page.goto(url)
            settle(page)
            first, measures = walk(page, floor, where)
            every = first["all"]
            if view == "all tables":
                assert len(every["transactions"]) == scene["transactions"], where
                assert len(every["warnings"]) >= 15 + 8, where  # table 1's and table 2's
                assert every["emptyBaskets"] > 0, where
            seen = {
                kind: {item for m in measures for item in m[kind]}
                for kind in ("transactions", "baskets", "warnings")
            }
            assert seen["transactions"] == set(every["transactions"]), (where, "transactions")
            assert seen["baskets"] == set(every["baskets"]), (where, "baskets")
            assert seen["warnings"] == set(every["warnings"]), (where, "warnings")
            # The empty baskets are named on one line, never drawn as baskets.
            if every["emptyBaskets"]:
                assert all(m["empty"] for m in measures if m["baskets"]), where
            assert (first["pages"] > 1) == bool(first["pager"]), (where, first["pager"])
            most = MOST_PAGES[width][list(views).index(view)]
            assert first["pages"] <= most, (where, first["pages"])
            report.append(
                f"{where}: {first['pages']} pages, {len(every['transactions'])} transactions,"
                f" {len(every['warnings'])} warnings, text ≥ {min(m['smallest'] for m in measures):.1f}px"
                f" (floor {floor:.1f})"
            )
            if (view, width) == ("all tables", 1920):
                page.keyboard.press("Space")  # paging again, as in the room
                page.screenshot(path=IMG_DIR / "projector-negotiation-1920x1080.png")
        context.close()
    print("\n".join(report))
