"""Import by part of the document: every value is checked by its model's own field, and
the refusal names the place in the file with the model's words."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from baskets.models import Transaction
from plenary.models import Plenary
from restitution.document import CONTENT, SETUP, curation, workshop_document
from restitution.importer import ImportRefused, import_workshop
from territories.models import SHEET_MAX_LENGTH, KeyFact, Territory
from workshops.models import Phase, PostIt, Workshop

pytestmark = pytest.mark.django_db


def model_says(model, field: str, value) -> str:
    """What the model itself answers for this value of this field (``full_clean``'s words)."""
    try:
        model._meta.get_field(field).clean(value, model())
    except ValidationError as error:
        return error.messages[0]
    raise AssertionError(f"{model.__name__}.{field} accepts {value!r}")


def refusal(document: dict, owner, *, template: bool = False) -> str:
    before = Workshop.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_workshop(json.dumps(document).encode(), created_by=owner, template=template)
    assert Workshop.objects.count() == before
    return str(refused.value)


# (where in the document, the value written there, its model and field)
MODEL_RULES = {
    "a colour that is no colour": (["territories", 0, "color"], "blue", Territory, "color"),
    "a sheet too long": (
        ["territories", 1, "sheet"],
        "x" * (SHEET_MAX_LENGTH + 1),
        Territory,
        "sheet",
    ),
    "a kind of territory not in the list": (["territories", 0, "kind"], "city", Territory, "kind"),
    "a key fact without a value": (
        ["territories", 0, "key_facts", 0, "value"],
        "",
        KeyFact,
        "value",
    ),
    "a date that is no date": (["workshop", "date"], "14/03/2025", Workshop, "date"),
    "a tolerance too large": (["workshop", "balance_tolerance"], 99, Workshop, "balance_tolerance"),
    "a phase of no time": (["phases", 0, "duration_minutes"], 0, Phase, "duration_minutes"),
    "a post-it too long": (["postits", 0, "text"], "x" * 281, PostIt, "text"),
    "an effort out of range": (["transactions", 0, "effort"], 0, Transaction, "effort"),
    "an order the presenter does not know": (["plenary", "order"], "random", Plenary, "order"),
}


@pytest.mark.parametrize("case", MODEL_RULES)
def test_it_refuses_a_value_with_the_models_own_words(full_workshop, owner, case):
    place, value, model, field = MODEL_RULES[case]
    document = workshop_document(full_workshop)
    target = document
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    path = place[0] + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in place[1:])
    expected = _("%(where)s: %(problem)s") % {
        "where": path,
        "problem": model_says(model, field, value),
    }
    assert refusal(document, owner) == expected


def test_it_refuses_a_title_of_spaces_as_the_model_refuses_a_blank_one(full_workshop, owner):
    document = workshop_document(full_workshop)
    document["workshop"]["title"] = "   "
    blank = Workshop._meta.get_field("title").error_messages["blank"]
    assert refusal(document, owner, template=True) == _("%(where)s: %(problem)s") % {
        "where": "workshop.title",
        "problem": blank,
    }


def test_it_checks_a_library_territory_of_the_file_too(full_workshop, owner):
    """A territory found in the library by name is reused as it is, yet the file's copy of
    it must still be a valid one."""
    document = workshop_document(full_workshop)
    document["territories"][0]["short_name"] = "x" * 31
    assert refusal(document, owner, template=True).startswith("territories[0].short_name")


def test_it_refuses_a_string_where_the_model_would_take_one_for_a_number(full_workshop, owner):
    """Django's integer fields read "3" as 3: the format says what a number is."""
    document = workshop_document(full_workshop)
    document["transactions"][0]["value"] = "3"
    assert "transactions[0].value" in refusal(document, owner)


def test_it_writes_and_reads_every_part_of_the_document(full_workshop, owner):
    document = workshop_document(full_workshop)
    parts = [p.key for p in (*SETUP, *CONTENT, curation.CURATION)]
    assert sorted(parts) == sorted(set(document) - {"format", "version"})
    copy_ = import_workshop(json.dumps(document).encode(), created_by=owner, template=False)
    again = workshop_document(copy_)
    for key in parts:
        assert again[key] == document[key], key


@pytest.mark.parametrize(
    "place,path",
    [
        (["postits", 0, "text"], "postits[0].text"),
        (["workshop", "themes", 0], "workshop.themes[0]"),
        (["plenary", "questions", 0], "plenary.questions[0]"),
    ],
    ids=["a post-it", "a theme", "a question"],
)
def test_it_refuses_a_null_character_that_no_form_lets_through(full_workshop, owner, place, path):
    """PostgreSQL cannot store one: refused with its place, never a failure half-way."""
    document = workshop_document(full_workshop)
    target = document
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = "Une\x00offre"
    assert refusal(document, owner).startswith(path)


@pytest.mark.parametrize(
    "change,path,problem",
    [
        (
            lambda d: d["conditions"].append(dict(d["conditions"][0])),
            "conditions[1]",
            "a basket's conditions appear twice",
        ),
        (
            lambda d: d["conditions"][0]["answers"].append(d["conditions"][0]["answers"][0]),
            "conditions[0].answers[1]",
            "an item is answered twice",
        ),
        (
            lambda d: d["restitution"]["baskets"].extend(
                [{"basket": 1, "featured": True, "synthesis": ""}] * 2
            ),
            "restitution.baskets[1]",
            "a basket appears twice",
        ),
    ],
    ids=["a basket's conditions", "a checklist answer", "a basket's choice"],
)
def test_it_refuses_a_row_that_names_the_same_one_twice(
    full_workshop, owner, change, path, problem
):
    document = workshop_document(full_workshop)
    change(document)
    said = _("%(where)s: %(problem)s") % {"where": path, "problem": _(problem)}
    assert refusal(document, owner) == said
