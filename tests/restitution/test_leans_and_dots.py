"""The report names the territory a basket leans to (its text, its CSV sheet, its figure),
its balance figure draws each basket towards the territory its words name, and its dots
section counts every dot placed, saying how many went to baskets left out of it. Read in
the HTML the PDF is made from, and in the PDF itself through pdftotext."""

import re
import xml.etree.ElementTree as ET

import pytest

from baskets.models import Transaction
from plenary.models import Dot
from restitution import services as restitution
from restitution.pdf import render_html, render_pdf
from tests.conftest import basket_of, subgroup_of
from tests.restitution.test_exports import rows
from tests.restitution.test_report import pdf_text
from workshops import services

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
# Each basket's words in the report: its two territories, then its gauge.
BASKET = re.compile(
    r'<article class="basket"[^>]*>\s*<h4[^>]*>(?P<a>[^<]*?) ⇄ (?P<b>[^<]*?)</h4>'
    r'.*?<p class="gauge"[^>]*>.*?<strong>(?P<gauge>[^<]*)</strong>',
    re.S,
)


def _give(workshop, table, a, b, giver, *, value, effort, text="Bois-énergie"):
    basket = basket_of(workshop, table, a, b)
    side = subgroup_of(workshop, table, giver)
    offer = services.postit_create(subgroup=side, author=None, kind="offer", text=text)
    Transaction.objects.create(basket=basket, giver=side, offer=offer, value=value, effort=effort)
    return basket


def _dots(workshop, count, **item):
    for n in range(count):
        voter = services.participant_join(
            subgroup=subgroup_of(workshop, 1, "BM"), first_name=f"Votant {len(item)}{n}"
        )
        Dot.objects.create(participant=voter, **item)


@pytest.fixture
def leaning(workshop):
    """Table 1: BM ⇄ PdB leans to PdB (BM gives 5 for an effort of 1), BM ⇄ COB leans to
    BM (COB gives), COB ⇄ PdB is balanced (each gives as much as it gets). Dots: 4 on
    BM ⇄ PdB at table 1; 3 on table 2's BM ⇄ PdB, left out by the organiser; 2 on table
    3's empty BM ⇄ COB, left out as every empty basket is."""
    to_pdb = _give(workshop, 1, "BM", "PdB", "BM", value=5, effort=1)
    _give(workshop, 1, "BM", "COB", "COB", value=5, effort=1)
    _give(workshop, 1, "COB", "PdB", "PdB", value=3, effort=3)
    _give(workshop, 1, "COB", "PdB", "COB", value=3, effort=3, text="Du bois")
    left_out = _give(workshop, 2, "BM", "PdB", "PdB", value=2, effort=2)
    restitution.basket_feature(basket=left_out, featured=False)
    _dots(workshop, 4, basket=to_pdb)
    _dots(workshop, 3, transaction=Transaction.objects.get(basket=left_out))
    _dots(workshop, 2, basket=basket_of(workshop, 3, "BM", "COB"))
    return workshop


def flat(text: str) -> str:
    return " ".join(text.split())


def test_it_names_the_territory_a_basket_leans_to(leaning, tmp_path):
    html = render_html(leaning, "fr")
    gauges = {(m["a"], m["b"]): m["gauge"] for m in BASKET.finditer(html)}
    assert gauges == {
        ("Brest Métropole", "Pays de Brest"): "Penche vers PdB",
        ("Brest Métropole", "Pays Centre Ouest Bretagne"): "Penche vers BM",
        ("Pays Centre Ouest Bretagne", "Pays de Brest"): "Équilibré",
    }
    assert "gains\u00a0: BM -1, PdB 5" in html
    text = flat(pdf_text(render_pdf(leaning, "fr"), tmp_path))
    assert "Jauge : Penche vers PdB" in text and "Jauge : Penche vers BM" in text
    assert not re.search(r"vers [AB]\b", text), "a side's letter instead of its territory"
    english = flat(pdf_text(render_pdf(leaning, "en"), tmp_path))
    assert "Gauge: Leans to PdB" in english and "Gauge: Leans to BM" in english
    assert not re.search(r"Leans to [AB]\b", english)


def test_the_baskets_sheet_names_the_territory_too(leaning):
    _header, *body = rows(leaning, "baskets")
    gauges = {(row[0], row[1], row[2]): row[6] for row in body}
    assert gauges[("1", "BM", "PdB")] == "Penche vers PdB"
    assert gauges[("1", "BM", "COB")] == "Penche vers BM"
    assert gauges[("1", "COB", "PdB")] == "Équilibré"


def _rows_of(svg: ET.Element) -> tuple[float, tuple[float, float], dict]:
    """The figure's middle line, its tolerance band and, per row, the names written on
    the left and on the right of the middle and the row's bar."""
    middle = float(svg.find(f".//{SVG}line").get("x1"))
    band = svg.find(f".//{SVG}rect[@class='band']")
    left = float(band.get("x"))
    band_edges = (left, left + float(band.get("width")))
    names = [
        t
        for t in svg.iter(f"{SVG}text")
        if t.get("font-size") is None and t.get("font-weight") is None  # not values, heads
    ]
    rows = {}
    for bar in svg.iter(f"{SVG}rect"):
        if bar.get("class") != "bar":
            continue
        y = float(bar.get("y")) + 9
        row_names = [t for t in names if abs(float(t.get("y")) - y) < 0.01]
        on_left = [t.text for t in row_names if float(t.get("x")) < middle]
        on_right = [t.text for t in row_names if float(t.get("x")) > middle]
        assert len(on_left) == len(on_right) == 1, (on_left, on_right)
        x, width = float(bar.get("x")), float(bar.get("width"))
        rows[(on_left[0], on_right[0])] = (x, x + width)
    return middle, band_edges, rows


def test_the_balance_figure_draws_each_basket_towards_the_territory_its_words_name(leaning):
    html = render_html(leaning, "fr")  # what the PDF draws
    short = {t.name: t.short_name for t in leaning.territories.all()}
    start = html.index('id="table-1"')
    table_1 = html[start : html.index("</section>", start)]  # table 1 only has a figure
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", table_1, re.S).group(0))
    middle, (band_left, band_right), drawn = _rows_of(svg)
    verdicts = {(short[m["a"]], short[m["b"]]): m["gauge"] for m in BASKET.finditer(table_1)}
    assert set(drawn) == set(verdicts) and len(drawn) == 3
    for (a, b), verdict in verdicts.items():
        start, end = drawn[(a, b)]
        if verdict == f"Penche vers {a}":  # A is named on the left: the bar goes left
            assert end <= middle + 0.01 and start < band_left, (a, b, verdict, start, end)
        elif verdict == f"Penche vers {b}":
            assert start >= middle - 0.01 and end > band_right, (a, b, verdict, start, end)
        else:
            assert verdict == "Équilibré"
            assert band_left <= start and end <= band_right, (a, b, verdict, start, end)


def test_the_dots_section_counts_every_dot_and_those_on_baskets_left_out(leaning, tmp_path):
    html = render_html(leaning, "fr")
    plenary = flat(html[html.index('id="plenary"') :])
    assert "9 gommettes posées en tout. 2 paniers laissés hors du rapport en portent 5." in plenary
    assert "9 gommettes posées sur les paniers" in plenary  # the section's default text
    assert "1. Table 1 · Brest Métropole ⇄ Pays de Brest: <strong>4 gommettes" in plenary
    text = flat(pdf_text(render_pdf(leaning, "fr"), tmp_path))
    assert "9 gommettes posées en tout. 2 paniers laissés hors du rapport en portent 5." in text
    english = flat(pdf_text(render_pdf(leaning, "en"), tmp_path))
    assert "9 sticky dots placed in all. 2 baskets left out of the report hold 5 of them." in (
        english
    )


def test_dots_only_on_baskets_left_out_are_counted_not_denied(workshop, tmp_path):
    basket = basket_of(workshop, 2, "BM", "COB")  # empty: left out of the report
    _dots(workshop, 1, basket=basket)
    text = flat(pdf_text(render_pdf(workshop, "fr"), tmp_path))
    assert "1 gommette posée en tout. 1 panier laissé hors du rapport en porte 1." in text
    assert "Aucune gommette sur les paniers du rapport." in text
    assert "Aucune gommette n'a été posée" not in text
    # The section's default text agrees with its counts, and leaves out what it has not.
    assert "1 gommette posée sur les paniers." in text and "0 réponse" not in text
