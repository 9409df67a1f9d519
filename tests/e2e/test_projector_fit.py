"""The projector fits its screen (issue 8): whatever the workshop's size and the screen's,
the all-tables view never scrolls, no post-it hides another or spills out, and the text
stays above its floors; before phase 1, the join screen shows the code large.

One Daphne and one browser for every case: the workshops are made first (Django refuses
ORM calls while Playwright's event loop runs), then each viewport visits each of them."""

import re

import pytest

from territories.models import Territory
from tests.e2e.screens import ACTION_TIMEOUT_MS, inside, overlap, settled, sign_in, text_floor
from workshops import phases, services
from workshops.models import Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(2, 1), (2, 4), (3, 3), (4, 4), (6, 6)]  # territories × tables
VIEWPORTS = [(1920, 1080), (1280, 720), (1024, 768)]
# Smaller screens show more than one table when they fit legibly.
SEVERAL_A_PAGE = {((2, 4), (1280, 720)), ((3, 3), (1280, 720)), ((2, 4), (1024, 768))}
# Every table on screen: the projector's floor, text_floor(height) (28 px at 1080 px of
# height, scaled with it), for the post-its and every other text of the board; one table
# (?table=N): 28 px at any size.
FOCUSED_FLOOR_PX = 28
FLOOR_SLACK_PX = 0.05  # the floor is a calc(): compare to a few hundredths of a pixel
PHASE_FLOOR_PX = 32  # the phase name and its instructions
COUNTDOWN_FLOOR_PX = 96
JOIN_CODE_FLOOR_PX = 72
TERRITORIES = [
    ("Brest Métropole", "BM"),
    ("Pays de Brest", "PdB"),
    ("Pays Centre Ouest Bretagne", "COB"),
    ("Communauté de communes du Kreiz-Breizh", "CCKB"),
    ("Lannion-Trégor Communauté", "LTC"),
    ("Loudéac Communauté Bretagne Centre", "LCBC"),
]
OFFERS = [
    "Méthanisation agricole",
    "Bois-énergie local",
    "Circuits courts et approvisionnement des cantines",
    "Foncier disponible pour l'intercommunalité",
]
NEEDS = [
    "Approvisionnement en produits locaux",
    "Accès aux soins",
    "Logements pour les saisonniers de l'intercommunalité",
    "Mobilité rurale",
]

MEASURE = """() => {
  const visible = (el) => el.offsetParent !== null;
  const box = (el) => el.getBoundingClientRect().toJSON();
  const postits = [...document.querySelectorAll("#board .table-grid:not([hidden]) .postit:not([hidden])")];
  return {
    scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    tables: document.querySelectorAll("#board .table-grid").length,
    shownTables: document.querySelectorAll("#board .table-grid:not([hidden])").length,
    pager: document.getElementById("board-pager").hidden ? "" : document.getElementById("board-pager").textContent,
    pages: +document.getElementById("board").dataset.pages, page: +document.getElementById("board").dataset.page,
    allPostits: [...document.querySelectorAll("#board .postit")].map((el) => el.id),
    cont: [...document.querySelectorAll("#board .table-grid:not([hidden]) .table-cont")].some((el) => !el.hidden),
    instructions: [...document.querySelectorAll(".phase-instructions")].filter(visible).map((el) => parseFloat(getComputedStyle(el).fontSize)),
    countdown: parseFloat(getComputedStyle(document.querySelector(".countdown")).fontSize),
    phaseName: parseFloat(getComputedStyle(document.querySelector(".phase-name")).fontSize),
    boardTexts: [...document.querySelectorAll("#board .table-grid:not([hidden]) :is(h2, .grid-head, .grid-row-head, .postit-meta, .cell-empty)")]
      .filter(visible).map((el) => parseFloat(getComputedStyle(el).fontSize)),
    postits: postits.map((el) => ({
      id: el.id, visible: visible(el), box: box(el), cell: box(el.closest(".cell")),
      section: box(el.closest(".table-grid")),
      font: parseFloat(getComputedStyle(el.querySelector(".postit-text")).fontSize),
      wordFits: el.querySelector(".postit-text").scrollWidth <= el.querySelector(".postit-text").clientWidth + 1,
    })),
  };
}"""


def make_workshop(
    owner, territories, table_count: int, *, started: bool = True, per_cell: int = 0
) -> int:
    """``per_cell``: that many post-its of each kind in every cell of table 1 (a table too
    full for any screen); otherwise one or two."""
    workshop = services.workshop_create(
        created_by=owner,
        title=f"Atelier {len(territories)} × {table_count}",
        territories=territories,
        table_count=table_count,
    )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    if not started:
        return workshop.pk
    workshop = phases.clock_command(workshop, phases.ClockCommand.START)
    for table in workshop.tables.all():
        for index, subgroup in enumerate(table.subgroups.order_by("territory__name")):
            spread = (table.number + index) % 2  # 1 or 2 post-its of each kind
            if per_cell and table.number == 1:
                spread = per_cell - 1
            for offset in range(spread + 1):
                for kind, texts in (("offer", OFFERS), ("need", NEEDS)):
                    services.postit_create(
                        subgroup=subgroup,
                        author=None,
                        kind=kind,
                        text=texts[(index + offset) % len(texts)],
                    )
    return workshop.pk


@pytest.fixture
def workshops(owner):
    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays")
        for name, short in TERRITORIES
    ]
    return {size: make_workshop(owner, territories[: size[0]], size[1]) for size in SIZES} | {
        "join": make_workshop(owner, territories[:3], 3, started=False),
        "crowded": make_workshop(owner, territories, 2, per_cell=6),
    }


def check_page(m, width, height, floor, where) -> None:
    """No scrolling, nothing outside the screen or its box, no overlap, type above its floors."""
    board_floor = text_floor(height) - FLOOR_SLACK_PX
    assert m["scrollHeight"] <= m["innerHeight"], where
    assert m["scrollWidth"] <= m["innerWidth"], where
    assert m["countdown"] >= COUNTDOWN_FLOOR_PX, where
    assert m["phaseName"] >= PHASE_FLOOR_PX, where
    assert all(px >= PHASE_FLOOR_PX for px in m["instructions"]), where
    viewport = {"left": 0, "top": 0, "right": width, "bottom": height}
    for postit in m["postits"]:
        assert postit["visible"], (where, postit["id"])
        assert inside(postit["box"], viewport), (where, postit["id"])
        assert inside(postit["box"], postit["cell"]), (where, postit["id"])
        assert inside(postit["box"], postit["section"]), (where, postit["id"])
        assert postit["font"] >= floor - FLOOR_SLACK_PX, (where, postit["font"])
        assert postit["wordFits"], (where, postit["id"])
    assert all(px >= board_floor for px in m["boardTexts"]), (where, min(m["boardTexts"]))
    boxes = [postit["box"] for postit in m["postits"]]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlap(a, b), where


def settle(page) -> None:
    """The board and the view marker fetched again when the socket opened, then laid out."""
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(page.locator("#board")).to_have_attribute("data-pages", re.compile(r"\d+"))
    page.wait_for_function("document.getElementById('board').dataset.page")
    settled(page)


def every_page(page, width, height, floor, where) -> tuple[set[str], list[dict]]:
    """Turns every page by hand (→) and checks each: the post-its seen, and each page's measure.

    A board laid out again meanwhile with another page count (on a loaded machine the
    socket may drop and its banner take room) is walked again from its first page."""
    for _attempt in range(3):
        seen, measures = set(), []
        first = page.evaluate(MEASURE)
        for turn in range(first["pages"]):
            m = page.evaluate(MEASURE)
            if m["pages"] != first["pages"]:
                break
            assert m["page"] == turn + 1, where
            check_page(m, width, height, floor, f"{where}, page {turn + 1}")
            seen |= {postit["id"] for postit in m["postits"]}
            measures.append(m)
            page.keyboard.press("ArrowRight")
        else:
            return seen, measures
        settle(page)
        for _turn in range(page.evaluate(MEASURE)["pages"]):
            if page.evaluate(MEASURE)["page"] == 1:
                break
            page.keyboard.press("ArrowRight")
    raise AssertionError(f"{where}: the page count kept changing")


def test_the_projector_fits_every_screen_and_shows_the_join_screen_first(
    chromium_path, workshops, daphne, browser
):
    report = []
    for width, height in VIEWPORTS:
        context = browser.new_context(
            base_url=daphne.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        sign_in(page, f"/w/{workshops['join']}/projector/")
        expect(page.locator("body")).to_have_attribute("data-live", "on")
        code = page.locator("[data-testid=join-code]")
        expect(code).to_be_visible()
        expect(page.locator(".join-qr svg")).to_be_visible()
        expect(page.locator("#board")).to_be_hidden()
        code_px = code.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert code_px >= JOIN_CODE_FLOOR_PX, (width, height, code_px)
        qr = page.locator(".join-qr svg").bounding_box()
        assert qr["y"] + qr["height"] <= height and qr["x"] + qr["width"] <= width
        report.append(f"{width}×{height} join: code {code_px:.0f}px, QR {qr['width']:.0f}px")

        for size in [*SIZES, "crowded"]:
            for focused in (False, True):
                name = f"{size[0]} territories × {size[1]} tables" if size != "crowded" else size
                where = f"{name}{' table 1' if focused else ''} at {width}×{height}"
                page.goto(f"/w/{workshops[size]}/projector/{'?table=1' if focused else ''}")
                settle(page)
                floor = FOCUSED_FLOOR_PX if focused else text_floor(height)
                seen, measures = every_page(page, width, height, floor, where)
                m = measures[0]
                assert m["shownTables"] >= 1, where
                if not focused and (size, (width, height)) in SEVERAL_A_PAGE:
                    assert m["shownTables"] >= 2, where
                assert (m["pages"] > 1) == bool(m["pager"]), (where, m["pager"])
                # Every post-it of the table(s) on show appears on some page.
                assert seen == set(m["allPostits"]), (where, set(m["allPostits"]) - seen)
                split = any(measure["cont"] for measure in measures)
                if size == "crowded":  # too full for any screen: continued on a next page
                    assert split and m["pages"] > 1, where
                fonts = {p["font"] for measure in measures for p in measure["postits"]}
                report.append(
                    f"{where}: {m['shownTables']}/{m['tables']} tables a page, {m['pages']}"
                    f" pages{' (split)' if split else ''}, post-its {min(fonts):.1f}px,"
                    f" countdown {m['countdown']:.0f}px, {m['pager']}"
                )
        context.close()
    print("\n".join(report))
