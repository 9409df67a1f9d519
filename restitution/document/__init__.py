"""The JSON document of a whole workshop, "paniers-workshop" version 1 (docs/restitution.md).

Rows refer to each other by the document's own ids: 1, 2, 3… in each list's order, never
the database's keys, so that a document exported, imported and exported again is the same.

Each part of the document (``workshop.py``, ``territories.py``, ``tables.py``…) writes
itself from a snapshot and reads itself back into unsaved rows that its models check
(``reading.py``); ``restitution/importer.py`` writes those rows.
"""

from django.utils.translation import gettext as _

from restitution.document import (
    baskets,
    checklist,
    conditions,
    curation,
    participants,
    plenary,
    postits,
    tables,
    territories,
    workshop,
)
from restitution.document.parts import Draft, Ids
from restitution.document.reading import ImportRefused, Row, shown
from restitution.snapshot import Snapshot, snapshot
from workshops.models import Workshop

FORMAT, VERSION = "paniers-workshop", 1

# In the order they are written and read: a part refers only to the parts before it.
# A template needs the set-up; an archive its content too, and the optional curation.
SETUP = (
    workshop.WORKSHOP,
    territories.TERRITORIES,
    workshop.PHASES,
    tables.TABLES,
    checklist.ITEMS,
    checklist.CARDS,
    plenary.PLENARY,
)
CONTENT = (
    participants.PARTICIPANTS,
    postits.POSTITS,
    baskets.BASKETS,
    baskets.TRANSACTIONS,
    conditions.CONDITIONS,
    plenary.FEEDBACK,
    plenary.DOTS,
)
DOCUMENT_FIELDS = ("format", "version", *(p.key for p in SETUP + CONTENT), curation.CURATION.key)


def workshop_document(workshop: Workshop) -> dict:
    return build_document(snapshot(workshop))


def build_document(snap: Snapshot) -> dict:
    ids = Ids.of(snap)
    parts = (*SETUP, *CONTENT, curation.CURATION)
    return {"format": FORMAT, "version": VERSION, **{p.key: p.dump(snap, ids) for p in parts}}


def read_document(document, *, template: bool) -> Draft:
    """The new workshop as unsaved rows, every one checked: refuses (``ImportRefused``)
    anything that the writes could not take whole. Nothing is written here."""
    doc = Row(document, _("the file"), DOCUMENT_FIELDS).data
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
            % {"found": shown(doc.get("version")), "expected": VERSION}
        )
    parts = SETUP if template else SETUP + CONTENT
    for part in parts:
        if part.key not in doc:
            raise ImportRefused(_("The field “%(field)s” is missing.") % {"field": part.key})
    draft = Draft()
    for part in parts:
        part.load(doc[part.key], draft)
    if not template:
        curation.CURATION.load(doc.get(curation.CURATION.key), draft)
    return draft
