"""Import a "paniers-workshop" document as a NEW workshop, as a template or as an archive.

Everything is checked before the first write (``validate``): the format and version, every
field's type, length and choices, each list's ids, and every reference between rows. A
refused file raises ``ImportRefused`` with a message for the facilitator; the writes run in
one transaction, so nothing is left behind either way.

Territories are found in the library by name (names are unique there) and reused as they
are; only a territory the library lacks is created, with the document's sheet
(docs/restitution.md says why).
"""

import datetime
import json

from django.db import IntegrityError
from django.utils.translation import gettext as _

from baskets.models import (
    MAX_ALLIANCE_CHOICES,
    MAX_CONDITION_ITEMS,
    SCORE_MAX,
    SCORE_MIN,
    AllianceChoice,
    AnsweredNeed,
    Basket,
    BasketConditions,
    ConditionAnswer,
    ConditionItem,
    Transaction,
)
from baskets.services import ensure_baskets
from plenary.models import MAX_DOTS, MAX_QUESTIONS, Answer, Dot, DotBudget, Plenary
from restitution import deletion
from restitution.document import FORMAT, VERSION
from restitution.models import (
    ACTION_TITLE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ActionChoice,
    ActionStatus,
    BasketChoice,
    Section,
    SectionText,
)
from territories.models import KEY_FACTS_MAX, KeyFact, Territory
from workshops.codes import new_join_code
from workshops.models import (
    MAX_BALANCE_TOLERANCE,
    MAX_GRACE_SECONDS,
    MAX_PHASE_MINUTES,
    Participant,
    Phase,
    PostIt,
    SubGroup,
    Table,
    Workshop,
)
from workshops.services import (
    MAX_TABLES,
    MAX_TERRITORIES,
    MAX_THEME_LENGTH,
    MAX_THEMES,
    MIN_TERRITORIES,
)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
# Rows a document may hold: several times what a real room writes (300 phones, about 5
# post-its each, a few transactions a basket), so that no file a facilitator uploads can
# hold the database for seconds (docs/restitution.md, "Import").
MAX_PARTICIPANTS = 1_000
MAX_POSTITS = 3_000
MAX_BASKETS = MAX_TABLES * MAX_TERRITORIES * (MAX_TERRITORIES - 1) // 2
MAX_TRANSACTIONS = 3_000
MAX_NEEDS_PER_TRANSACTION = 100  # a receiver's needs at one table
MAX_ANSWERED_NEEDS = 10_000
MAX_FEEDBACK = 3_000
MAX_DOTS_IN_FILE = MAX_PARTICIPANTS * MAX_DOTS
IMPORT_BATCH = 200  # rows a write transaction holds at most
CARD_FAMILIES = ("purpose", "carrier", "horizon", "intensity")

# The fields of each kind of row, as restitution/document.py writes them: nothing else is read.
# A template needs the set-up; an archive its content too.
SETUP_SECTIONS = (
    "workshop",
    "territories",
    "phases",
    "tables",
    "condition_items",
    "alliance_choices",
    "plenary",
)
CONTENT_SECTIONS = (
    "participants",
    "postits",
    "baskets",
    "transactions",
    "conditions",
    "feedback",
    "dots",
)
DOCUMENT_FIELDS = ("format", "version", *SETUP_SECTIONS, *CONTENT_SECTIONS, "restitution")
WORKSHOP_FIELDS = (
    "title",
    "event",
    "date",
    "place",
    "themes",
    "grace_seconds",
    "balance_tolerance",
)
TERRITORY_FIELDS = ("id", "name", "short_name", "kind", "color", "sheet", "key_facts")
KEY_FACT_FIELDS = ("label", "value", "source")
PHASE_FIELDS = ("kind", "name", "instructions", "duration_minutes")
TABLE_FIELDS = ("number", "subgroups")
SUBGROUP_FIELDS = ("id", "territory")
CONDITION_ITEM_FIELDS = ("id", "title", "hint")
ALLIANCE_CHOICE_FIELDS = ("id", "family", "label")
PLENARY_FIELDS = ("questions", "dots_per_participant", "dots_per_item", "order")
PARTICIPANT_FIELDS = ("id", "subgroup", "first_name")
POSTIT_FIELDS = ("id", "subgroup", "author", "kind", "text", "theme")
BASKET_FIELDS = ("id", "table", "side_a", "side_b")
TRANSACTION_FIELDS = (
    "id",
    "basket",
    "giver",
    "offer",
    "needs",
    "note",
    "value",
    "effort",
    "author",
)
CONDITIONS_FIELDS = ("basket", "verdict", "condition", "rebalancing", *CARD_FAMILIES, "answers")
ANSWER_FIELDS = ("item", "checked", "text")
FEEDBACK_FIELDS = ("question", "text", "shown", "author")
DOT_FIELDS = ("participant", "basket", "transaction")
RESTITUTION_FIELDS = ("texts", "baskets", "actions")
TEXT_FIELDS = ("section", "territory", "text")
BASKET_CHOICE_FIELDS = ("basket", "featured", "synthesis")
ACTION_CHOICE_FIELDS = ("transaction", "status", "title", "included")


class ImportRefused(Exception):
    """The file cannot be imported; the message says why, for the facilitator."""


def parse(raw: bytes) -> dict:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            _("The file is too large (%(size)s MB at most).") % {"size": MAX_IMPORT_BYTES // 2**20}
        )
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_object)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportRefused(
            _("The file is not valid JSON (%(error)s).") % {"error": error}
        ) from None
    except RecursionError:
        raise ImportRefused(_("The file is nested too deeply to be a workshop.")) from None
    except ValueError as error:  # an integer of thousands of digits, a key given twice
        raise ImportRefused(
            _("The file is not valid JSON (%(error)s).") % {"error": error}
        ) from None
    return document


def _object(pairs: list) -> dict:
    """A JSON object whose keys are each given once: a file that says a field twice is
    ambiguous, and refused rather than read one way or the other."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen = set()
        twice = next(key for key, _value in pairs if key in seen or seen.add(key))
        raise ValueError(_("the field “%(field)s” appears twice") % {"field": _shown(twice)})
    return document


def _shown(value, limit: int = 40) -> str:
    """A value from the file, short enough to be quoted in a message."""
    text = str(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Checks ------------------------------------------------------------------------------


def _fail(path: str, message: str):
    raise ImportRefused(_("%(where)s: %(problem)s") % {"where": path, "problem": message})


def _dict(value, path) -> dict:
    if not isinstance(value, dict):
        _fail(path, _("an object is expected"))
    return value


def _row(value, path, known: tuple) -> dict:
    """An object with only the fields the format defines: a field the importer does not
    know is refused, never passed on to a model (it could name another workshop's key)."""
    row = _dict(value, path)
    for key in row:
        if key not in known:
            _fail(path, _("unknown field “%(field)s”") % {"field": _shown(key)})
    return row


def _list(value, path, limit=None) -> list:
    if not isinstance(value, list):
        _fail(path, _("a list is expected"))
    if limit is not None and len(value) > limit:
        _fail(path, _("at most %(limit)s entries") % {"limit": limit})
    return value


def _field(
    row: dict,
    key: str,
    path: str,
    kind,
    *,
    model=None,
    blank=True,
    null=False,
    choices=None,
    low=None,
    high=None,
):
    """One field of a row: present, of its type, and as the model accepts it."""
    if key not in row:
        _fail(path, _("the field “%(field)s” is missing") % {"field": key})
    value = row[key]
    where = f"{path}.{key}"
    if value is None:
        if null:
            return None
        _fail(where, _("a value is expected"))
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        _fail(where, _("a whole number is expected"))
    if kind is not int and not isinstance(value, kind):
        _fail(where, _("a value of another type is expected"))
    if isinstance(value, str):
        limit = model._meta.get_field(key).max_length if model is not None else None
        if limit is not None and len(value) > limit:
            _fail(where, _("at most %(limit)s characters") % {"limit": limit})
        if not blank and not value.strip():
            _fail(where, _("a value is expected"))
    if choices is not None and value not in choices:
        _fail(where, _("“%(value)s” is not one of the known values") % {"value": value})
    if low is not None and not low <= value <= high:
        _fail(where, _("between %(low)s and %(high)s") % {"low": low, "high": high})
    return value


def _ids(rows: list, path: str) -> set:
    seen = set()
    for n, row in enumerate(rows):
        value = _field(row, "id", f"{path}[{n}]", int)
        if value in seen:
            _fail(f"{path}[{n}]", _("the id %(id)s appears twice") % {"id": value})
        seen.add(value)
    return seen


def _ref(row, key, path, known: set, null=False):
    value = _field(row, key, path, int, null=null)
    if value is not None and value not in known:
        _fail(f"{path}.{key}", _("refers to an unknown id %(id)s") % {"id": value})
    return value


def _choices(model, field: str) -> set:
    return {value for value, _label in model._meta.get_field(field).choices}


def validate(document, *, template: bool) -> None:
    """Refuses anything that the writes could not take whole."""
    doc = _row(document, _("the file"), DOCUMENT_FIELDS)
    if doc.get("format") != FORMAT:
        raise ImportRefused(
            _("This is not a workshop exported by Paniers (format “%(format)s” expected).")
            % {"format": FORMAT}
        )
    if type(doc.get("version")) is not int or doc.get("version") != VERSION:
        raise ImportRefused(
            _(
                "This file's format version (%(found)s) is not one this version of Paniers reads (%(expected)s)."
            )
            % {"found": _shown(doc.get("version")), "expected": VERSION}
        )
    keys = SETUP_SECTIONS if template else SETUP_SECTIONS + CONTENT_SECTIONS
    for key in keys:
        if key not in doc:
            raise ImportRefused(_("The field “%(field)s” is missing.") % {"field": key})

    w = _row(doc["workshop"], "workshop", WORKSHOP_FIELDS)
    _field(w, "title", "workshop", str, model=Workshop, blank=False)
    for key in ("event", "place"):
        _field(w, key, "workshop", str, model=Workshop)
    date = _field(w, "date", "workshop", str, null=True)
    if date is not None:
        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            _fail("workshop.date", _("a date like 2025-03-14 is expected"))
    for n, theme in enumerate(
        _list(_field(w, "themes", "workshop", list), "workshop.themes", MAX_THEMES)
    ):
        if not isinstance(theme, str) or len(theme) > MAX_THEME_LENGTH:
            _fail(
                f"workshop.themes[{n}]",
                _("at most %(limit)s characters") % {"limit": MAX_THEME_LENGTH},
            )
    _field(w, "grace_seconds", "workshop", int, low=0, high=MAX_GRACE_SECONDS)
    _field(w, "balance_tolerance", "workshop", int, low=0, high=MAX_BALANCE_TOLERANCE)

    territories = _list(doc["territories"], "territories", MAX_TERRITORIES)
    if len(territories) < MIN_TERRITORIES:
        _fail("territories", _("at least %(min)s territories") % {"min": MIN_TERRITORIES})
    names = set()
    for n, t in enumerate(territories):
        path = f"territories[{n}]"
        _row(t, path, TERRITORY_FIELDS)
        name = _field(t, "name", path, str, model=Territory, blank=False)
        if name.strip().casefold() in names:
            raise ImportRefused(_("The territory “%(name)s” appears twice.") % {"name": name})
        names.add(name.strip().casefold())
        _field(t, "short_name", path, str, model=Territory)
        _field(t, "kind", path, str, choices=_choices(Territory, "kind"))
        color = _field(t, "color", path, str, model=Territory)
        if (
            len(color) != 7
            or not color.startswith("#")
            or not all(c in "0123456789abcdefABCDEF" for c in color[1:])
        ):
            _fail(f"{path}.color", _("a colour like #2f5d8a is expected"))
        sheet = _field(t, "sheet", path, str)
        if len(sheet) > 10_000:
            _fail(f"{path}.sheet", _("at most %(limit)s characters") % {"limit": 10_000})
        for k, fact in enumerate(
            _list(_field(t, "key_facts", path, list), f"{path}.key_facts", KEY_FACTS_MAX)
        ):
            fpath = f"{path}.key_facts[{k}]"
            _row(fact, fpath, KEY_FACT_FIELDS)
            _field(fact, "label", fpath, str, model=KeyFact, blank=False)
            _field(fact, "value", fpath, str, model=KeyFact)
            _field(fact, "source", fpath, str, model=KeyFact)
    territory_ids = _ids(territories, "territories")

    for n, p in enumerate(_list(doc["phases"], "phases", 30)):
        path = f"phases[{n}]"
        _row(p, path, PHASE_FIELDS)
        _field(p, "kind", path, str, choices=_choices(Phase, "kind"))
        _field(p, "name", path, str, model=Phase, blank=False)
        _field(p, "instructions", path, str, model=Phase)
        _field(p, "duration_minutes", path, int, low=1, high=MAX_PHASE_MINUTES)

    tables = _list(doc["tables"], "tables", MAX_TABLES)
    if not tables:
        _fail("tables", _("at least one table"))
    numbers, subgroup_ids, subgroup_table = set(), set(), {}
    for n, t in enumerate(tables):
        path = f"tables[{n}]"
        _row(t, path, TABLE_FIELDS)
        number = _field(t, "number", path, int, low=1, high=32767)
        if number in numbers:
            _fail(path, _("the table %(number)s appears twice") % {"number": number})
        numbers.add(number)
        seated = set()
        for k, s in enumerate(
            _list(_field(t, "subgroups", path, list), f"{path}.subgroups", MAX_TERRITORIES)
        ):
            spath = f"{path}.subgroups[{k}]"
            _row(s, spath, SUBGROUP_FIELDS)
            territory = _ref(s, "territory", spath, territory_ids)
            if territory in seated:
                _fail(spath, _("a territory sits twice at this table"))
            seated.add(territory)
            sid = _field(s, "id", spath, int)
            if sid in subgroup_ids:
                _fail(spath, _("the id %(id)s appears twice") % {"id": sid})
            subgroup_ids.add(sid)
            subgroup_table[sid] = number

    items = _list(doc["condition_items"], "condition_items", MAX_CONDITION_ITEMS)
    for n, i in enumerate(items):
        path = f"condition_items[{n}]"
        _row(i, path, CONDITION_ITEM_FIELDS)
        _field(i, "title", path, str, model=ConditionItem, blank=False)
        _field(i, "hint", path, str, model=ConditionItem)
    item_ids = _ids(items, "condition_items")
    choices = _list(
        doc["alliance_choices"], "alliance_choices", MAX_ALLIANCE_CHOICES * len(CARD_FAMILIES)
    )
    choice_family = {}
    for n, c in enumerate(choices):
        path = f"alliance_choices[{n}]"
        _row(c, path, ALLIANCE_CHOICE_FIELDS)
        choice_family[_field(c, "id", path, int)] = _field(
            c, "family", path, str, choices=set(CARD_FAMILIES)
        )
        _field(c, "label", path, str, model=AllianceChoice, blank=False)
    _ids(choices, "alliance_choices")

    plenary = doc["plenary"]
    if plenary is not None:
        _row(plenary, "plenary", PLENARY_FIELDS)
        questions = _list(
            _field(plenary, "questions", "plenary", list), "plenary.questions", MAX_QUESTIONS
        )
        if not all(isinstance(q, str) and len(q) <= 200 for q in questions):
            _fail("plenary.questions", _("at most %(limit)s characters") % {"limit": 200})
        _field(plenary, "dots_per_participant", "plenary", int, low=1, high=MAX_DOTS)
        _field(plenary, "dots_per_item", "plenary", int, low=1, high=MAX_DOTS)
        _field(plenary, "order", "plenary", str, choices=_choices(Plenary, "order"))
    if template:
        return

    participants = _list(doc["participants"], "participants", MAX_PARTICIPANTS)
    for n, p in enumerate(participants):
        path = f"participants[{n}]"
        _row(p, path, PARTICIPANT_FIELDS)
        _ref(p, "subgroup", path, subgroup_ids)
        _field(p, "first_name", path, str, model=Participant, blank=False)
    participant_ids = _ids(participants, "participants")

    postits = _list(doc["postits"], "postits", MAX_POSTITS)
    postit_subgroup = {}
    for n, p in enumerate(postits):
        path = f"postits[{n}]"
        _row(p, path, POSTIT_FIELDS)
        postit_subgroup[_field(p, "id", path, int)] = (
            _ref(p, "subgroup", path, subgroup_ids),
            _field(p, "kind", path, str, choices=_choices(PostIt, "kind")),
        )
        _ref(p, "author", path, participant_ids, null=True)
        _field(p, "text", path, str, model=PostIt, blank=False)
        _field(p, "theme", path, str, model=PostIt)
    postit_ids = _ids(postits, "postits")

    baskets = _list(doc["baskets"], "baskets", MAX_BASKETS)
    basket_sides, pairs = {}, set()
    for n, b in enumerate(baskets):
        path = f"baskets[{n}]"
        _row(b, path, BASKET_FIELDS)
        number = _field(b, "table", path, int)
        a, z = _ref(b, "side_a", path, subgroup_ids), _ref(b, "side_b", path, subgroup_ids)
        if a == z or subgroup_table[a] != number or subgroup_table[z] != number or (a, z) in pairs:
            _fail(path, _("its two sides must be two sub-groups of its table, once"))
        pairs.add((a, z))
        basket_sides[_field(b, "id", path, int)] = (a, z)
    basket_ids = _ids(baskets, "baskets")

    transactions = _list(doc["transactions"], "transactions", MAX_TRANSACTIONS)
    answered_needs = 0
    for n, t in enumerate(transactions):
        path = f"transactions[{n}]"
        _row(t, path, TRANSACTION_FIELDS)
        a, z = basket_sides[_ref(t, "basket", path, basket_ids)]
        giver = _ref(t, "giver", path, subgroup_ids)
        if giver not in (a, z):
            _fail(f"{path}.giver", _("the giver is not a side of the basket"))
        offer = _ref(t, "offer", path, postit_ids)
        if postit_subgroup[offer] != (giver, "offer"):
            _fail(f"{path}.offer", _("the offer must be an offer post-it of the giver"))
        needs = _list(_field(t, "needs", path, list), f"{path}.needs", MAX_NEEDS_PER_TRANSACTION)
        receiver = z if giver == a else a
        for need in needs:
            if (
                type(need) is not int
                or need not in postit_ids
                or postit_subgroup[need] != (receiver, "need")
            ):
                _fail(f"{path}.needs", _("each need must be a need post-it of the receiver"))
        if len(set(needs)) != len(needs):
            _fail(f"{path}.needs", _("a need appears twice"))
        answered_needs += len(needs)
        if answered_needs > MAX_ANSWERED_NEEDS:
            _fail(
                "transactions",
                _("at most %(limit)s answered needs") % {"limit": MAX_ANSWERED_NEEDS},
            )
        _field(t, "note", path, str, model=Transaction)
        _field(t, "value", path, int, null=True, low=SCORE_MIN, high=SCORE_MAX)
        _field(t, "effort", path, int, null=True, low=SCORE_MIN, high=SCORE_MAX)
        _ref(t, "author", path, participant_ids, null=True)
    transaction_ids = _ids(transactions, "transactions")

    seen_baskets = set()
    for n, c in enumerate(_list(doc["conditions"], "conditions", MAX_BASKETS)):
        path = f"conditions[{n}]"
        _row(c, path, CONDITIONS_FIELDS)
        basket = _ref(c, "basket", path, basket_ids)
        if basket in seen_baskets:
            _fail(path, _("a basket's conditions appear twice"))
        seen_baskets.add(basket)
        _field(c, "verdict", path, str, choices=_choices(BasketConditions, "verdict") | {""})
        _field(c, "condition", path, str, model=BasketConditions)
        _field(c, "rebalancing", path, str, model=BasketConditions)
        for family in CARD_FAMILIES:
            card = _ref(c, family, path, set(choice_family), null=True)
            if card is not None and choice_family[card] != family:
                _fail(f"{path}.{family}", _("this card belongs to another family"))
        answered = set()
        for k, a in enumerate(
            _list(_field(c, "answers", path, list), f"{path}.answers", MAX_CONDITION_ITEMS)
        ):
            apath = f"{path}.answers[{k}]"
            _row(a, apath, ANSWER_FIELDS)
            item = _ref(a, "item", apath, item_ids)
            if item in answered:
                _fail(apath, _("an item is answered twice"))
            answered.add(item)
            _field(a, "checked", apath, bool)
            _field(a, "text", apath, str, model=ConditionAnswer)

    for n, a in enumerate(_list(doc["feedback"], "feedback", MAX_FEEDBACK)):
        path = f"feedback[{n}]"
        _row(a, path, FEEDBACK_FIELDS)
        _field(a, "question", path, int, low=0, high=MAX_QUESTIONS - 1)
        _field(a, "text", path, str, model=Answer, blank=False)
        _field(a, "shown", path, bool)
        _ref(a, "author", path, participant_ids)
    for n, d in enumerate(_list(doc["dots"], "dots", MAX_DOTS_IN_FILE)):
        path = f"dots[{n}]"
        _row(d, path, DOT_FIELDS)
        _ref(d, "participant", path, participant_ids)
        basket = _ref(d, "basket", path, basket_ids, null=True)
        trans = _ref(d, "transaction", path, transaction_ids, null=True)
        if (basket is None) == (trans is None):
            _fail(path, _("a dot is on a basket or on a transaction"))
    if doc.get("restitution") is not None:
        _validate_restitution(doc["restitution"], territory_ids, basket_ids, transaction_ids)


def _text(row, key, path, limit) -> None:
    if len(_field(row, key, path, str)) > limit:
        _fail(f"{path}.{key}", _("at most %(limit)s characters") % {"limit": limit})


def _validate_restitution(value, territory_ids, basket_ids, transaction_ids) -> None:
    """The optional curation of the restitution editor: texts, baskets, actions."""
    doc = _row(value, "restitution", RESTITUTION_FIELDS)
    seen = set()
    texts = _list(_field(doc, "texts", "restitution", list), "restitution.texts", 1000)
    for n, t in enumerate(texts):
        path = f"restitution.texts[{n}]"
        _row(t, path, TEXT_FIELDS)
        section = _field(t, "section", path, str, choices=set(Section.values))
        territory = _ref(t, "territory", path, territory_ids, null=True)
        if territory is not None and section != Section.SYNTHESIS:
            _fail(path, _("only phase 1 has a text per territory"))
        if (section, territory) in seen:
            _fail(path, _("a text appears twice"))
        seen.add((section, territory))
        _text(t, "text", path, TEXT_MAX_LENGTH)
    seen = set()
    for n, b in enumerate(
        _list(_field(doc, "baskets", "restitution", list), "restitution.baskets", MAX_BASKETS)
    ):
        path = f"restitution.baskets[{n}]"
        _row(b, path, BASKET_CHOICE_FIELDS)
        basket = _ref(b, "basket", path, basket_ids)
        if basket in seen:
            _fail(path, _("a basket appears twice"))
        seen.add(basket)
        _field(b, "featured", path, bool, null=True)
        _text(b, "synthesis", path, TEXT_MAX_LENGTH)
    seen = set()
    for n, a in enumerate(
        _list(_field(doc, "actions", "restitution", list), "restitution.actions", MAX_TRANSACTIONS)
    ):
        path = f"restitution.actions[{n}]"
        _row(a, path, ACTION_CHOICE_FIELDS)
        trans = _ref(a, "transaction", path, transaction_ids)
        if trans in seen:
            _fail(path, _("a transaction appears twice"))
        seen.add(trans)
        _field(a, "status", path, str, choices=set(ActionStatus.values))
        _text(a, "title", path, ACTION_TITLE_MAX_LENGTH)
        _field(a, "included", path, bool)


# Writes -----------------------------------------------------------------------------------


def import_workshop(raw: bytes, *, created_by, template: bool) -> Workshop:
    document = parse(raw)
    validate(document, template=template)
    try:
        return _write(document, created_by=created_by, template=template)
    except IntegrityError as error:  # a check missed something: still nothing is left
        raise ImportRefused(
            _("The file could not be imported (%(error)s).") % {"error": error}
        ) from None


def _new_code() -> str:
    for _attempt in range(20):
        code = new_join_code()
        if not Workshop.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw a free join code")


def _write(doc: dict, *, created_by, template: bool) -> Workshop:
    """The rows, a few hundred at a time: each batch is its own short transaction, so a
    large file never holds a live workshop's writes (SQLite's one writer) for seconds. The
    new workshop has a new code and one facilitator, the importer, so nobody else sees it
    half written; if a write fails, what was written is deleted again."""
    created = Created()
    try:
        return _write_rows(doc, created_by=created_by, template=template, created=created)
    except BaseException:
        created.undo()
        raise


class Created:
    """What an import wrote so far, to take back if it fails part-way."""

    def __init__(self):
        self.workshop: Workshop | None = None
        self.territories: list[Territory] = []

    def undo(self) -> None:
        if self.workshop is not None:
            deletion.delete_unconfirmed(self.workshop)
        Territory.objects.filter(pk__in=[t.pk for t in self.territories], workshops=None).delete()


def _save(rows) -> None:
    """Inserts unsaved rows of one model (their keys are set, as bulk_create does)."""
    rows = list(rows)  # built before the batch's transaction opens
    for start in range(0, len(rows), IMPORT_BATCH):
        type(rows[0]).objects.bulk_create(rows[start : start + IMPORT_BATCH])


def _write_rows(doc: dict, *, created_by, template: bool, created: Created) -> Workshop:
    w = doc["workshop"]
    workshop = Workshop.objects.create(
        title=w["title"],
        event=w["event"],
        date=datetime.date.fromisoformat(w["date"]) if w["date"] else None,
        place=w["place"],
        themes=w["themes"],
        grace_seconds=w["grace_seconds"],
        balance_tolerance=w["balance_tolerance"],
        code=_new_code(),
        created_by=created_by,
    )
    created.workshop = workshop
    workshop.facilitators.add(created_by)

    territory = {}
    existing = {
        t.name: t
        for t in Territory.objects.filter(name__in=[t["name"] for t in doc["territories"]])
    }
    for t in doc["territories"]:
        found = existing.get(t["name"])
        if found is None:
            found = Territory.objects.create(
                **{k: t[k] for k in ("name", "short_name", "kind", "color", "sheet")},
            )
            created.territories.append(found)
            _save(
                KeyFact(
                    territory=found,
                    position=n,
                    **{key: fact[key] for key in KEY_FACT_FIELDS},
                )
                for n, fact in enumerate(t["key_facts"])
            )
        territory[t["id"]] = found
    workshop.territories.set(territory.values())

    _save(
        Phase(workshop=workshop, position=n, **{key: p[key] for key in PHASE_FIELDS})
        for n, p in enumerate(doc["phases"])
    )
    subgroup = {}
    for t in doc["tables"]:
        table = Table.objects.create(workshop=workshop, number=t["number"])
        for s in t["subgroups"]:
            subgroup[s["id"]] = SubGroup(table=table, territory=territory[s["territory"]])
    _save(subgroup.values())

    # The defaults a new workshop gets (baskets/conditions/receivers.py) give way to the file's.
    ConditionItem.objects.filter(workshop=workshop).delete()
    AllianceChoice.objects.filter(workshop=workshop).delete()
    item = {
        i["id"]: ConditionItem(workshop=workshop, position=n, title=i["title"], hint=i["hint"])
        for n, i in enumerate(doc["condition_items"])
    }
    _save(item.values())
    positions: dict[str, int] = {}
    choice = {}
    for c in doc["alliance_choices"]:
        positions[c["family"]] = positions.get(c["family"], -1) + 1
        choice[c["id"]] = AllianceChoice(
            workshop=workshop, family=c["family"], position=positions[c["family"]], label=c["label"]
        )
    _save(choice.values())
    if doc["plenary"] is not None:
        plenary = doc["plenary"]
        Plenary.objects.create(workshop=workshop, **{key: plenary[key] for key in PLENARY_FIELDS})

    if template:
        ensure_baskets(workshop)
        return workshop

    participant = {
        p["id"]: Participant(
            workshop=workshop, subgroup=subgroup[p["subgroup"]], first_name=p["first_name"]
        )
        for p in doc["participants"]
    }
    _save(participant.values())
    postit = {
        p["id"]: PostIt(
            subgroup=subgroup[p["subgroup"]],
            author=participant.get(p["author"]),
            kind=p["kind"],
            text=p["text"],
            theme=p["theme"],
        )
        for p in doc["postits"]
    }
    _save(postit.values())
    basket = {
        b["id"]: Basket(
            table=subgroup[b["side_a"]].table,
            side_a=subgroup[b["side_a"]],
            side_b=subgroup[b["side_b"]],
        )
        for b in doc["baskets"]
    }
    _save(basket.values())
    trans = {
        t["id"]: Transaction(
            basket=basket[t["basket"]],
            giver=subgroup[t["giver"]],
            offer=postit[t["offer"]],
            note=t["note"],
            value=t["value"],
            effort=t["effort"],
            author=participant.get(t["author"]),
        )
        for t in doc["transactions"]
    }
    _save(trans.values())
    _save(
        AnsweredNeed(transaction=trans[t["id"]], need=postit[n])
        for t in doc["transactions"]
        for n in t["needs"]
    )
    conditions = [
        BasketConditions(
            basket=basket[c["basket"]],
            verdict=c["verdict"],
            condition=c["condition"],
            rebalancing=c["rebalancing"],
            **{family: choice.get(c[family]) for family in CARD_FAMILIES},
        )
        for c in doc["conditions"]
    ]
    _save(conditions)
    _save(
        ConditionAnswer(conditions=row, item=item[a["item"]], checked=a["checked"], text=a["text"])
        for row, c in zip(conditions, doc["conditions"], strict=True)
        for a in c["answers"]
    )
    _save(
        Answer(
            workshop=workshop,
            author=participant[a["author"]],
            question=a["question"],
            text=a["text"],
            shown=a["shown"],
        )
        for a in doc["feedback"]
    )
    voters = {d["participant"] for d in doc["dots"]}
    _save(DotBudget(participant=participant[v]) for v in sorted(voters))
    _save(
        Dot(
            participant=participant[d["participant"]],
            basket=basket.get(d["basket"]),
            transaction=trans.get(d["transaction"]),
        )
        for d in doc["dots"]
    )
    curation = doc.get("restitution") or {"texts": [], "baskets": [], "actions": []}
    _save(
        SectionText(
            workshop=workshop,
            section=t["section"],
            territory=territory.get(t["territory"]),
            text=t["text"],
        )
        for t in curation["texts"]
    )
    _save(
        BasketChoice(basket=basket[b["basket"]], featured=b["featured"], synthesis=b["synthesis"])
        for b in curation["baskets"]
    )
    _save(
        ActionChoice(
            transaction=trans[a["transaction"]],
            status=a["status"],
            title=a["title"],
            included=a["included"],
        )
        for a in curation["actions"]
    )
    return workshop
