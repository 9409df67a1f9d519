"""The draft action list: candidate actions from the featured baskets' transactions, their
statuses and titles, in the report, the PDF, the exports and the JSON round trip."""

import csv
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from baskets.models import AnsweredNeed, Basket, Transaction
from restitution import exports, services
from restitution.document import workshop_document
from restitution.importer import ImportRefused, import_workshop
from restitution.models import ACTION_TITLE_MAX_LENGTH, ActionChoice
from restitution.pdf import render_pdf
from restitution.report import report
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def pdf_text(raw: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(raw)
    return subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout


@pytest.fixture
def transaction(full_workshop):
    return Transaction.objects.get(basket__table__workshop=full_workshop)


@pytest.fixture
def second(full_workshop, alice, bruno, make_postit):
    """Bruno's answer in the same basket: he gives, Alice receives."""
    basket = Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)
    offer = make_postit(bruno, text="Des haies bocagères", kind="offer", theme="Eau")
    need = make_postit(alice, text="Du foncier agricole", kind="need")
    row = Transaction.objects.create(basket=basket, giver=bruno.subgroup, offer=offer)
    AnsweredNeed.objects.create(transaction=row, need=need)
    return row


def test_each_transaction_of_a_featured_basket_is_a_candidate(full_workshop, transaction, second):
    actions = report(full_workshop).actions
    assert [a.pk for a in actions] == [transaction.pk, second.pk]
    first, other = actions
    assert first.title == '=HYPERLINK("http://x")'  # the offer's text by default
    assert [t.short_name for t in first.carriers] == ["BM", "PdB"]  # the giver first
    assert [t.short_name for t in other.carriers] == ["PdB", "BM"]
    assert first.theme == "Énergie"
    assert first.needs == ["-moins de voitures"]
    assert other.needs == ["Du foncier agricole"]
    assert first.status == other.status == "reflection"
    assert first.included


def test_the_organiser_sets_status_title_and_inclusion(full_workshop, transaction, second):
    services.action_update(
        transaction=transaction, status="operational", title="Un réseau de chaleur"
    )
    services.action_update(transaction=second, status="preparation", included=False)
    data = report(full_workshop)
    assert data.actions[0].title == "Un réseau de chaleur"
    groups = data.action_groups
    assert [(g.status, [a.pk for a in g.actions]) for g in groups] == [
        ("operational", [transaction.pk])
    ]


def test_a_title_equal_to_the_offer_is_stored_empty(transaction):
    services.action_update(
        transaction=transaction,
        status="reflection",
        title=transaction.offer.text,
        default_title=transaction.offer.text,
    )
    assert ActionChoice.objects.get().title == ""


@pytest.mark.parametrize(
    "kwargs", [{"status": "done"}, {"status": "operational", "title": "x" * 201}]
)
def test_bad_actions_are_refused(transaction, kwargs):
    assert ACTION_TITLE_MAX_LENGTH == 200
    with pytest.raises(ValidationError):
        services.action_update(transaction=transaction, **kwargs)
    assert not ActionChoice.objects.exists()


def test_a_left_out_basket_gives_no_action(full_workshop, transaction):
    services.action_update(transaction=transaction, status="operational")
    services.basket_feature(basket=transaction.basket, featured=False)
    assert report(full_workshop).actions == []


def test_the_page_saves_an_action(full_workshop, laptop, transaction):
    url = f"/w/{full_workshop.pk}/report/actions/{transaction.pk}/"
    response = laptop.post(url, {"status": "preparation", "title": "Bois-énergie"})
    assert response["Location"].endswith(f"#action-{transaction.pk}")
    choice = ActionChoice.objects.get()
    assert (choice.status, choice.title, choice.included) == ("preparation", "Bois-énergie", False)
    response = laptop.post(
        url, {"status": "bogus", "title": "", "included": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "Statut inconnu." in response.content.decode()
    html = laptop.get(f"/w/{full_workshop.pk}/report/").content.decode()
    assert 'value="Bois-énergie"' in html
    assert f'id="action-{transaction.pk}"' in html


def test_another_workshops_transaction_is_not_found(full_workshop, laptop, dora, make_postit):
    basket = (
        Basket.objects.filter(side_a=dora.subgroup).first()
        or Basket.objects.filter(side_b=dora.subgroup).first()
    )
    offer = make_postit(dora, text="Ailleurs", kind="offer")
    stranger = Transaction.objects.create(basket=basket, giver=dora.subgroup, offer=offer)
    url = f"/w/{full_workshop.pk}/report/actions/{stranger.pk}/"
    assert laptop.post(url, {"status": "operational"}).status_code == 404
    assert not ActionChoice.objects.exists()


def test_the_pdf_groups_the_actions_by_status(full_workshop, transaction, second, tmp_path):
    services.action_update(transaction=transaction, status="reflection", title="Chaleur partagée")
    services.action_update(transaction=second, status="operational")
    text = pdf_text(render_pdf(full_workshop, "fr"), tmp_path)
    start = text.find("Projet de liste d'actions")
    assert start != -1
    actions = text[start:]
    operational = actions.find("Projets opérationnels")
    reflection = actions.find("Thématiques en réflexion")
    assert -1 < operational < actions.find("Des haies bocagères") < reflection
    assert reflection < actions.find("Chaleur partagée")
    assert "Projets en préparation" not in actions  # an empty group is left out
    english = pdf_text(render_pdf(full_workshop, "en"), tmp_path)
    assert "Draft action list" in english and "Operational projects" in english


def test_the_actions_sheet_neutralises_formulas(full_workshop, transaction):
    services.action_update(transaction=transaction, status="operational", title="+33 emplois")
    header, *rows = list(csv.reader(io.StringIO(exports.csv_text(full_workshop, "actions"))))
    assert header[:3] == ["Statut", "Action", "Table"]
    assert rows == [
        [
            "Projets opérationnels",
            "'+33 emplois",
            "1",
            "BM",
            "PdB",
            "Énergie",
            "'-moins de voitures",
            '\'=HYPERLINK("http://x")',
            "oui",
        ]
    ]
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(full_workshop)))
    sheet = [[c.value for c in row] for row in book["Actions"].iter_rows()]
    assert sheet[1][1] == "'+33 emplois"
    assert all(c.data_type != "f" for row in book["Actions"].iter_rows() for c in row)


def test_the_json_round_trip_keeps_the_organisers_choices(
    full_workshop, owner, transaction, second
):
    bm = full_workshop.territories.get(short_name="BM")
    services.section_text_set(workshop=full_workshop, section="conclusion", text="Merci !")
    services.section_text_set(workshop=full_workshop, section="synthesis", territory=bm, text="P")
    services.basket_synthesis_set(basket=transaction.basket, text="À suivre.")
    services.action_update(transaction=second, status="operational", title="Haies", included=False)
    document = workshop_document(full_workshop)
    curation = document["restitution"]
    assert curation["texts"][0] == {"section": "synthesis", "territory": 1, "text": "P"}
    assert curation["actions"] == [
        {"transaction": 2, "status": "operational", "title": "Haies", "included": False}
    ]
    copy_ = import_workshop(exports.json_bytes(full_workshop), created_by=owner, template=False)
    assert workshop_document(copy_) == document
    assert report(copy_).texts["conclusion"].text == "Merci !"
    # A template takes none of it: the curation is content.
    template = import_workshop(exports.json_bytes(full_workshop), created_by=owner, template=True)
    assert workshop_document(template)["restitution"] == {
        "texts": [],
        "baskets": [],
        "actions": [],
    }


def test_a_document_without_the_curation_still_imports(full_workshop, owner):
    document = workshop_document(full_workshop)
    del document["restitution"]
    copy_ = import_workshop(exports.json.dumps(document).encode(), created_by=owner, template=False)
    assert copy_.pk != full_workshop.pk


@pytest.mark.parametrize(
    "curation, said",
    [
        ({"texts": [{"section": "nope", "territory": None, "text": ""}]}, "texts[0].section"),
        ({"texts": [{"section": "baskets", "territory": 1, "text": ""}]}, "temps 1"),
        ({"baskets": [{"basket": 99, "featured": True, "synthesis": ""}]}, "99"),
        ({"baskets": [{"basket": 1, "featured": "yes", "synthesis": ""}]}, "featured"),
        (
            {"actions": [{"transaction": 1, "status": "x", "title": "", "included": True}]},
            "status",
        ),
        (
            {"actions": [{"transaction": 1, "status": "operational", "title": "x" * 201}]},
            "actions[0].title",
        ),
    ],
)
def test_a_bad_curation_is_refused_with_nothing_created(full_workshop, owner, curation, said):
    document = workshop_document(full_workshop)
    document["restitution"] = {"texts": [], "baskets": [], "actions": [], **curation}
    before = Workshop.objects.count()
    with pytest.raises(ImportRefused, match=said.replace("[", r"\[").replace("]", r"\]")):
        import_workshop(exports.json.dumps(document).encode(), created_by=owner, template=False)
    assert Workshop.objects.count() == before
    assert not ActionChoice.objects.exists()


def test_the_editor_reads_in_a_fixed_number_of_queries(
    full_workshop, laptop, alice, bruno, make_postit, transaction
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert laptop.get(f"/w/{full_workshop.pk}/report/").status_code == 200
        return len(queries)

    before = count()
    basket = transaction.basket
    for n in range(5):
        offer = make_postit(alice, text=f"Offre {n}", kind="offer")
        row = Transaction.objects.create(basket=basket, giver=alice.subgroup, offer=offer)
        services.action_update(transaction=row, status="preparation", title=f"Action {n}")
    services.basket_synthesis_set(basket=basket, text="Synthèse")
    services.section_text_set(workshop=full_workshop, section="conclusion", text="Fin")
    assert count() == before
