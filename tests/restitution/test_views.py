"""Who may use each URL of restitution/urls.py (a guard test checks that none is
forgotten), what the pages and downloads carry, and the import form."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from baskets.models import Basket, Transaction
from restitution import exports
from restitution import urls as restitution_urls
from restitution.models import ActionChoice, BasketChoice, SectionText
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def urls(workshop) -> dict[str, tuple]:
    pk = workshop.pk
    basket = Basket.objects.filter(table__workshop=workshop).first()
    transaction = Transaction.objects.filter(basket__table__workshop=workshop).first()
    return {
        "report_text": ("post", f"/w/{pk}/report/text/", {"section": "conclusion", "text": "À"}),
        "report_basket": ("post", f"/w/{pk}/report/baskets/{basket.pk}/", {"featured": "0"}),
        "report_action": (
            "post",
            f"/w/{pk}/report/actions/{transaction.pk}/",
            {"status": "operational", "title": "", "included": "1"},
        ),
        "exports": ("get", f"/w/{pk}/exports/"),
        "report": ("get", f"/w/{pk}/report/"),
        "colours": ("get", f"/w/{pk}/report/colours.css"),
        "pdf": ("get", f"/w/{pk}/report.pdf"),
        "pdf_progress": ("get", f"/w/{pk}/report/pdf/"),
        "pdf_build": ("post", f"/w/{pk}/report/pdf/build/"),
        "json": ("get", f"/w/{pk}/exports/workshop.json"),
        "xlsx": ("get", f"/w/{pk}/exports/workshop.xlsx"),
        "csv": ("get", f"/w/{pk}/exports/postits.csv"),
        "import": ("post", "/w/import/"),
        "delete": ("get", f"/w/{pk}/delete/"),
    }


FACILITATORS = {"owner": 200, "cofacilitator": 200}
EXPECTED = {
    name: {"anonymous": 302, **FACILITATORS, "other_facilitator": 404, "participant": 302}
    for name in ("exports", "report", "colours", "pdf_progress", "json", "xlsx", "csv")
}
# Both lead to the build's progress page (tests/restitution/test_build.py): the download
# while no PDF is ready yet, the build once it is queued. The editor's saves: a redirect
# to the saved item.
for name in ("pdf", "pdf_build", "report_text", "report_basket", "report_action"):
    EXPECTED[name] = {**EXPECTED["report"], "owner": 302, "cofacilitator": 302}
# Any signed-in facilitator may create a workshop from a file (400: no file was sent).
EXPECTED["import"] = {
    "anonymous": 302,
    "owner": 400,
    "cofacilitator": 400,
    "other_facilitator": 400,
    "participant": 302,
}
# Its owner only deletes a workshop (tests/restitution/test_delete.py posts the form).
EXPECTED["delete"] = {
    "anonymous": 302,
    "owner": 200,
    "cofacilitator": 403,
    "other_facilitator": 404,
    "participant": 302,
}


def test_every_url_has_its_cases():
    assert {p.name for p in restitution_urls.urlpatterns} == set(EXPECTED)


@pytest.fixture
def actors(
    workshop,
    owner,
    cofacilitator,
    other_facilitator,
    other_workshop,
    alice,
    user_client,
    participant_client,
):
    return {
        "anonymous": Client(),
        "owner": user_client(owner),
        "cofacilitator": user_client(cofacilitator),
        "other_facilitator": user_client(other_facilitator),
        "participant": participant_client(alice),
    }


@pytest.fixture
def a_transaction(alice, bruno, make_postit):
    basket = Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)
    offer = make_postit(alice, text="Du bois", kind="offer")
    return Transaction.objects.create(basket=basket, giver=alice.subgroup, offer=offer)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize(
    "actor", ["anonymous", "owner", "cofacilitator", "other_facilitator", "participant"]
)
def test_permissions(workshop, actors, name, actor, a_transaction):
    method, url, *data = urls(workshop)[name]
    before = Workshop.objects.count()
    response = getattr(actors[actor], method)(url, *data)
    assert response.status_code == EXPECTED[name][actor]
    assert Workshop.objects.count() == before
    # Only the workshop's facilitators change the editor's rows.
    if actor not in FACILITATORS:
        assert not SectionText.objects.exists()
        assert not BasketChoice.objects.exists()
        assert not ActionChoice.objects.exists()


def test_an_unknown_kind_is_not_found(workshop, laptop):
    assert laptop.get(f"/w/{workshop.pk}/exports/secrets.csv").status_code == 404


def test_downloads(full_workshop, laptop):
    pk = full_workshop.pk
    page = laptop.get(f"/w/{pk}/exports/").content.decode()
    for kind in ("postits", "baskets", "transactions", "conditions", "feedback", "dots"):
        assert f"/w/{pk}/exports/{kind}.csv" in page
    response = laptop.get(f"/w/{pk}/exports/transactions.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="atelier-{full_workshop.code}-transactions.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffTable,Donne,Reçoit")
    book = load_workbook(io.BytesIO(laptop.get(f"/w/{pk}/exports/workshop.xlsx").content))
    assert "Pastilles" in book.sheetnames
    document = json.loads(laptop.get(f"/w/{pk}/exports/workshop.json").content)
    assert document["version"] == 1


def test_the_pages_link_to_the_exports(workshop, laptop):
    url = reverse("restitution:exports", args=[workshop.pk])
    assert url in laptop.get(f"/w/{workshop.pk}/").content.decode()
    assert url in laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert 'action="/w/import/"' in laptop.get("/w/").content.decode()


def _upload(raw: bytes, mode: str):
    return {"file": io.BytesIO(raw), "mode": mode}


def test_importing_an_archive(full_workshop, laptop, owner):
    raw = exports.json_bytes(full_workshop)
    response = laptop.post("/w/import/", _upload(raw, "archive"))
    copy_ = Workshop.objects.exclude(pk=full_workshop.pk).get(title=full_workshop.title)
    assert response.status_code == 302 and response["Location"] == f"/w/{copy_.pk}/"
    assert copy_.tables.count() == 3 and copy_.participants.count() == 3


def test_importing_a_template(full_workshop, laptop):
    laptop.post("/w/import/", _upload(exports.json_bytes(full_workshop), "template"))
    copy_ = Workshop.objects.exclude(pk=full_workshop.pk).get(title=full_workshop.title)
    assert copy_.participants.count() == 0


def test_a_bad_file_is_refused_with_its_reason(workshop, laptop):
    before = Workshop.objects.count()
    response = laptop.post(
        "/w/import/", _upload(b'{"format": "paniers-workshop", "version": 7}', "archive")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rien n'a été importé" in page
    assert "La version de format de ce fichier (7)" in page
    assert Workshop.objects.count() == before


def test_an_oversize_file_is_refused_by_the_page(workshop, laptop):
    from restitution.importer import MAX_IMPORT_BYTES

    before = Workshop.objects.count()
    response = laptop.post("/w/import/", _upload(b" " * (MAX_IMPORT_BYTES + 10), "archive"))
    assert response.status_code == 400
    assert "Le fichier est trop lourd (5 Mo au plus)." in response.content.decode()
    assert Workshop.objects.count() == before


def test_no_file(workshop, laptop):
    response = laptop.post("/w/import/", {"mode": "archive"})
    assert "Choisissez un fichier exporté par Paniers" in response.content.decode()


def test_a_refusal_that_quotes_the_file_is_escaped(full_workshop, laptop):
    document = json.loads(exports.json_bytes(full_workshop))
    for territory in document["territories"][:2]:
        territory["name"] = "<script>alert(1)</script>"
    response = laptop.post("/w/import/", _upload(json.dumps(document).encode(), "archive"))
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_file_naming_another_workshop_is_refused_by_the_page(
    full_workshop, other_workshop, laptop
):
    """The probe's attack: a phase and a plenary "of" a workshop the importer does not own."""
    document = json.loads(exports.json_bytes(full_workshop))
    document["phases"][0]["workshop_id"] = other_workshop.pk
    document["plenary"] = {**(document["plenary"] or {}), "workshop_id": other_workshop.pk}
    phases = other_workshop.phases.count()
    before = Workshop.objects.count()
    response = laptop.post("/w/import/", _upload(json.dumps(document).encode(), "template"))
    assert response.status_code == 400
    assert "champ inconnu « workshop_id »" in response.content.decode()
    assert Workshop.objects.count() == before
    assert other_workshop.phases.count() == phases
