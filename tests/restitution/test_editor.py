"""The restitution editor: the organiser's texts and featured baskets, saved through the
services or the page (plain POST or htmx), kept when the report is generated again."""

import subprocess

import pytest
from django.core.exceptions import ValidationError

from baskets.models import Basket, Transaction
from restitution import services
from restitution.models import TEXT_MAX_LENGTH, BasketChoice, SectionText
from restitution.pdf import render_pdf
from restitution.report import report
from territories.models import Territory

pytestmark = pytest.mark.django_db


def pdf_text(raw: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(raw)
    return subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout


@pytest.fixture
def basket(full_workshop, alice, bruno):
    return Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)


@pytest.fixture
def empty_basket(full_workshop, alice, chloe):
    """A basket of table 2, with no transaction: left out by default."""
    return Basket.objects.filter(table__number=2).first()


def featured(workshop) -> list[int]:
    return [b.pk for t in report(workshop).negotiation for b in t.baskets]


# Services ----------------------------------------------------------------------


def test_it_keeps_a_section_text(full_workshop):
    services.section_text_set(workshop=full_workshop, section="conclusion", text="  Merci.  ")
    assert report(full_workshop).texts["conclusion"].text == "Merci."
    assert report(full_workshop).texts["conclusion"].custom == "Merci."


def test_an_empty_text_or_the_default_means_the_generated_one(full_workshop):
    default = report(full_workshop).texts["presentation"].default
    assert default
    services.section_text_set(
        workshop=full_workshop, section="presentation", text=default, default=default
    )
    assert SectionText.objects.get().text == ""
    assert report(full_workshop).texts["presentation"].text == default


def test_a_text_per_territory_in_phase_1(full_workshop):
    bm = full_workshop.territories.get(short_name="BM")
    services.section_text_set(
        workshop=full_workshop, section="synthesis", territory=bm, text="Un port."
    )
    services.section_text_set(workshop=full_workshop, section="synthesis", text="Partout.")
    data = report(full_workshop)
    assert data.texts["synthesis"].text == "Partout."
    block = next(b for b in data.synthesis if b.territory.pk == bm.pk)
    assert block.text.text == "Un port."
    assert SectionText.objects.count() == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"section": "nope"},
        {"section": "conclusion", "text": "x" * (TEXT_MAX_LENGTH + 1)},
        {"section": "baskets", "territory": "BM"},
        {"section": "synthesis", "territory": "stranger"},
    ],
)
def test_bad_texts_are_refused(full_workshop, kwargs):
    kwargs = {"text": "Bonjour", **kwargs}
    if kwargs.get("territory") == "BM":
        kwargs["territory"] = full_workshop.territories.get(short_name="BM")
    elif kwargs.get("territory") == "stranger":
        kwargs["territory"] = Territory.objects.create(name="Ailleurs", kind="pays")
    with pytest.raises(ValidationError):
        services.section_text_set(workshop=full_workshop, **kwargs)
    assert not SectionText.objects.exists()


def test_a_basket_is_featured_when_it_has_a_transaction(full_workshop, basket, empty_basket):
    data = report(full_workshop)
    assert featured(full_workshop) == [basket.pk]
    assert empty_basket.pk in [b.pk for b in data.left_out]


def test_the_organisers_choice_sticks(full_workshop, basket, empty_basket, alice, make_postit):
    services.basket_feature(basket=basket, featured=False)
    services.basket_feature(basket=empty_basket, featured=True)
    # More transactions later do not bring a left-out basket back.
    Transaction.objects.create(
        basket=basket, giver=alice.subgroup, offer=make_postit(alice, text="Encore")
    )
    assert featured(full_workshop) == [empty_basket.pk]
    data = report(full_workshop)
    assert data.dots == []  # the dots of a left-out basket are left out too
    assert data.actions == []


def test_a_basket_synthesis(full_workshop, basket):
    line = report(full_workshop).negotiation[0].baskets[0]
    assert line.synthesis.text == ""  # its verdict and condition are printed already
    services.basket_synthesis_set(basket=basket, text="Un panier prometteur.")
    line = report(full_workshop).negotiation[0].baskets[0]
    assert line.synthesis.text == "Un panier prometteur."
    assert BasketChoice.objects.get().featured is None  # still the default


# The page ----------------------------------------------------------------------


def test_the_editor_shows_a_form_beside_each_section(full_workshop, laptop, basket):
    html = laptop.get(f"/w/{full_workshop.pk}/report/").content.decode()
    for section in ("presentation", "synthesis", "baskets", "conditions", "plenary"):
        assert f'name="section" value="{section}"' in html
    assert 'name="section" value="conclusion"' in html
    assert f'action="/w/{full_workshop.pk}/report/baskets/{basket.pk}/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "htmx-2.0.11.min.js" in html
    assert 'hx-select="#synthesis"' in html


def test_saving_without_js_redirects_to_the_text(full_workshop, laptop):
    response = laptop.post(
        f"/w/{full_workshop.pk}/report/text/",
        {"section": "conclusion", "text": "Rendez-vous en juin.", "lang": "fr"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/w/{full_workshop.pk}/report/?lang=fr#text-conclusion"
    # It survives a reload, the PDF's HTML too.
    assert "Rendez-vous en juin." in laptop.get(response["Location"]).content.decode()


def test_saving_with_htmx_answers_the_page_at_once(full_workshop, laptop):
    bm = full_workshop.territories.get(short_name="BM")
    response = laptop.post(
        f"/w/{full_workshop.pk}/report/text/",
        {"section": "synthesis", "territory": bm.pk, "text": "Le port d'abord."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="synthesis"' in html
    assert "Le port d&#x27;abord." in html


def test_reset_goes_back_to_the_generated_text(full_workshop, laptop):
    url = f"/w/{full_workshop.pk}/report/text/"
    laptop.post(url, {"section": "plenary", "text": "À moi."})
    laptop.post(url, {"section": "plenary", "text": "À moi.", "reset": "1"})
    assert SectionText.objects.get().text == ""


def test_a_too_long_text_is_refused_with_its_reason(full_workshop, laptop):
    response = laptop.post(
        f"/w/{full_workshop.pk}/report/text/",
        {"section": "conclusion", "text": "x" * (TEXT_MAX_LENGTH + 1)},
    )
    assert response.status_code == 422
    assert "5000" in response.content.decode()
    assert not SectionText.objects.filter(text__startswith="x").exists()


def test_an_unknown_section_or_territory_is_refused(full_workshop, laptop):
    url = f"/w/{full_workshop.pk}/report/text/"
    response = laptop.post(url, {"section": "cover", "text": "x"})
    assert response.status_code == 422
    assert "Section inconnue." in response.content.decode()
    stranger = Territory.objects.create(name="Ailleurs", kind="pays")
    response = laptop.post(url, {"section": "synthesis", "territory": stranger.pk, "text": "x"})
    assert response.status_code == 404
    assert not SectionText.objects.exists()


def test_another_workshops_basket_is_not_found(full_workshop, other_workshop, laptop):
    stranger = Basket.objects.filter(table__workshop=other_workshop).first()
    url = f"/w/{full_workshop.pk}/report/baskets/{stranger.pk}/"
    assert laptop.post(url, {"featured": "0"}).status_code == 404
    assert not BasketChoice.objects.exists()


def test_leaving_a_basket_out_with_htmx(full_workshop, laptop, basket):
    response = laptop.post(
        f"/w/{full_workshop.pk}/report/baskets/{basket.pk}/",
        {"featured": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert featured(full_workshop) == []
    html = response.content.decode()
    assert "Paniers laissés hors du rapport" in html
    assert f'id="feature-{basket.pk}"' in html


def test_the_basket_synthesis_through_the_page(full_workshop, laptop, basket):
    response = laptop.post(
        f"/w/{full_workshop.pk}/report/baskets/{basket.pk}/", {"text": "À suivre."}
    )
    assert response["Location"].endswith(f"#text-basket-{basket.pk}")
    assert BasketChoice.objects.get().synthesis == "À suivre."


# Regeneration and the PDF --------------------------------------------------------


def test_edits_survive_regeneration_and_reach_the_pdf(
    full_workshop, basket, empty_basket, alice, make_postit, tmp_path
):
    services.section_text_set(
        workshop=full_workshop, section="presentation", text="Mot de l'organisatrice."
    )
    services.basket_synthesis_set(basket=basket, text="Synthèse écrite à la main.")
    # The workshop changes after the edits: the report is generated again from it.
    make_postit(alice, text="Une offre tardive", kind="offer")
    text = pdf_text(render_pdf(full_workshop, "fr"), tmp_path)
    assert "Mot de l'organisatrice." in text
    assert "Synthèse écrite à la main." in text
    assert "Une offre tardive" in text
    assert "Enregistrer" not in text  # no editing control in the PDF
    assert "Projet de liste d'actions" in text
    assert text.find("Temps 4 : retours et gommettes") < text.find("Projet de liste d'actions")
    assert text.find("Projet de liste d'actions") < text.find("Conclusion")


def test_a_left_out_basket_is_absent_from_the_pdf(full_workshop, basket, tmp_path):
    before = pdf_text(render_pdf(full_workshop, "fr"), tmp_path)
    assert "@tous" in before  # its transaction's note
    services.basket_feature(basket=basket, featured=False)
    after = pdf_text(render_pdf(full_workshop, "fr"), tmp_path)
    assert "@tous" not in after
    assert "=HYPERLINK" in after  # still a post-it of phase 1
    assert "+ de bus" not in after  # its conditions, phase 3
    assert "Paniers laissés hors du rapport" not in after
