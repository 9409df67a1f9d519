"""The conditions on the projector fit every screen (issue 16): a 4-territory × 4-table
workshop with long French names, verdicts, long conditions, rebalancing and several cards,
at 1920×1080, 1280×720 and 1024×768. On every page: no scrolling, nothing outside the
screen or clipped, no overlap, no word cut, every text at or above the scaled floor; every
basket's verdict and every condition filled in comes up on some page, in order; → and ←
turn the pages; following the workshop in the conditions phase shows this view.

One Daphne and one browser for every case: the workshop is made first (Django refuses ORM
calls while Playwright's event loop runs)."""

import re

import pytest

from baskets import services as basket_services
from baskets.conditions import services as condition_services
from baskets.models import AllianceChoice, Basket
from territories.models import Territory
from tests.conftest import goto
from tests.e2e.screens import (
    ACTION_TIMEOUT_MS,
    IMG_DIR,
    NEXT_FRAME,
    inside,
    overlap,
    settled,
    sign_in,
    text_floor,
)
from workshops import phases, services
from workshops.models import Phase, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(1920, 1080), (1280, 720), (1024, 768)]
COUNTDOWN_FLOOR_PX = 96
ROTATE_MS = 20_000  # conditions_screen.js
TERRITORIES = [
    ("Brest Métropole", "Brest Métropole"),
    ("Pays Centre Ouest Bretagne", "Centre Ouest Bretagne"),
    ("Communauté de communes du Kreiz-Breizh", "Kreiz-Breizh"),
    ("Loudéac Communauté Bretagne Centre", "Loudéac Communauté"),
]
CONDITION = (
    "Que l'intercommunalité mette à disposition un chargé de mission à mi-temps pendant "
    "trois ans et que les deux territoires partagent les données de l'observatoire foncier"
)
REBALANCING = (
    "Compenser l'effort de la métropole par une participation au financement des "
    "transports scolaires et un accès prioritaire aux équipements culturels"
)
ANSWERS = [
    "Un observatoire partagé des mobilités domicile-travail entre les deux territoires",
    "Une stratégie commune d'approvisionnement alimentaire inscrite dans les deux projets",
    "Une entente intercommunale, puis un syndicat mixte si l'expérience est concluante",
    "Un poste d'ingénierie partagé, porté par l'agence d'urbanisme",
    "Le plan climat-air-énergie territorial et le projet alimentaire territorial",
    "Un fonds commun abondé au prorata de la population de chaque territoire",
    "Une convention de coopération, sans dérogation nécessaire",
    "La distance entre les territoires : une heure et demie de route",
]

MEASURE = """() => {
  const root = document.getElementById("conditions-screen");
  const shown = (el) => el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden";
  const box = (el) => el.getBoundingClientRect().toJSON();
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const texts = [...document.querySelectorAll("body *")].filter((el) =>
    ownText(el) && shown(el) && !el.closest(".visually-hidden, #projector-keys, script, style"));
  const blocks = texts.filter((el) => getComputedStyle(el).display !== "inline");
  const inRoot = texts.filter((el) => root.contains(el));
  // A word cut between two lines has two boxes.
  const cut = [];
  for (const el of inRoot) {
    for (const node of el.childNodes) {
      if (node.nodeType !== 3) continue;
      const re = /\\S+/g; let word;
      while ((word = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, word.index); range.setEnd(node, word.index + word[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        if (rects.length > 1) cut.push(word[0]);
      }
    }
  }
  const bases = [...root.querySelectorAll(".conditions")].filter(shown);
  return {
    scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    pages: +root.dataset.pages, page: +root.dataset.page,
    pager: document.getElementById("conditions-pager").hidden ? "" : document.getElementById("conditions-pager").textContent,
    root: box(root),
    band: box(document.getElementById("phase-bar")),
    countdown: parseFloat(getComputedStyle(document.querySelector(".countdown")).fontSize),
    texts: texts.map((el) => ({
      text: el.textContent.trim().slice(0, 40), box: box(el), font: parseFloat(getComputedStyle(el).fontSize),
      inRoot: root.contains(el),
    })),
    clipped: blocks.filter((el) => el.scrollWidth > el.clientWidth + 1 || (root.contains(el) && el.scrollHeight > el.clientHeight + 1))
      .filter((el) => !el.classList.contains("phase-instructions") && !el.classList.contains("phase-name"))
      .map((el) => el.textContent.trim().slice(0, 40)),
    // Each text's line boxes (an inline text wraps back under what precedes it).
    leaves: inRoot.map((el) => ({ text: el.textContent.trim().slice(0, 30),
      boxes: [...el.getClientRects()].filter((r) => r.width > 0).map((r) => r.toJSON()),
      nested: inRoot.map((other, at) => other !== el && (el.contains(other) || other.contains(el)) ? at : -1).filter((at) => at >= 0) })),
    cut,
    allBaskets: [...root.querySelectorAll(".conditions")].map((el) => el.id),
    allLines: [...root.querySelectorAll(".condition-line.filled")].map((el) => el.closest(".conditions").id + ":" + [...el.parentNode.children].indexOf(el)),
    allVerdictTexts: [...root.querySelectorAll(".verdict-condition, .verdict-rebalancing")].map((el) => el.closest(".conditions").id + ":" + el.className),
    verdicts: bases.filter((el) => shown(el.querySelector(".verdict"))).map((el) => el.id),
    lines: [...root.querySelectorAll(".condition-line.filled")].filter(shown).map((el) => el.closest(".conditions").id + ":" + [...el.parentNode.children].indexOf(el)),
    verdictTexts: [...root.querySelectorAll(".verdict-condition, .verdict-rebalancing")].filter(shown).map((el) => el.closest(".conditions").id + ":" + el.className),
    cards: [...root.querySelectorAll(".alliance-card.chosen")].filter(shown).length,
    continued: [...root.querySelectorAll(".conditions-title[data-cont]")].filter(shown).length,
  };
}"""


def make_workshop(owner) -> tuple[int, int]:
    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays")
        for name, short in TERRITORIES
    ]
    workshop = services.workshop_create(
        created_by=owner,
        title="Atelier des coopérations de Bretagne occidentale",
        territories=territories,
        table_count=4,
    )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    basket_services.ensure_baskets(workshop)
    condition_services.ensure_defaults(workshop)
    items = list(workshop.condition_items.order_by("position"))
    cards = {
        family: list(AllianceChoice.objects.filter(workshop=workshop, family=family))
        for family in ("purpose", "carrier", "horizon", "intensity")
    }
    baskets = Basket.objects.filter(table__workshop=workshop).order_by("table__number", "pk")
    for index, basket in enumerate(baskets):
        kind = index % 6
        if kind < 4:  # a transaction: the gauge leans to one side
            offer = services.postit_create(
                subgroup=basket.side_a, author=None, kind="offer", text="Bois-énergie local"
            )
            basket_services.transaction_create(
                basket=basket, by=None, giver=basket.side_a, offer=offer, value=5, effort=1
            )
        if kind == 5:
            continue  # nothing said yet: one line
        filled = {0: 8, 1: 3, 2: 5, 3: 1, 4: 0}[kind]
        condition_services.conditions_save(
            basket=basket,
            by=None,
            version=0,
            verdict=["conditional", "balanced", "unbalanced", "conditional", "balanced"][kind],
            condition=CONDITION if kind in (0, 3) else "",
            rebalancing=REBALANCING if kind in (0, 2) else "",
            cards={
                family: choices[(index + n) % len(choices)]
                for n, (family, choices) in enumerate(cards.items())
                if kind in (0, 2) or n < 2
            },
            answers={item.pk: (True, ANSWERS[n]) for n, item in enumerate(items[:filled])},
        )
    return workshop.pk, baskets.count()


@pytest.fixture
def room(owner):
    pk, count = make_workshop(owner)
    return {"pk": pk, "baskets": count}


def check_page(m, width, height, where) -> None:
    """No scrolling, nothing outside the screen or the view's box, nothing clipped or cut,
    no overlap, every text at or above the floor."""
    floor = text_floor(height)
    assert m["scrollHeight"] <= m["innerHeight"], where
    assert m["scrollWidth"] <= m["innerWidth"], where
    assert m["countdown"] >= COUNTDOWN_FLOOR_PX * height / 1080, where
    viewport = {"left": 0, "top": 0, "right": width, "bottom": height}
    assert m["band"]["left"] <= m["root"]["left"] + 1, where  # the clock's band spans the width
    assert m["band"]["right"] >= m["root"]["right"] - 1, where
    for text in m["texts"]:
        assert inside(text["box"], viewport), (where, text)
        if text["inRoot"]:
            assert inside(text["box"], m["root"]), (where, text)
        assert text["font"] >= floor - 0.05, (where, text)
    assert m["clipped"] == [], where
    assert m["cut"] == [], where
    leaves = m["leaves"]
    for i, a in enumerate(leaves):
        for j, b in enumerate(leaves[i + 1 :], start=i + 1):
            if j in a["nested"]:  # a text inside another (a count in its heading)
                continue
            for box_a in a["boxes"]:
                assert not any(overlap(box_a, box_b) for box_b in b["boxes"]), (where, a, b)


def conditions_up(projector) -> None:
    """Following the workshop in the conditions phase: this view, laid out."""
    expect(projector).to_have_url(re.compile(r"/baskets/conditions/tables/\?follow=1$"))
    expect(projector.locator("#live")).to_have_attribute("data-follow", "conditions")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    expect(projector.locator(".conditions-table:not([hidden])")).to_have_count(1)
    expect(projector.locator("#conditions-screen")).to_have_attribute("data-page", "1")


def settle(page) -> None:
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(page.locator("#conditions-screen")).to_have_attribute("data-pages", re.compile(r"\d+"))
    settled(page)


def every_page(page, width, height, where) -> list[dict]:
    """Paused (Space: the 20 s rotation waits), turns every page by hand (→) from the first
    and checks each; then ← and PageDown, and Space resumes."""
    pager = page.locator("#conditions-pager")
    paused = pager.get_attribute("data-paused")
    page.keyboard.press("Space")
    expect(pager).to_contain_text(paused)
    count = page.evaluate(MEASURE)["pages"]
    for _turn in range(count):  # back to the first page, if the rotation moved on
        if page.evaluate(MEASURE)["page"] == 1:
            break
        page.keyboard.press("ArrowRight")
    measures = []
    for turn in range(count):
        m = page.evaluate(MEASURE)
        assert m["pages"] == count, where
        assert m["page"] == turn + 1, where
        check_page(m, width, height, f"{where}, page {turn + 1}")
        measures.append(m)
        page.keyboard.press("ArrowRight")
    assert page.evaluate(MEASURE)["page"] == 1, where  # round again
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(MEASURE)["page"] == count, where
    page.keyboard.press("PageDown")
    assert page.evaluate(MEASURE)["page"] == 1, where
    page.keyboard.press("Space")
    expect(pager).not_to_contain_text(paused)
    return measures


def test_the_conditions_fit_every_screen_page_by_page(chromium_path, room, daphne, browser):
    pk = room["pk"]
    report = []
    for width, height in VIEWPORTS:
        context = browser.new_context(
            base_url=daphne.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        # Following the workshop in the conditions phase shows this view.
        sign_in(page, f"/w/{pk}/baskets/conditions/tables/1/")
        page.goto(f"/w/{pk}/projector/")
        conditions_up(page)
        settle(page)
        where = f"every table at {width}×{height}"
        if (width, height) == (1920, 1080):
            IMG_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(IMG_DIR / "projector-conditions-1920x1080.png"))
        measures = every_page(page, width, height, where)
        m = measures[0]
        assert len(m["allBaskets"]) == room["baskets"] == 24, where
        seen = {key for measure in measures for key in measure["verdicts"]}
        assert seen == set(m["allBaskets"]), (where, set(m["allBaskets"]) - seen)
        lines = [key for measure in measures for key in measure["lines"]]
        assert set(lines) == set(m["allLines"]), (where, set(m["allLines"]) - set(lines))
        assert lines == sorted(set(lines), key=m["allLines"].index), where  # in order, once
        texts = {key for measure in measures for key in measure["verdictTexts"]}
        assert texts == set(m["allVerdictTexts"]), where
        assert any(measure["cards"] >= 4 for measure in measures), where
        split = sum(1 for measure in measures if measure["continued"])
        fonts = [t["font"] for measure in measures for t in measure["texts"]]
        report.append(
            f"{where}: {m['pages']} pages for 24 baskets, {len(m['allLines'])} conditions,"
            f" smallest text {min(fonts):.1f}px (floor {text_floor(height):.1f}px),"
            f" pages with a basket continued: {split}"
        )
        if (width, height) == (1024, 768):
            # A basket's former page opens the view at that basket; a live change of it
            # comes on the page on show, measured again.
            pk_shown = int(m["allBaskets"][7].removeprefix("conditions-"))
            page.goto(f"/w/{pk}/baskets/conditions/{pk_shown}/")
            settle(page)
            assert f"conditions-{pk_shown}" in page.evaluate(MEASURE)["verdicts"]
            page.keyboard.press("Space")  # paused: the page stays while it changes
            editor = context.new_page()  # a facilitator corrects it (through the server)
            editor.goto(f"/w/{pk}/baskets/conditions/{pk_shown}/edit/")
            editor.fill("textarea[name=rebalancing]", REBALANCING + " (changé en direct)")
            editor.locator("form [type=submit].primary").click()
            editor.wait_for_load_state("networkidle")
            expect(page.locator(f"#conditions-{pk_shown}")).to_contain_text("en direct")
            page.evaluate(NEXT_FRAME)
            after = page.evaluate(MEASURE)
            check_page(after, width, height, f"{where}, after a live change")
            assert f"conditions-{pk_shown}" in after["verdicts"], where
        context.close()

    # Every 20 s the next page, not while paused (Space).
    context = browser.new_context(
        base_url=daphne.url, viewport={"width": 1280, "height": 720}, locale="fr-FR"
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.clock.install()
    sign_in(page, f"/w/{pk}/baskets/conditions/tables/")
    screen = page.locator("#conditions-screen")
    expect(screen).to_have_attribute("data-page", "1")
    page.clock.run_for(ROTATE_MS)
    expect(screen).to_have_attribute("data-page", "2")
    page.keyboard.press("Space")
    page.clock.run_for(3 * ROTATE_MS)
    expect(screen).to_have_attribute("data-page", "2")
    page.keyboard.press("Space")
    page.clock.run_for(ROTATE_MS)
    expect(screen).to_have_attribute("data-page", "3")
    context.close()
    print("\n".join(report))
