"""The open exports: every kind's rows and French headers, formula neutralisation, CSV
escaping, the workbook read back with openpyxl, and a bounded number of queries."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from restitution import exports, tables
from restitution.tables import neutralise
from workshops.models import PostIt

pytestmark = pytest.mark.django_db


def rows(workshop, kind) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exports.csv_text(workshop, kind))))


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-moins", "'-moins"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Un port", "Un port"),
        ("\x01=1+1", "'=1+1"),  # openpyxl drops the control character: a formula again
        ("\x00\x1f@x", "'@x"),
        ("ligne\nsuivante\tet tab", "ligne\nsuivante\tet tab"),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_postits_csv(full_workshop):
    header, *body = rows(full_workshop, "postits")
    assert header == ["Table", "Territoire", "Type", "Thème", "Texte", "Auteur·e"]
    assert ["1", "BM", "Offre", "Énergie", '\'=HYPERLINK("http://x")', "Alice"] in body
    assert ["1", "BM", "Offre", "", 'Un "port", en eau; profonde', "Alice"] in body
    assert ["1", "PdB", "Besoin", "Mobilité", "'-moins de voitures", "Bruno"] in body
    assert len(body) == 4


def test_csv_escapes_quotes_and_commas(full_workshop):
    assert '"Un ""port"", en eau; profonde"' in exports.csv_text(full_workshop, "postits")


def test_baskets_csv(full_workshop):
    header, *body = rows(full_workshop, "baskets")
    assert header[:3] == ["Table", "Territoire A", "Territoire B"]
    assert len(body) == 9  # 3 tables × 3 pairs
    traded = [row for row in body if row[3] == "1"]
    assert traded == [
        ["1", "BM", "PdB", "1", "-2", "4", "Penche vers PdB", "Équilibré à condition"]
    ]


def test_transactions_csv(full_workshop):
    header, *body = rows(full_workshop, "transactions")
    assert header[1:3] == ["Donne", "Reçoit"]
    assert body == [
        ["1", "BM", "PdB", '\'=HYPERLINK("http://x")', "'-moins de voitures", "'@tous", "4", "2"]
    ]


def test_conditions_csv(full_workshop):
    header, *body = rows(full_workshop, "conditions")
    assert "Verdict" in header
    (row,) = body
    item = full_workshop.condition_items.first().title
    card = full_workshop.alliance_choices.filter(family="purpose").first().label
    assert row[:6] == ["1", "BM", "PdB", "Équilibré à condition", "'+ de bus", ""]
    assert row[6] == card
    assert row[-1] == f"✓ {item} — Oui"


def test_feedback_and_dots_csv(full_workshop):
    header, *body = rows(full_workshop, "feedback")
    assert body == [["Avez-vous réussi à construire des paniers ?", "Oui, deux", "oui"]]
    header, *body = rows(full_workshop, "dots")
    assert header[-1] == "Pastilles"
    assert ["1", "BM", "PdB", "Tout le panier", "1"] in body
    assert ["1", "BM", "PdB", '\'=HYPERLINK("http://x")', "2"] in body


def test_the_workbook_opens_with_one_sheet_per_kind(full_workshop):
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(full_workshop)))
    assert book.sheetnames == [
        "Post-its",
        "Paniers",
        "Transactions",
        "Conditions",
        "Retours",
        "Pastilles",
        "Actions",
    ]
    postits = [[c.value for c in row] for row in book["Post-its"].iter_rows()]
    assert postits[0] == ["Table", "Territoire", "Type", "Thème", "Texte", "Auteur·e"]
    assert [1, "BM", "Offre", "Énergie", '\'=HYPERLINK("http://x")', "Alice"] in postits
    # No cell is a formula anywhere.
    for ws in book.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_the_json_document(full_workshop):
    document = json.loads(exports.json_bytes(full_workshop))
    assert (document["format"], document["version"]) == ("paniers-workshop", 1)
    assert [t["short_name"] for t in document["territories"]] == ["BM", "COB", "PdB"]
    assert document["territories"][0]["key_facts"] == [
        {"label": "Population", "value": "210 000", "source": "INSEE"}
    ]
    assert len(document["postits"]) == 4
    assert document["transactions"][0]["needs"] == [3]
    assert [p["first_name"] for p in document["participants"]] == ["Alice", "Bruno", "Chloé"]
    assert len(document["dots"]) == 3


def test_queries_do_not_grow_with_the_workshop(full_workshop, make_postit, alice):
    def count(export) -> int:
        with CaptureQueriesContext(connection) as queries:
            export(full_workshop)
        return len(queries)

    kinds = [exports.json_bytes, exports.xlsx_bytes, exports.csv_files]
    before = [count(export) for export in kinds]
    for n in range(10):
        make_postit(alice, text=f"Offre {n}")
    assert [count(export) for export in kinds] == before
    # one per kind of row, and 3 for the organiser's choices (restitution/snapshot.py)
    assert before == [20, 20, 20]
    assert set(tables.KINDS) == {
        "postits",
        "baskets",
        "transactions",
        "conditions",
        "feedback",
        "dots",
        "actions",
    }


def test_headers_follow_the_language(full_workshop):
    from django.utils import translation

    with translation.override("en"):
        header, *_ = rows(full_workshop, "postits")
        book = load_workbook(io.BytesIO(exports.xlsx_bytes(full_workshop)))
    assert header == ["Table", "Territory", "Kind", "Theme", "Text", "Author"]
    assert book.sheetnames[-3:] == ["Feedback", "Dots", "Actions"]


HOSTILE = '\x01=HYPERLINK("http://x","c")'


def test_no_xlsx_cell_is_a_formula_even_behind_a_control_character(full_workshop, alice):
    """The probe's attack: a control character first, which openpyxl drops when it writes,
    leaving ``=`` at the start of the cell. Read the workbook's XML itself: no <f> at all."""
    import zipfile

    from baskets.models import BasketConditions, Transaction
    from plenary.models import Answer

    alice.first_name = "\x01=1+1"
    alice.save()
    PostIt.objects.filter(subgroup__table__workshop=full_workshop).update(text=HOSTILE)
    Transaction.objects.filter(basket__table__workshop=full_workshop).update(note=HOSTILE)
    BasketConditions.objects.update(condition=HOSTILE, rebalancing=HOSTILE)
    Answer.objects.update(text=HOSTILE)
    with zipfile.ZipFile(io.BytesIO(exports.xlsx_bytes(full_workshop))) as book:
        sheets = [name for name in book.namelist() if name.startswith("xl/worksheets/")]
        cells = "".join(book.read(name).decode() for name in sheets)  # openpyxl: inline strings
    assert len(sheets) >= 5
    assert "<f>" not in cells and "<f " not in cells
    assert "'=HYPERLINK" in cells and "'=1+1" in cells  # kept as text, quoted
    assert "\x01" not in cells
