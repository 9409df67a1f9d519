"""The projector fits its screen (issue 8): whatever the workshop's size and the screen's,
the all-tables view never scrolls, no post-it hides another or spills out, and the text
stays above its floors; before phase 1, the join screen shows the code large.

One Daphne and one browser for every case: the workshops are made first (Django refuses
ORM calls while Playwright's event loop runs), then each viewport visits each of them."""

import re

import pytest

from territories.models import Territory
from tests.e2e.screens import ACTION_TIMEOUT_MS, sign_in
from workshops import phases, services
from workshops.models import Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(2, 1), (3, 3), (4, 4), (6, 6)]  # territories × tables
VIEWPORTS = [(1920, 1080), (1280, 720), (1024, 768)]
POSTIT_FLOOR_PX = 20  # every table on screen (paniers.css); one table: 28 px
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
  const postits = [...document.querySelectorAll("#board .table-grid:not([hidden]) .postit")];
  return {
    scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    tables: document.querySelectorAll("#board .table-grid").length,
    shownTables: document.querySelectorAll("#board .table-grid:not([hidden])").length,
    pager: document.getElementById("board-pager").hidden ? "" : document.getElementById("board-pager").textContent,
    countdown: parseFloat(getComputedStyle(document.querySelector(".countdown")).fontSize),
    phaseName: parseFloat(getComputedStyle(document.querySelector(".phase-name")).fontSize),
    postits: postits.map((el) => ({
      id: el.id, visible: visible(el), box: box(el), cell: box(el.closest(".cell")),
      section: box(el.closest(".table-grid")),
      font: parseFloat(getComputedStyle(el.querySelector(".postit-text")).fontSize),
      wordFits: el.querySelector(".postit-text").scrollWidth <= el.querySelector(".postit-text").clientWidth + 1,
    })),
  };
}"""


def make_workshop(owner, territories, table_count: int, *, started: bool = True) -> int:
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
        "join": make_workshop(owner, territories[:3], 3, started=False)
    }


def inside(inner, outer, slack=1.0) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def overlap(a, b) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
    )


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

        for size in SIZES:
            where = f"{size[0]} territories × {size[1]} tables at {width}×{height}"
            page.goto(f"/w/{workshops[size]}/projector/")
            expect(page.locator("body")).to_have_attribute("data-live", "on")
            expect(page.locator("#board")).to_have_attribute("data-per-page", re.compile(r"\d+"))
            page.wait_for_timeout(300)  # the board fetched again when the socket opened
            page.wait_for_function(
                "document.querySelectorAll('#board > .table-grid:not([hidden])').length"
                " === +document.getElementById('board').dataset.perPage"
                " || document.querySelectorAll('#board > .table-grid').length"
                " < +document.getElementById('board').dataset.perPage"
            )
            m = page.evaluate(MEASURE)
            assert m["scrollHeight"] <= m["innerHeight"], where
            assert m["scrollWidth"] <= m["innerWidth"], where
            assert m["countdown"] >= COUNTDOWN_FLOOR_PX, where
            assert m["phaseName"] >= 32, where
            assert m["shownTables"] >= 1, where
            assert (m["shownTables"] < m["tables"]) == bool(m["pager"]), (where, m["pager"])
            viewport = {"left": 0, "top": 0, "right": width, "bottom": height}
            for postit in m["postits"]:
                assert postit["visible"], (where, postit["id"])
                assert inside(postit["box"], viewport), (where, postit["id"])
                assert inside(postit["box"], postit["cell"]), (where, postit["id"])
                assert inside(postit["box"], postit["section"]), (where, postit["id"])
                assert postit["font"] >= POSTIT_FLOOR_PX, (where, postit["font"])
                assert postit["wordFits"], (where, postit["id"])
            boxes = [postit["box"] for postit in m["postits"]]
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    assert not overlap(a, b), where
            fonts = {postit["font"] for postit in m["postits"]}
            report.append(
                f"{where}: {m['shownTables']}/{m['tables']} tables, post-its"
                f" {min(fonts):.1f}px, countdown {m['countdown']:.0f}px, {m['pager']}"
            )
        context.close()
    print("\n".join(report))
