"""Import a "paniers-workshop" document as a NEW workshop, as a template or as an archive.

Everything is checked before the first write: the file is parsed here, then each part of
the document reads itself into unsaved rows that its models check, with every reference
between rows (``restitution/document/``). A refused file raises ``ImportRefused`` with a
message for the facilitator; the rows are then written in short batches, and what was
written is deleted again if a write fails, so nothing is left behind either way.

Only the new workshop is written to (and the library's territories it lacks): every row is
built from the fields the format defines, never from a file's keys.
"""

import json

from django.db import IntegrityError
from django.utils.translation import gettext as _

from baskets.models import (
    AllianceChoice,
    AnsweredNeed,
    Basket,
    BasketConditions,
    ConditionAnswer,
    ConditionItem,
    Transaction,
)
from baskets.services import ensure_baskets
from plenary.models import Answer, Dot, DotBudget, Plenary
from restitution import deletion
from restitution.document import read_document
from restitution.document.limits import (
    MAX_ANSWERED_NEEDS,
    MAX_BASKETS,
    MAX_DOTS_IN_FILE,
    MAX_FEEDBACK,
    MAX_NEEDS_PER_TRANSACTION,
    MAX_PARTICIPANTS,
    MAX_POSTITS,
    MAX_TRANSACTIONS,
)
from restitution.document.parts import Draft
from restitution.document.reading import ImportRefused, shown
from restitution.models import ActionChoice, BasketChoice, SectionText
from territories.models import KeyFact, Territory
from workshops.codes import new_join_code
from workshops.models import Participant, Phase, PostIt, SubGroup, Table, Workshop

# The caps a document is held to are the document's (restitution/document/limits.py);
# the importer names them too, as the limits of what it takes.
__all__ = [
    "MAX_ANSWERED_NEEDS",
    "MAX_BASKETS",
    "MAX_DOTS_IN_FILE",
    "MAX_FEEDBACK",
    "MAX_IMPORT_BYTES",
    "MAX_NEEDS_PER_TRANSACTION",
    "MAX_PARTICIPANTS",
    "MAX_POSTITS",
    "MAX_TRANSACTIONS",
    "ImportRefused",
    "import_workshop",
    "parse",
]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_BATCH = 200  # rows a write transaction holds at most
# Parents before their children: each model's rows are inserted once its keys' rows have theirs.
INSERT_ORDER = (
    KeyFact,
    Phase,
    Table,
    SubGroup,
    ConditionItem,
    AllianceChoice,
    Plenary,
    Participant,
    PostIt,
    Basket,
    Transaction,
    AnsweredNeed,
    BasketConditions,
    ConditionAnswer,
    Answer,
    DotBudget,
    Dot,
    SectionText,
    BasketChoice,
    ActionChoice,
)


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
        raise ValueError(_("the field “%(field)s” appears twice") % {"field": shown(twice)})
    return document


def import_workshop(raw: bytes, *, created_by, template: bool) -> Workshop:
    draft = read_document(parse(raw), template=template)
    try:
        return _write(draft, created_by=created_by, template=template)
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


class Created:
    """What an import wrote so far, to take back if it fails part-way."""

    def __init__(self):
        self.workshop: Workshop | None = None
        self.territories: list[Territory] = []

    def undo(self) -> None:
        if self.workshop is not None:
            deletion.delete_unconfirmed(self.workshop)
        Territory.objects.filter(pk__in=[t.pk for t in self.territories], workshops=None).delete()


def _write(draft: Draft, *, created_by, template: bool) -> Workshop:
    """The rows, a few hundred at a time: each batch is its own short transaction, so a
    large file never holds a live workshop's writes (SQLite's one writer) for seconds. The
    new workshop has a new code and one facilitator, the importer, so nobody else sees it
    half written; if a write fails, what was written is deleted again."""
    created = Created()
    try:
        return _write_rows(draft, created_by=created_by, template=template, created=created)
    except BaseException:
        created.undo()
        raise


def _save(rows: list) -> None:
    """Inserts unsaved rows of one model (their keys are set, as bulk_create does)."""
    for start in range(0, len(rows), IMPORT_BATCH):
        type(rows[0]).objects.bulk_create(rows[start : start + IMPORT_BATCH])


def _write_rows(draft: Draft, *, created_by, template: bool, created: Created) -> Workshop:
    workshop = draft.workshop
    workshop.code = _new_code()
    workshop.created_by = created_by
    workshop.save()
    created.workshop = workshop
    workshop.facilitators.add(created_by)
    # The defaults a new workshop gets (baskets/receivers.py) give way to the file's.
    ConditionItem.objects.filter(workshop=workshop).delete()
    AllianceChoice.objects.filter(workshop=workshop).delete()
    for territory in draft.new_territories:
        territory.save()
        created.territories.append(territory)
    workshop.territories.set(draft.territories.values())
    for model in INSERT_ORDER:
        _save(draft.rows.get(model, []))
    if template:
        ensure_baskets(workshop)
    return workshop
