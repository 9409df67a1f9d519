"""The report's figures (inline SVG computed by restitution/figures.py), its index of
territories and the territories' colours in the preview: counted on the small workshop,
read back from the PDF with pdftotext, with hostile names kept as text."""

import re

import pytest

from restitution import figures, pdf
from restitution.pdf import render_html, render_pdf
from restitution.report import report
from tests.restitution.test_report import pdf_text
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_the_figures_count_what_the_workshop_holds(full_workshop):
    data = report(Workshop.objects.get(pk=full_workshop.pk))
    postits = figures.postits_figure(data)
    # BM: one offer on energy and two without a theme; PdB: one need on mobility.
    assert sorted(r.width > 0 for r in postits.bars) == [True, True, True]
    assert [r.outline for r in postits.bars].count(True) == 1  # the need: outlined
    counts = [t.text for t in postits.texts if t.kind == "value"]
    assert "1 / 0" in counts and "2 / 0" in counts and "0 / 1" in counts
    by_table = {t.number: figures.balance_figure(t) for t in data.negotiation}
    assert len(by_table[1].bars) == 1  # the one basket with a transaction
    assert set(by_table) == {1}  # empty baskets are left out by default: no figure
    # BM gives (effort 2: gain -2), PdB receives (value 4: gain 4): PdB's side, outlined.
    assert [t.text for t in by_table[1].texts if t.kind == "value"] == ["6"]
    assert by_table[1].bars[0].outline
    dots = figures.dots_figure(data)
    assert len(dots.bars) == 1
    assert [t.text for t in dots.texts if t.kind == "value"] == ["3"]


def test_the_figures_are_in_the_preview_and_the_pdf(full_workshop, laptop, tmp_path):
    html = laptop.get(f"/w/{full_workshop.pk}/report/").content.decode()
    assert html.count("<svg") == 3  # post-its, table 1's balance, dots
    assert 'fill="#2f5d8a"' in html  # the territories' colour, an attribute (not a style)
    assert " style=" not in html and "<style" not in html
    text = pdf_text(render_pdf(full_workshop, "fr"), tmp_path)
    for title in (
        "Post-its par thème et territoire",
        "Table 1 : l'équilibre de chaque panier",
        "Gommettes par panier",
    ):
        assert title in text
    assert "BM⇄PdB" in text.replace(" ", "")  # a figure's label, drawn as text


def test_hostile_names_stay_text_inside_the_svg(workshop, alice, make_postit, tmp_path):
    bm = workshop.territories.get(short_name="BM")
    bm.name = "<script>alert(1)</script> Brest"
    bm.short_name = '</text><svg onload="x">'
    bm.save()
    make_postit(alice, text="Un port", kind="offer", theme="Énergie")
    workshop.themes = ["</svg><img src=x onerror=alert(1)>", *workshop.themes]
    workshop.save()
    make_postit(alice, text="Du vent", kind="need", theme=workshop.themes[0])
    html = render_html(workshop, "fr")
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "&lt;/text&gt;&lt;svg" in svg  # the short name, cut to fit its column
    assert "&lt;/svg&gt;&lt;img src=x" in svg
    assert "<script>" not in html and "<img" not in html and "onload=" not in svg
    text = pdf_text(render_pdf(workshop, "fr"), tmp_path)
    assert "<script>alert(1)</script> Brest" in text


def test_the_renderer_never_fetches_a_url(full_workshop, monkeypatch):
    bm = full_workshop.territories.get(short_name="BM")
    bm.name = "http://example.com/x.png"
    bm.save()
    asked = []

    def refuse(url, *args, **kwargs):
        asked.append(url)
        raise pdf._NoFetch(url)

    monkeypatch.setattr(pdf, "_refuse", refuse)
    assert render_pdf(full_workshop, "en").startswith(b"%PDF")
    assert asked == []


def test_the_index_lists_every_territory_with_its_pages(full_workshop, tmp_path):
    text = pdf_text(render_pdf(full_workshop, "fr"), tmp_path)
    index = text[text.index("Index des territoires") :]
    for name in ("Brest Métropole", "Pays de Brest", "Pays Centre Ouest Bretagne"):
        assert name in index
    assert len(re.findall(r"Offres et besoins p\. \d+", index)) == 3
    # The one featured basket (the others are empty, left out): BM and PdB at table 1.
    found = re.findall(r"Table (\d) p\. \d+ — paniers avec (\w+)", index)
    assert found == [("1", "PdB"), ("1", "BM")]


def test_the_index_links_plain_anchors_in_the_preview(full_workshop):
    html = render_html(full_workshop, "fr", preview=True)
    for anchor in re.findall(r'class="ref" href="#([^"]+)"', html):
        assert f'id="{anchor}"' in html


def test_the_preview_gets_the_territories_colours_from_a_stylesheet(full_workshop, laptop):
    bm = full_workshop.territories.get(short_name="BM")
    bm.color = "#aa3311"
    bm.save()
    html = laptop.get(f"/w/{full_workshop.pk}/report/").content.decode()
    url = f"/w/{full_workshop.pk}/report/colours.css"
    assert f'<link rel="stylesheet" href="{url}">' in html
    response = laptop.get(url)
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert f".t-{bm.pk} {{ border-color: #aa3311; }}" in response.content.decode()
    assert f"t-{bm.pk}" in html


def test_the_figures_and_the_index_speak_english(full_workshop, tmp_path):
    text = pdf_text(render_pdf(full_workshop, "en"), tmp_path)
    for title in ("Post-its per theme and territory", "Sticky dots per basket"):
        assert title in text
    index = text[text.index("Index of territories") :]
    assert len(re.findall(r"Offers and needs p\. \d+", index)) == 3
