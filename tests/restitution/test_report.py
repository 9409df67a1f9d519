"""The report: the merge of near-identical post-its (on the seed's own phase-1 texts), its
data in a bounded number of queries, the HTML preview, the PDF read back with pdftotext,
and the command."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets.models import Basket, Transaction
from plenary.models import Answer
from restitution.pdf import render_html, render_pdf
from restitution.report import report
from restitution.synthesis import merge, normalise
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

PDFTOTEXT = "/usr/bin/pdftotext"


def pdf_text(raw: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(raw)
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_normalise_drops_case_accents_punctuation_and_spaces():
    assert normalise("  Réduire la part de la VOITURE individuelle ! ") == normalise(
        "reduire la part de la voiture   individuelle"
    )


def test_the_same_postit_at_three_tables_becomes_one():
    merged = merge(
        [
            ("Développer le réseau de chaleur.", 1),
            ("développer le réseau de chaleur", 2),
            ("Developper le reseau de chaleurs", 3),
            ("Densifier les centre-bourgs.", 1),
        ]
    )
    assert [(m.text, m.table_count) for m in merged] == [
        ("Développer le réseau de chaleur.", 3),
        ("Densifier les centre-bourgs.", 1),
    ]


def test_different_ideas_stay_apart():
    merged = merge(
        [
            ("Limiter la part de la voiture individuelle dans les flux domicile-travail.", 1),
            ("Réduire la part de la voiture individuelle dans les déplacements.", 2),
        ]
    )
    assert len(merged) == 2


def test_two_territories_raising_moins_de_voiture_stay_two(workshop, alice, bruno, make_postit):
    assert alice.subgroup.territory_id != bruno.subgroup.territory_id
    make_postit(alice, text="Moins de voiture", kind="need", theme="Mobilité")
    make_postit(bruno, text="moins de voiture !", kind="need", theme="Mobilité")
    data = report(workshop)
    lines = [
        (block.territory.pk, line.text)
        for block in data.synthesis
        for theme in block.themes
        for line in theme.needs
    ]
    assert len(lines) == 2
    assert {pk for pk, _ in lines} == {
        alice.subgroup.territory_id,
        bruno.subgroup.territory_id,
    }


def _grow(workshop, alice, bruno, make_postit, n):
    basket = Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)
    for i in range(n):
        offer = make_postit(alice, text=f"Offre {i}", kind="offer", theme="Énergie")
        make_postit(bruno, text=f"Besoin {i}", kind="need")
        Transaction.objects.create(basket=basket, giver=alice.subgroup, offer=offer, value=3)


def test_the_report_reads_in_a_bounded_number_of_queries(full_workshop, alice, bruno, make_postit):
    with CaptureQueriesContext(connection) as small:
        report(Workshop.objects.get(pk=full_workshop.pk))
    _grow(full_workshop, alice, bruno, make_postit, 12)
    with CaptureQueriesContext(connection) as large:
        report(Workshop.objects.get(pk=full_workshop.pk))
    # The snapshot's 20 (3 of them the organiser's choices), the organiser's name and more.
    assert len(large) == len(small) == 22


def test_the_preview_shows_every_section(full_workshop, laptop):
    html = laptop.get(f"/w/{full_workshop.pk}/report/").content.decode()
    for section in ("cover", "presentation", "run", "synthesis", "baskets", "conditions"):
        assert f'id="{section}"' in html
    assert "Oui, deux" in html
    assert "+ de bus" in html
    assert f'action="/w/{full_workshop.pk}/report/pdf/build/"' in html
    assert (
        f'href="/w/{full_workshop.pk}/report/"'
        in laptop.get(f"/w/{full_workshop.pk}/exports/").content.decode()
    )


def test_the_pdf_tells_the_workshop(full_workshop, tmp_path):
    Answer.objects.create(
        workshop=full_workshop,
        author=full_workshop.participants.first(),
        question=0,
        text="Secret non montré",
        shown=False,
    )
    raw = render_pdf(full_workshop, "fr")
    assert raw.startswith(b"%PDF")
    text = pdf_text(raw, tmp_path)
    order = [
        "Présentation de l'atelier",
        "Déroulé de l'atelier",
        "Temps 1 : offres et besoins",
        "Temps 2 : les paniers",
        "Temps 3 : verdicts et conditions",
        "Temps 4 : retours et gommettes",
    ]
    positions = [text.find(title) for title in order]
    assert -1 not in positions, positions
    assert positions == sorted(positions)
    assert "=HYPERLINK" in text  # a basket's offer, as text
    assert "Équilibré sous condition" in text or "condition" in text
    assert "Oui, deux" in text
    assert "Secret non montré" not in text
    pages = subprocess.run(
        ["/usr/bin/pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True
    ).stdout
    count = int(next(line for line in pages.splitlines() if line.startswith("Pages:")).split()[1])
    assert count >= 2


def test_the_pdf_in_english(full_workshop, tmp_path):
    text = pdf_text(render_pdf(full_workshop, "en"), tmp_path)
    assert "Phase 2: the baskets" in text


def test_the_command_writes_the_pdf_and_the_html(full_workshop, tmp_path):
    pdf_path, html_path = tmp_path / "report.pdf", tmp_path / "report.html"
    call_command("export_restitution", full_workshop.code, str(pdf_path), stdout=io.StringIO())
    call_command("export_restitution", full_workshop.code, str(html_path), stdout=io.StringIO())
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert 'id="synthesis"' in html_path.read_text()


def test_hostile_text_stays_text(workshop, alice, make_postit, tmp_path):
    make_postit(alice, text="<b>gras</b> " + "x" * 90, kind="offer")
    make_postit(alice, text="مرحبا بكم", kind="need")
    html = render_html(workshop, "fr")
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    text = pdf_text(render_pdf(workshop, "fr"), tmp_path)
    assert "<b>gras</b>" in text


def test_hostile_text_never_breaks_the_layout(full_workshop, alice, bruno, make_postit, tmp_path):
    """A 280-letter word (the longest post-it), HTML and right-to-left text, as post-its,
    as a transaction's offer and note: every word the PDF draws stays inside its page,
    and the long word is all there, wrapped over lines rather than cut."""
    from baskets.models import Basket, Transaction

    long_word = "W" * 280
    offer = make_postit(alice, text=long_word, kind="offer")
    make_postit(bruno, text="<script>alert(1)</script> مرحبا بكم في بريست", kind="need")
    basket = Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)
    Transaction.objects.create(
        basket=basket, giver=alice.subgroup, offer=offer, note="<i>" + "N" * 200, value=5
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(full_workshop, "fr"))
    boxes = subprocess.run(
        [PDFTOTEXT, "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S)
    assert pages
    drawn = ""
    for width, height, content in pages:
        for x_min, y_min, x_max, y_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            content,
        ):
            assert 0 <= float(x_min) and float(x_max) <= float(width), word
            assert 0 <= float(y_min) and float(y_max) <= float(height), word
            drawn += word
    assert drawn.count("W") >= 2 * 280  # in phase 1 and in phase 2 at least, whole
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in boxes  # drawn as text
    assert "N" * 50 in drawn.replace("\n", "")
