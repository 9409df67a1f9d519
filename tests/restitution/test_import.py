"""Import: the round trip, the template, and bad files refused with nothing created."""

import copy
import json

import pytest
from django.db import IntegrityError

from baskets.models import AllianceChoice, Basket, ConditionItem, Transaction
from plenary.models import Plenary
from restitution import exports, importer
from restitution.document import workshop_document
from restitution.importer import MAX_IMPORT_BYTES, ImportRefused, import_workshop
from territories.models import Territory
from workshops.models import Participant, Phase, PostIt, Workshop

pytestmark = pytest.mark.django_db


def counts() -> dict:
    models = [
        Workshop,
        Territory,
        Phase,
        Participant,
        PostIt,
        Basket,
        Transaction,
        ConditionItem,
        AllianceChoice,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_round_trip_gives_the_same_document(full_workshop, owner):
    document = workshop_document(full_workshop)
    copy_ = import_workshop(exports.json_bytes(full_workshop), created_by=owner, template=False)
    assert copy_.pk != full_workshop.pk and copy_.code != full_workshop.code
    assert list(copy_.facilitators.all()) == [owner]
    assert workshop_document(copy_) == document
    # The library's territories are reused, not copied.
    assert set(copy_.territories.all()) == set(full_workshop.territories.all())


def test_a_template_takes_the_set_up_and_no_content(full_workshop, owner):
    document = workshop_document(full_workshop)
    copy_ = import_workshop(exports.json_bytes(full_workshop), created_by=owner, template=True)
    again = workshop_document(copy_)
    for key in (
        "workshop",
        "territories",
        "phases",
        "tables",
        "condition_items",
        "alliance_choices",
        "plenary",
    ):
        assert again[key] == document[key], key
    for key in ("participants", "postits", "transactions", "conditions", "feedback", "dots"):
        assert again[key] == [], key
    assert len(again["baskets"]) == 9  # every pair at every table, empty


def test_a_template_needs_no_content_lists(full_workshop, owner):
    document = workshop_document(full_workshop)
    for key in (
        "participants",
        "postits",
        "baskets",
        "transactions",
        "conditions",
        "feedback",
        "dots",
    ):
        del document[key]
    import_workshop(json.dumps(document).encode(), created_by=owner, template=True)


def test_unknown_territories_are_created_with_their_sheet(full_workshop, owner):
    document = workshop_document(full_workshop)
    document["territories"][0]["name"] = "Quimper Cornouaille"
    copy_ = import_workshop(json.dumps(document).encode(), created_by=owner, template=True)
    created = copy_.territories.get(name="Quimper Cornouaille")
    assert created.sheet == "## Brest\n*port*"
    assert [f.label for f in created.key_facts.all()] == ["Population"]


def _broken(document: dict, change) -> bytes:
    document = copy.deepcopy(document)
    change(document)
    return json.dumps(document).encode()


def _del(path):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _set(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


BAD = {
    "wrong format": (_set(["format"], "other"), "format"),
    "wrong version": (_set(["version"], 2), "version"),
    "missing list": (_del(["postits"]), "postits"),
    "missing field": (_del(["postits", 0, "text"]), "text"),
    "wrong type": (_set(["tables", 0, "number"], "un"), "tables[0].number"),
    "too long": (_set(["postits", 0, "text"], "x" * 281), "280"),
    "bad choice": (_set(["postits", 0, "kind"], "gift"), "gift"),
    "unknown id": (_set(["transactions", 0, "offer"], 999), "999"),
    "offer of the receiver": (_set(["transactions", 0, "offer"], 3), "transactions[0].offer"),
    "score out of range": (_set(["transactions", 0, "value"], 9), "transactions[0].value"),
    "duplicate ids": (_set(["postits", 1, "id"], 1), "postits[1]"),
    "card of another family": (
        lambda d: d["conditions"][0].update(purpose=d["alliance_choices"][0]["id"]),
        "purpose",
    ),
    "duplicate territories": (
        lambda d: d["territories"][1].update(name=d["territories"][0]["name"]),
        "Brest Métropole",
    ),
    "dot on nothing": (_set(["dots", 0, "basket"], None), "dots[0]"),
    "unknown field at the top": (_set(["owner"], 1), "owner"),
    "unknown field in a post-it": (_set(["postits", 0, "subgroup_id"], 1), "postits[0]"),
    "a need that is a list": (_set(["transactions", 0, "needs"], [[1]]), "transactions[0].needs"),
    "a need that is an object": (_set(["transactions", 0, "needs"], [{}]), "transactions[0].needs"),
    "a version that is a list": (_set(["version"], [1]), "version"),
}

# Keys that name rows of the database: a file must never reach another workshop's rows, or
# the library's, through them (the importer only builds the fields the format defines).
FOREIGN_KEYS = {
    "a phase of another workshop": (["phases", 0], "workshop_id", "phases[0]"),
    "a phase with its own key": (["phases", 0], "id", "phases[0]"),
    "a plenary of another workshop": (["plenary"], "workshop_id", "plenary"),
    "a key fact of a library territory": (
        ["territories", 0, "key_facts", 0],
        "territory_id",
        "key_facts[0]",
    ),
    "a territory's key": (["territories", 0], "pk", "territories[0]"),
    "the workshop's owner": (["workshop"], "created_by_id", "workshop"),
}


@pytest.mark.parametrize("template", [True, False], ids=["template", "archive"])
@pytest.mark.parametrize("case", FOREIGN_KEYS)
def test_a_key_naming_another_row_is_refused_and_nothing_written(
    full_workshop, other_workshop, owner, territories, case, template
):
    place, key, said = FOREIGN_KEYS[case]
    document = workshop_document(full_workshop)
    document["territories"][0]["name"] = "Quimper Cornouaille"  # a territory to create
    target = document
    for step in place:
        target = target[step]
    target[key] = other_workshop.pk if "workshop" in key else territories[0].pk
    before = counts()
    other_phases = list(other_workshop.phases.values_list("pk", "name"))
    facts = list(territories[0].key_facts.values_list("label", flat=True))
    with pytest.raises(ImportRefused) as refused:
        import_workshop(json.dumps(document).encode(), created_by=owner, template=template)
    assert said in str(refused.value) and key in str(refused.value)
    assert counts() == before
    assert list(other_workshop.phases.values_list("pk", "name")) == other_phases
    assert not Plenary.objects.filter(workshop=other_workshop).exists()
    assert list(territories[0].key_facts.values_list("label", flat=True)) == facts


@pytest.mark.parametrize(
    "raw,said",
    [
        (b"[" * 100_000 + b"]" * 100_000, "imbriqu"),
        (b'{"version": ' + b"9" * 5000 + b"}", "JSON"),
        (b'{"format": "paniers-workshop", "format": "paniers-workshop"}', "format"),
    ],
    ids=["nested 100,000 deep", "an integer of 5,000 digits", "a key given twice"],
)
def test_hostile_files_are_refused_not_crashed_on(workshop, owner, raw, said):
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        import_workshop(raw, created_by=owner, template=False)
    assert said in str(refused.value)
    assert counts() == before


def test_a_refusal_quotes_a_long_value_short(full_workshop, owner):
    document = workshop_document(full_workshop)
    document["version"] = "9" * 4_000_000
    with pytest.raises(ImportRefused) as refused:
        import_workshop(json.dumps(document).encode(), created_by=owner, template=False)
    assert len(str(refused.value)) < 300


@pytest.mark.parametrize("case", BAD)
def test_bad_files_are_refused_with_nothing_created(full_workshop, owner, case):
    change, said = BAD[case]
    raw = _broken(workshop_document(full_workshop), change)
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        import_workshop(raw, created_by=owner, template=False)
    assert said in str(refused.value)
    assert counts() == before


@pytest.mark.parametrize(
    "raw,said",
    [
        (b"{not json", "JSON"),
        ("é".encode("latin-1"), "JSON"),
        (b"[]", "objet"),
        (b" " * (MAX_IMPORT_BYTES + 1), "5"),
    ],
    ids=["broken", "not utf-8", "not an object", "oversize"],
)
def test_unreadable_files_are_refused(workshop, owner, raw, said):
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        import_workshop(raw, created_by=owner, template=True)
    assert said in str(refused.value)
    assert counts() == before


def test_a_failure_during_the_writes_leaves_nothing(full_workshop, owner, monkeypatch):
    from restitution import importer

    def boom(*args, **kwargs):
        raise ImportRefused("boom")

    monkeypatch.setattr(importer.Dot.objects, "bulk_create", boom)
    before = counts()
    with pytest.raises(ImportRefused):
        import_workshop(exports.json_bytes(full_workshop), created_by=owner, template=False)
    assert counts() == before


@pytest.mark.parametrize(
    "key,limit",
    [
        ("participants", importer.MAX_PARTICIPANTS),
        ("postits", importer.MAX_POSTITS),
        ("transactions", importer.MAX_TRANSACTIONS),
        ("feedback", importer.MAX_FEEDBACK),
        ("dots", importer.MAX_DOTS_IN_FILE),
    ],
)
def test_a_file_over_a_row_limit_is_refused_before_anything_is_read(
    full_workshop, owner, key, limit
):
    document = workshop_document(full_workshop)
    document[key] = [document[key][0]] * (limit + 1)
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        import_workshop(json.dumps(document).encode(), created_by=owner, template=False)
    assert key in str(refused.value) and f"{limit}" in str(refused.value).replace("\u202f", "")
    assert counts() == before


def test_a_failure_part_way_takes_back_the_territories_it_created(
    full_workshop, owner, monkeypatch
):
    """The rows are written in short batches (a live workshop's writes get in between):
    a failure after some of them deletes the new workshop and the new territory again."""

    def boom(*args, **kwargs):
        raise IntegrityError("boom")

    document = workshop_document(full_workshop)
    document["territories"][0]["name"] = "Quimper Cornouaille"
    monkeypatch.setattr(importer.Dot.objects, "bulk_create", boom)
    before = counts()
    with pytest.raises(ImportRefused):
        import_workshop(json.dumps(document).encode(), created_by=owner, template=False)
    assert counts() == before
    assert not Territory.objects.filter(name="Quimper Cornouaille").exists()


def test_the_rows_go_in_batches(full_workshop, owner, monkeypatch):
    monkeypatch.setattr(importer, "IMPORT_BATCH", 2)
    copy_ = import_workshop(exports.json_bytes(full_workshop), created_by=owner, template=False)
    assert workshop_document(copy_) == workshop_document(full_workshop)
