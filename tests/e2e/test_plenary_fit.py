"""The plenary fits the projector (issue 16): the presenter's slides and the dots chart at
1920×1080, 1280×720 and 1024×768, on a 4-territory × 4-table workshop with long French
names, baskets of 0 to 4 transactions of long text, and 28 ranked items with dots.

On every page of either: no scroll, no text outside the screen or clipped by a box, no two
blocks over each other, no word wider than its box, every text at or above the floor
(text_floor); every transaction of every non-empty basket and every ranked item on some
page; no empty basket by default; the console's "go to" reaches the table or pair asked.

One Daphne and one browser for every case: the workshop is made first (Django refuses ORM
calls while Playwright's event loop runs), then each viewport visits it."""

from dataclasses import dataclass, field

import pytest

from baskets import services as basket_services
from baskets.conditions import services as conditions
from baskets.models import Basket, ConditionItem
from plenary import services as plenary_services
from plenary.models import Answer, Dot
from territories.models import Territory
from tests.conftest import goto
from tests.e2e.screens import (
    ACTION_TIMEOUT_MS,
    IMG_DIR,
    NEXT_FRAME,
    inside,
    overlap,
    sign_in,
    text_floor,
)
from workshops import phases
from workshops import services as room
from workshops.models import Phase, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(1920, 1080), (1280, 720), (1024, 768)]
TERRITORIES = [
    ("Communauté de communes du Kreiz-Breizh", "CCKB"),
    ("Loudéac Communauté Bretagne Centre", "LCBC"),
    ("Lannion-Trégor Communauté", "LTC"),
    ("Pays Centre Ouest Bretagne", "COB"),
]
OFFERS = [
    "Méthanisation des effluents d'élevage pour le réseau de chaleur du bourg",
    "Accueil de stagiaires des lycées agricoles dans les exploitations du territoire",
    "Plateforme logistique partagée pour les circuits courts alimentaires",
    "Ingénierie commune pour le plan de mobilité rurale et les aires de covoiturage",
    "Veau Label Rouge pour la restauration collective",
]
NEEDS = [
    "Approvisionnement des cantines scolaires en produits locaux et de saison",
    "Logements pour les saisonniers agricoles et touristiques de l'intercommunalité",
    "Accès aux soins de premier recours dans les communes rurales",
    "Formation des élus aux marchés publics de restauration collective",
]
FEEDBACK = 30
ANSWERS = [
    "Des échanges concrets entre territoires, enfin, et des idées pour la suite",
    "Il manquait des données sur les flux de mobilité domicile-travail",
    "Le temps de négociation était trop court pour la table quatre",
]
NOTE = "À discuter avec les chambres consulaires avant la fin de l'année"
CONDITIONS = [
    "Une convention entre les deux intercommunalités, signée avant l'été prochain",
    "Un chargé de mission partagé, financé à parts égales par les deux territoires",
    "Inscrire la coopération dans le SCoT et dans le PCAET de chacun",
    "Un comité de suivi qui se réunit chaque trimestre, ouvert aux habitants",
]

# What a page shows, measured: every visible text (an element with text of its own), the
# boxes that clip it, the blocks that must not overlap. `root`: the view's own element.
MEASURE = """(root) => {
  const el = document.querySelector(root);
  const shown = (e) => e.checkVisibility();
  const box = (e) => e.getBoundingClientRect().toJSON();
  const ownText = (e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const scope = [el, ...el.querySelectorAll("*"), ...document.querySelectorAll(".baskets-nav, .baskets-nav *, .phase-bar *, #plenary-wall *")];
  const texts = scope.filter((e) => shown(e) && ownText(e) && e.tagName !== "METER").map((e) => {
    const style = getComputedStyle(e);
    const clips = [];
    for (let up = e.parentElement; up && up !== document.documentElement; up = up.parentElement) {
      if (getComputedStyle(up).overflow !== "visible") clips.push(box(up));
    }
    return {
      text: e.textContent.trim().slice(0, 50), font: parseFloat(style.fontSize), box: box(e), clips,
      wordFits: style.display === "inline" || e.scrollWidth <= e.clientWidth + 1,
    };
  }).filter((t) => t.box.width > 1);
  const blocks = [...document.querySelectorAll(
    ".phase-bar, .baskets-nav, .slide-where, .slide-title, .slide-direction, .slide-unit, .slide-gauge, " +
    ".slide-conditions > p, .slide-condition, #plenary-chart h2, .chart-total, .chart-bar, .chart-pager, " +
    ".wall-question h3, .wall-answer, .wall-pager"
  )].filter(shown).map((e) => ({name: e.className || e.tagName, box: box(e)}));
  const slide = document.getElementById("presenter-slide");
  return {
    scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    texts, blocks,
    slide: slide ? {...slide.dataset} : null,
    transactions: [...document.querySelectorAll(".slide-transaction")].filter(shown).map((e) => e.dataset.transaction),
    conditions: [...document.querySelectorAll(".slide-condition")].filter(shown).map((e) => e.textContent.trim()),
    bars: [...document.querySelectorAll(".chart-bar")].filter(shown).map((e) => ({
      item: e.dataset.item, label: e.querySelector(".chart-label").innerText.replace(/\\s+/g, " ").trim(),
    })),
    allBars: [...document.querySelectorAll(".chart-bar")].map((e) => e.dataset.item),
    answers: [...document.querySelectorAll(".wall-answer")].filter(shown).map((e) => e.id),
    allAnswers: [...document.querySelectorAll(".wall-answer")].map((e) => e.id),
    wallPages: +((document.getElementById("plenary-wall") || {dataset: {}}).dataset.pages || 1),
    chart: document.getElementById("plenary-chart") ? {...document.getElementById("plenary-chart").dataset} : null,
  };
}"""


@dataclass
class Room:
    pk: int
    transactions: dict = field(default_factory=dict)  # basket pk -> [transaction pk]
    tables: dict = field(default_factory=dict)  # basket pk -> table number
    pairs: dict = field(default_factory=dict)  # "pair:a-b" -> {basket pk}
    conditions_basket: int = 0
    items: int = 0  # ranked items


@pytest.fixture
def plenary_room(owner) -> Room:
    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays")
        for name, short in TERRITORIES
    ]
    workshop = room.workshop_create(
        created_by=owner, title="Plénière 4 × 4", territories=territories, table_count=4
    )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    workshop = phases.clock_command(workshop, phases.ClockCommand.START)
    workshop = goto(workshop, Phase.Kind.NEGOTIATION)
    basket_services.ensure_baskets(workshop)
    result = Room(workshop.pk)
    voters = []
    baskets = Basket.objects.filter(table__workshop=workshop).order_by("table__number", "pk")
    for index, basket in enumerate(baskets.select_related("side_a", "side_b", "table")):
        result.tables[basket.pk] = basket.table.number
        pair = f"pair:{basket.side_a.territory_id}-{basket.side_b.territory_id}"
        result.pairs.setdefault(pair, set()).add(basket.pk)
        made = result.transactions.setdefault(basket.pk, [])
        for n in range(index % 5):  # 0 to 4 transactions
            giver, receiver = (
                (basket.side_a, basket.side_b) if n % 2 else (basket.side_b, basket.side_a)
            )
            # The fourth repeats the second's offer, text and giver: only its need differs.
            text = OFFERS[(index + (n if n < 3 else 1)) % len(OFFERS)]
            offer = room.postit_create(subgroup=giver, author=None, kind="offer", text=text)
            need = room.postit_create(
                subgroup=receiver, author=None, kind="need", text=NEEDS[(index + n) % len(NEEDS)]
            )
            created = basket_services.transaction_create(
                basket=basket,
                by=None,
                giver=giver,
                offer=offer,
                needs=[need],
                note=NOTE if n == 2 else "",
                value=1 + (index + n) % 5,
                effort=1 + n,
            )
            made.append(created.pk)
        if index % 5 == 4 and not result.conditions_basket:
            result.conditions_basket = basket.pk
    for subgroup in [b.side_a for b in baskets] + [b.side_b for b in baskets]:
        voters.append(room.participant_join(subgroup=subgroup, first_name="Votant"))
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    conditions.ensure_defaults(workshop)
    items = list(ConditionItem.objects.filter(workshop=workshop).order_by("position")[:4])
    conditions.conditions_save(
        basket=Basket.objects.get(pk=result.conditions_basket),
        by=None,
        version=0,
        verdict="conditional",
        condition="que la convention soit signée par les deux conseils communautaires",
        answers={item.pk: (True, text) for item, text in zip(items, CONDITIONS, strict=True)},
    )
    workshop = goto(workshop, Phase.Kind.PLENARY)
    # 28 ranked items: 24 transactions and 4 whole baskets, 1 to 6 dots each.
    dotted = [t for made in result.transactions.values() for t in made][:24]
    targets = [{"transaction_id": pk} for pk in dotted]
    targets += [{"basket_id": pk} for pk in list(result.transactions)[:4]]
    for rank, target in enumerate(targets):
        for n in range(1 + rank % 6):
            Dot.objects.create(participant=voters[(rank + n) % len(voters)], **target)
    result.items = len(targets)
    plenary_services.results_set(workshop=workshop, shown=True)
    # Enough shown feedback to page the wall too.
    for n in range(FEEDBACK):
        Answer.objects.create(
            workshop=workshop, author=voters[n], question=n % 3, text=ANSWERS[n % 3], shown=True
        )
    return result


def check_page(m, width, height, where) -> float:
    """No scroll, nothing outside the screen or clipped, no overlap, no word cut, every
    text at or above the floor. Returns the smallest text."""
    floor = text_floor(height)
    assert m["scrollHeight"] <= m["innerHeight"], where
    assert m["scrollWidth"] <= m["innerWidth"], where
    screen = {"left": 0, "top": 0, "right": width, "bottom": height}
    for text in m["texts"]:
        what = (where, text["text"])
        assert text["font"] >= floor - 0.05, (*what, text["font"], floor)
        assert inside(text["box"], screen), what
        assert all(inside(text["box"], clip) for clip in text["clips"]), (
            *what,
            "clipped",
            text["box"],
            [c for c in text["clips"] if not inside(text["box"], c)],
        )
        assert text["wordFits"], (*what, "a word is cut")
    blocks = m["blocks"]
    for i, a in enumerate(blocks):
        for b in blocks[i + 1 :]:
            assert not overlap(a["box"], b["box"]), (where, a["name"], b["name"])
    return min(text["font"] for text in m["texts"])


def settled(page, root: str) -> dict:
    """Measured once the view's script has laid it out (after the socket's refetch)."""
    page.wait_for_load_state("networkidle")
    return laid_out(page, root)


def laid_out(page, root: str) -> dict:
    """Measured after the next frame: a slide is cut to fit in the task that swaps it in."""
    page.evaluate(NEXT_FRAME)
    return page.evaluate(MEASURE, root)


def walk_presenter(page, width, height, where) -> tuple[list[dict], float]:
    """Every slide and part, from the first, with → (each press waits for the screen)."""
    page.keyboard.press("Home")
    expect(page.locator("#presenter-slide")).to_have_attribute("data-slide", "1")
    expect(page.locator("#presenter-slide[data-parts]")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    measures, smallest = [], 1000.0
    for _step in range(200):
        m = laid_out(page, "#presenter")
        slide = m["slide"]
        position = (slide["slide"], slide["shownPart"])
        smallest = min(smallest, check_page(m, width, height, f"{where}, slide {position}"))
        measures.append(m)
        if slide["slide"] == slide["count"] and slide["shownPart"] == slide["parts"]:
            return measures, smallest
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            """([number, part]) => {
              const el = document.getElementById("presenter-slide");
              return el && el.dataset.parts && (el.dataset.slide !== number || el.dataset.shownPart !== part);
            }""",
            arg=list(position),
        )
    raise AssertionError(f"{where}: the presenter never reached its last slide")


def walk_chart(page, width, height, where) -> tuple[list[dict], float]:
    first = settled(page, "#plenary-chart")
    # Both turn together, each through its own pages: as many turns as the longer has.
    pages = max(int(first["chart"]["pages"]), first["wallPages"])
    measures, smallest = [], 1000.0
    for turn in range(pages):
        m = page.evaluate(MEASURE, "#plenary-chart")
        assert m["chart"]["page"] == str(turn % int(first["chart"]["pages"]) + 1), where
        smallest = min(smallest, check_page(m, width, height, f"{where}, page {turn + 1}"))
        measures.append(m)
        page.keyboard.press("ArrowRight")
    return measures, smallest


def test_the_presenter_and_the_dots_chart_fit_every_screen(
    chromium_path, plenary_room, daphne, browser
):
    pk = plenary_room.pk
    expected = {b: set(t) for b, t in plenary_room.transactions.items() if t}
    report = []
    for width, height in VIEWPORTS:
        size = f"{width}×{height}"
        context = browser.new_context(
            base_url=daphne.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        sign_in(page, f"/w/{pk}/plenary/present/")
        expect(page.locator("body")).to_have_attribute("data-live", "on")

        measures, smallest = walk_presenter(page, width, height, f"presenter {size}")
        # By default no empty basket: every slide shows transactions.
        assert int(measures[0]["slide"]["count"]) == len(expected), size
        seen: dict[int, set] = {}
        for m in measures:
            basket = int(m["slide"]["basket"])
            assert basket in expected, (size, "an empty basket was shown")
            assert m["transactions"] or m["conditions"], (size, m["slide"])
            seen.setdefault(basket, set()).update(int(t) for t in m["transactions"])
        assert seen == expected, size
        conditions_seen = {c for m in measures for c in m["conditions"]}
        assert all(any(text in c for c in conditions_seen) for text in CONDITIONS), size
        parts = [int(m["slide"]["parts"]) for m in measures if m["slide"]["shownPart"] == "1"]
        report.append(
            f"presenter {size}: {len(parts)} baskets on {len(measures)} screens "
            f"(split: {sum(p > 1 for p in parts)}), smallest text {smallest:.1f}px "
            f"(floor {text_floor(height):.1f})"
        )
        if (width, height) == (1920, 1080):
            # Go to a table, a pair, then the basket with its conditions: the picture.
            go_to(context, page, plenary_room)
            settled(page, "#presenter")
            IMG_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=IMG_DIR / "projector-presenter-1920x1080.png")

        page.goto(f"/w/{pk}/plenary/wall/")
        expect(page.locator("body")).to_have_attribute("data-live", "on")
        measures, smallest = walk_chart(page, width, height, f"dots chart {size}")
        chart_pages = int(measures[0]["chart"]["pages"])
        bars = [bar for m in measures[:chart_pages] for bar in m["bars"]]
        assert len(measures[0]["allBars"]) == plenary_room.items >= 25, size
        assert sorted(bar["item"] for bar in bars) == sorted(measures[0]["allBars"]), size
        answers = {answer for m in measures for answer in m["answers"]}
        assert answers == set(measures[0]["allAnswers"]) and len(answers) == FEEDBACK, size
        labels = [bar["label"] for bar in bars[: plenary_room.items]]
        assert len(set(labels)) == len(labels), (size, "two items read the same")
        report.append(
            f"dots chart {size}: {len(bars)} items on {chart_pages} pages "
            f"({', '.join(str(len(m['bars'])) for m in measures[:chart_pages])}); "
            f"wall: {FEEDBACK} answers on {measures[0]['wallPages']} pages; "
            f"smallest text {smallest:.1f}px"
        )
        if (width, height) == (1920, 1080):
            page.reload()
            expect(page.locator("body")).to_have_attribute("data-live", "on")
            settled(page, "#plenary-chart")
            page.screenshot(path=IMG_DIR / "projector-dots-1920x1080.png")
        context.close()
    print("\n".join(report))


def go_to(context, projector, plenary_room: Room) -> None:
    """The console's "go to": the projector jumps to the table, then the pair, asked."""
    console = context.new_page()
    console.goto(f"/w/{plenary_room.pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    slide = projector.locator("#presenter-slide")
    for value, wanted in (
        ("table:3", {b for b, table in plenary_room.tables.items() if table == 3}),
        *((pair, baskets) for pair, baskets in list(plenary_room.pairs.items())[-1:]),
        (f"basket:{plenary_room.conditions_basket}", {plenary_room.conditions_basket}),
    ):
        wanted = {b for b in wanted if plenary_room.transactions[b]}  # empty ones skipped
        console.select_option("#presenter-goto", value)
        # The room moves meanwhile (the presenter reports its parts): the console's panels
        # are fetched again, and the choice just made stays made.
        console.evaluate("() => { document.getElementById('presenter-goto').dataset.old = '1'; }")
        with console.expect_response(lambda r: r.url.endswith("/console/tables/") and r.ok):
            console.evaluate(
                "() => document.body.dispatchEvent(new CustomEvent('paniers:console-stale'))"
            )
        expect(console.locator("#presenter-goto:not([data-old])")).to_have_count(1)  # new
        expect(console.locator("#presenter-goto")).to_have_value(value)
        with console.expect_response(lambda r: r.url.endswith("/present/move/") and r.ok):
            console.locator("#presenter-goto-button").click()
        projector.wait_for_function(
            "(wanted) => wanted.includes(+document.getElementById('presenter-slide').dataset.basket)",
            arg=sorted(wanted),
        )
        assert int(slide.get_attribute("data-basket")) in wanted
    console.close()
